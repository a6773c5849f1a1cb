package kube

import "testing"

func TestCheckOneDocument(t *testing.T) {
	pod := podYAML("", "")
	tests := []struct {
		name, yaml string
		ok         bool
	}{
		{"one document", pod, true},
		{"a leading ---", "---\n" + pod, true},
		{"a leading --- with a comment", "--- # the pod\n" + pod, true},
		{"a trailing ---", pod + "---\n", true},
		{"comments only after ---", pod + "---\n# nothing here\n\n", true},
		{"--- inside a value is no marker", pod + "    args: [\"---\"]\n", true},
		{"two documents", pod + "---\n" + pod, false},
		{"a document on the marker's line", pod + "--- {kind: Pod}\n", false},
		{"a document end", pod + "...\n", true},
		{"a document after a document end", pod + "...\n" + pod, false},
		{"CRLF line ends", "kind: Pod\r\n---\r\nkind: Pod\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkOneDocument([]byte(tt.yaml)); (err == nil) != tt.ok {
				t.Errorf("checkOneDocument: got %v, want ok %v", err, tt.ok)
			}
		})
	}
}
