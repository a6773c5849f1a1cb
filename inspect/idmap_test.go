package inspect

import (
	"slices"
	"testing"
)

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []IDRange
		wantErr bool
	}{
		{"host identity map", "         0          0 4294967295\n", []IDRange{{0, 0, 4294967295}}, false},
		{"two ranges", "0 100000 1000\n1000 1000 1\n", []IDRange{{0, 100000, 1000}, {1000, 1000, 1}}, false},
		{"empty: no map written yet", "", []IDRange{}, false},
		{"two fields", "0 1\n", nil, true},
		{"not a number", "0 x 1\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDMap(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseIDMap(%q): got error %v, want error %v", tt.text, err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(got, tt.want) {
				t.Errorf("ParseIDMap(%q): got %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestHostID(t *testing.T) {
	userns := []IDRange{{0, 100000, 65536}}
	tests := []struct {
		name string
		m    []IDRange
		id   uint32
		want int64
	}{
		{"root of a user namespace", userns, 0, 100000},
		{"last id of the range", userns, 65535, 165535},
		{"past the range", userns, 65536, -1},
		{"no user namespace", []IDRange{{0, 0, 4294967295}}, 1000, 1000},
		{"second range", []IDRange{{0, 5000, 1}, {1, 200000, 10}}, 3, 200002},
		{"empty map", nil, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HostID(tt.m, tt.id); got != tt.want {
				t.Errorf("HostID(%v, %d): got %d, want %d", tt.m, tt.id, got, tt.want)
			}
		})
	}
}

func TestInsideID(t *testing.T) {
	userns := []IDRange{{0, 100000, 65536}}
	tests := []struct {
		name string
		m    []IDRange
		host uint32
		want uint32
	}{
		{"root of a user namespace", userns, 100000, 0},
		{"user 1000", userns, 101000, 1000},
		{"host root, unmapped", userns, 0, 65534},
		{"no user namespace", []IDRange{{0, 0, 4294967295}}, 1000, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InsideID(tt.m, tt.host); got != tt.want {
				t.Errorf("InsideID(%v, %d): got %d, want %d", tt.m, tt.host, got, tt.want)
			}
		})
	}
}
