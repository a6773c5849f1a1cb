# sandbox: build, rootfs, demo, test, bench, conformance, lint.
GO       ?= go
BIN      := bin/sandbox
# The Kubernetes pod converter, a binary of its own: the API types it links
# would slow every start of bin/sandbox. It needs no cgo.
KUBEBIN  := bin/sandbox-kube
ROOTFS   := build/rootfs
VERSION  := 0.1.0
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# cgo for the join stage of exec (namespaces/nsenter), linked statically:
# a static binary starts faster and runs wherever it is copied.
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -linkmode external -extldflags -static
TAGS     := urfave_cli_no_docs osusergo netgo
export CGO_ENABLED := 1

.PHONY: build rootfs demo test unit integration walkthrough walkthrough-check bench conformance lint clean

build: $(BIN) $(KUBEBIN)

$(BIN): $(shell find . \( -name '*.go' -o -name '*.c' \) -not -path './build/*') go.mod go.sum
	$(GO) build -tags '$(TAGS)' -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/sandbox

$(KUBEBIN): $(shell find . -name '*.go' -not -path './build/*') go.mod go.sum
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o $@ ./cmd/sandbox-kube

# A busybox root filesystem from Debian's busybox-static package.
rootfs: $(ROOTFS)/bin/busybox

$(ROOTFS)/bin/busybox:
	bash scripts/mkrootfs.sh $(ROOTFS)

# The main job, with a short script whose output shows the isolation.
demo: build rootfs
	@bash scripts/demo.sh ./$(BIN) ./$(ROOTFS)

unit:
	$(GO) test $$($(GO) list ./... | grep -v /integration)

# Integration tests run real containers and need root; SANDBOX_INTEGRATION=1
# turns a missing precondition into a failure instead of a skip.
integration: build rootfs
	SANDBOX_INTEGRATION=1 SANDBOX_BIN=$(CURDIR)/$(BIN) SANDBOX_ROOTFS=$(CURDIR)/$(ROOTFS) \
	  CGO_ENABLED=0 $(GO) test -count=1 -timeout 20m ./integration/...

# docs/walkthrough.md shows each command's real output: `walkthrough` writes
# it anew, `walkthrough-check` fails when sandbox no longer prints what the
# page shows.
walkthrough: build rootfs
	bash scripts/walkthrough.sh

walkthrough-check: build rootfs
	bash scripts/walkthrough.sh --check

test: lint unit integration walkthrough-check

# Wall clock and peak RSS against runc and the unshare floor, then CPU time
# per start against crun and runc (bench/cpu.sh), holding the integration
# tests' host lock: it may wait for a running `make test`.
bench: build rootfs
	bash bench/startup.sh $(CURDIR)/$(BIN) $(CURDIR)/$(ROOTFS)

# The OCI runtime conformance suite (runtime-tools) against our binary, or
# against another runtime: make conformance RUNTIME=runc
RUNTIME ?= $(CURDIR)/$(BIN)
conformance: build
	RUNTIME=$(RUNTIME) bash scripts/conformance.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin build
