package kube

import (
	"math"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"sandbox/spec"
)

// The kubelet's CPU arithmetic: 1024 shares per CPU requested, clamped to
// the range the kernel takes, and a quota per 100ms period of at least
// 1ms, which the kubelet raises smaller limits to.
const (
	minShares   = 2
	maxShares   = 262144
	sharesPer   = 1024
	cpuPeriod   = 100000 // µs
	minCPUQuota = 1000   // µs
	// maxCPUs is the largest limit sandbox sets a quota for (as --cpus).
	maxCPUs = 1 << 20
	// minMemory is the smallest limit a container starts under.
	minMemory = 4 << 20
)

// resources turns limits.memory, limits.cpu and requests.cpu into the
// settings of `sandbox run`: a memory limit (without swap, as a kubelet
// with swap off), a CPU quota per 100ms period, and CPU shares, as the
// kubelet computes them (a container that requests no CPU gets the least
// weight, 2). First it checks what the API server checks: no
// negative quantity, no request above its limit; and it defaults a
// missing request to its limit, as the API server does. Other resources,
// and requests.memory, are listed in the notes, unapplied.
func resources(r corev1.ResourceRequirements, cpath string) (spec.Resources, []string, error) {
	var out spec.Resources
	path := cpath + ".resources."
	if err := checkQuantities(r, path); err != nil {
		return out, nil, err
	}
	notes := unapplied(r, path)

	if q, ok := r.Limits[corev1.ResourceMemory]; ok {
		m, err := memoryLimit(q, path+"limits.memory")
		if err != nil {
			return out, nil, err
		}
		out.Memory = m
	}
	if q, ok := r.Limits[corev1.ResourceCPU]; ok && !q.IsZero() {
		c, err := cpuLimit(q, path+"limits.cpu")
		if err != nil {
			return out, nil, err
		}
		out.Cpus = c
	}
	// With no CPU request nor limit the kubelet still sets shares: the
	// minimum, 2, as for every container of a BestEffort pod.
	q, _ := request(r, corev1.ResourceCPU)
	out.CpuShares = cpuShares(q)
	return out, notes, nil
}

// checkQuantities refuses a negative quantity and a request above its
// limit, naming the field as the API server does.
func checkQuantities(r corev1.ResourceRequirements, path string) error {
	lists := []struct {
		kind string
		list corev1.ResourceList
	}{{"limits.", r.Limits}, {"requests.", r.Requests}}
	for _, l := range lists {
		for _, name := range sortedKeys(l.list) {
			if q := l.list[corev1.ResourceName(name)]; q.Sign() < 0 {
				return fieldErr(path+l.kind+name, "%s: give a quantity of 0 or more", q.String())
			}
		}
	}
	for _, name := range sortedKeys(r.Requests) {
		req := r.Requests[corev1.ResourceName(name)]
		if lim, ok := r.Limits[corev1.ResourceName(name)]; ok && req.Cmp(lim) > 0 {
			return fieldErr(path+"requests."+name, "%s is above limits.%s %s: a request cannot exceed its limit",
				req.String(), name, lim.String())
		}
	}
	return nil
}

// request is the request for name, or its limit when none is given, as
// the API server defaults it.
func request(r corev1.ResourceRequirements, name corev1.ResourceName) (resource.Quantity, bool) {
	if q, ok := r.Requests[name]; ok {
		return q, true
	}
	q, ok := r.Limits[name]
	return q, ok
}

// unapplied notes the resources that have no effect here: limits other
// than cpu and memory, requests other than cpu (a memory request only
// places the pod on a node).
func unapplied(r corev1.ResourceRequirements, path string) []string {
	var notes []string
	for _, name := range sortedKeys(r.Limits) {
		if n := corev1.ResourceName(name); n != corev1.ResourceCPU && n != corev1.ResourceMemory {
			notes = append(notes, path+"limits."+name+": not applied by sandbox")
		}
	}
	for _, name := range sortedKeys(r.Requests) {
		switch corev1.ResourceName(name) {
		case corev1.ResourceCPU:
		case corev1.ResourceMemory:
			notes = append(notes, path+"requests.memory: not applied: it places a pod on a node, "+
				"and sets no kernel limit; limits.memory does")
		default:
			notes = append(notes, path+"requests."+name+": not applied by sandbox")
		}
	}
	return notes
}

// memoryLimit checks a memory limit: it must fit the kernel's 64-bit
// counter, and leave room for the container to start.
func memoryLimit(q resource.Quantity, path string) (string, error) {
	if q.CmpInt64(math.MaxInt64) > 0 {
		return "", fieldErr(path, "%s: more bytes than a 64-bit limit holds: give at most 8Ei, or no limit",
			q.String())
	}
	if q.Value() < minMemory {
		return "", fieldErr(path, "%s: give at least 4Mi, or the container cannot start", q.String())
	}
	return strconv.FormatInt(q.Value(), 10), nil
}

// cpuLimit is the kubelet's quota for a CPU limit, as a count of CPUs:
// limits under 10m get the 1ms minimum quota, 10m.
func cpuLimit(q resource.Quantity, path string) (string, error) {
	if q.CmpInt64(maxCPUs) > 0 {
		return "", fieldErr(path, "%s: more than %d CPUs, the largest limit sandbox sets a quota for: "+
			"give a smaller one, or no limit", q.String(), maxCPUs)
	}
	quota := max(minCPUQuota, q.MilliValue()*cpuPeriod/1000)
	return strconv.FormatFloat(float64(quota)/cpuPeriod, 'f', -1, 64), nil
}

// cpuShares is the kubelet's weight for a CPU request: 1024 per CPU,
// clamped to 2 to 262144.
func cpuShares(q resource.Quantity) uint64 {
	if q.CmpInt64(maxShares) > 0 {
		return maxShares
	}
	return uint64(min(maxShares, max(minShares, q.MilliValue()*sharesPer/1000)))
}
