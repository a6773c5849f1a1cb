package kube

import (
	"fmt"
	"strings"
)

// checkOneDocument refuses YAML that holds more than one document: the
// parser would read the first and drop the rest without a word, so a
// second Pod, or a fix appended after a ---, would be lost. Documents are
// parted by --- or ... at the start of a line; a document with nothing
// but blank lines and comments does not count, so a leading --- is fine.
func checkOneDocument(data []byte) error {
	docs, content := 0, false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if isMarker(line, "---") || isMarker(line, "...") {
			content = false
			line = strings.TrimSpace(line[3:])
		}
		if content || !hasContent(line) {
			continue
		}
		content = true
		docs++
	}
	if docs > 1 {
		return fmt.Errorf("holds %d YAML documents (separated by ---): put one Pod in the file", docs)
	}
	return nil
}

// isMarker reports whether line starts with the document marker m (---
// starts a document, ... ends one), alone or before a blank.
func isMarker(line, m string) bool {
	return line == m || strings.HasPrefix(line, m+" ") || strings.HasPrefix(line, m+"\t")
}

// hasContent reports whether a line holds more than blanks or a comment.
func hasContent(line string) bool {
	line = strings.TrimSpace(line)
	return line != "" && !strings.HasPrefix(line, "#")
}
