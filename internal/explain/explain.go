// Package explain records the steps of a container start as short, aligned
// lines, one per kernel call, for `sandbox run --explain`.
//
// A line is recorded where the call is made, after it succeeded (or, for
// execve, just before it), so a step the code skips or changes shows up as
// such. Every method is a no-op on a nil *Recorder, and takes its values
// unformatted: with --explain off, the start path passes a nil recorder and
// pays one nil check per step, with no formatting and no allocation.
//
// The parent writes its own lines at once (New); the child keeps its lines
// (NewBuffer) and sends them to the parent over the sync socket before each
// message, so that the parent prints both in the order they happened.
package explain

import (
	"fmt"
	"io"
	"strings"
)

// stepWidth is the width of the first column, the step's name.
const stepWidth = 12

// Recorder collects explain lines. The zero value is not used: a nil
// *Recorder means explain is off.
type Recorder struct {
	out   io.Writer // New: each line is written here at once
	lines []string  // NewBuffer: kept until Take
}

// New returns a recorder that writes each line to out as it is recorded.
func New(out io.Writer) *Recorder { return &Recorder{out: out} }

// NewBuffer returns a recorder that keeps its lines until Take.
func NewBuffer() *Recorder { return &Recorder{} }

// On reports whether r records at all; callers that would have to build a
// value only for r ask it first.
func (r *Recorder) On() bool { return r != nil }

// Take returns the lines kept since the last Take and forgets them.
func (r *Recorder) Take() []string {
	if r == nil {
		return nil
	}
	lines := r.lines
	r.lines = nil
	return lines
}

// Print passes on lines another recorder took (the child's, in the parent).
func (r *Recorder) Print(lines []string) {
	if r == nil {
		return
	}
	for _, l := range lines {
		r.emit(l)
	}
}

// Note records step with a text the caller already has.
func (r *Recorder) Note(step, text string) {
	if r == nil {
		return
	}
	r.add(step, text)
}

// Skip records a step that the configuration leaves out, and why.
func (r *Recorder) Skip(step, why string) {
	if r == nil {
		return
	}
	r.add(step, "- skipped: "+why)
}

func (r *Recorder) add(step, text string) {
	r.emit(Line(step, text))
}

func (r *Recorder) emit(line string) {
	if r.out != nil {
		io.WriteString(r.out, line+"\n")
		return
	}
	r.lines = append(r.lines, line)
}

// Line formats one explain line: the step's name in the first column, then
// its text.
func Line(step, text string) string {
	return strings.TrimRight(fmt.Sprintf("%-*s %s", stepWidth, step, text), " ")
}
