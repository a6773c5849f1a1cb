package inspect

import (
	"slices"
	"testing"
)

func TestNewCapSet(t *testing.T) {
	def := uint64(0xa80425fb) // the default container set
	tests := []struct {
		name                   string
		mask                   uint64
		names, beyond, missing []string
	}{
		{"empty", 0, []string{}, []string{}, []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
			"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
			"CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"}},
		{"the default set", def, nil, []string{}, []string{}},
		{"default plus sys_admin minus net_raw", (def | 1<<21) &^ (1 << 13), nil,
			[]string{"CAP_SYS_ADMIN"}, []string{"CAP_NET_RAW"}},
		{"net_bind_service alone", 0x400, []string{"CAP_NET_BIND_SERVICE"}, []string{}, nil},
		{"a bit this build has no name for", 1 << 62, []string{"CAP_62"}, []string{"CAP_62"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewCapSet(tt.mask, def)
			if got.Mask != tt.mask {
				t.Errorf("Mask: got %#x, want %#x", got.Mask, tt.mask)
			}
			if tt.names != nil && !slices.Equal(got.Names, tt.names) {
				t.Errorf("Names: got %v, want %v", got.Names, tt.names)
			}
			if !slices.Equal(got.Beyond, tt.beyond) {
				t.Errorf("Beyond: got %v, want %v", got.Beyond, tt.beyond)
			}
			if tt.missing != nil && !slices.Equal(got.Missing, tt.missing) {
				t.Errorf("Missing: got %v, want %v", got.Missing, tt.missing)
			}
		})
	}
}

func TestFullMask(t *testing.T) {
	for _, tt := range []struct {
		last int
		want uint64
	}{{40, 0x1ffffffffff}, {0, 1}, {63, ^uint64(0)}} {
		if got := FullMask(tt.last); got != tt.want {
			t.Errorf("FullMask(%d): got %#x, want %#x", tt.last, got, tt.want)
		}
	}
}
