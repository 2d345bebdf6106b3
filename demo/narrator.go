package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// narrator prints the tour: headings, prose wrapped to a readable width,
// commands, indented CLI output and the outcome of every check.
type narrator struct {
	mu    sync.Mutex
	w     io.Writer
	color bool
}

func newNarrator(w io.Writer, color bool) *narrator {
	return &narrator{w: w, color: color}
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

// wrapWidth is the column at which prose is wrapped.
const wrapWidth = 100

func (n *narrator) paint(style, s string) string {
	if !n.color {
		return s
	}
	return style + s + ansiReset
}

func (n *narrator) printf(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fmt.Fprintf(n.w, format, args...)
}

// title prints the banner at the top of the tour.
func (n *narrator) title(s string) {
	line := strings.Repeat("═", len([]rune(s))+4)
	n.printf("\n%s\n%s\n%s\n", n.paint(ansiBold, line), n.paint(ansiBold, "  "+s), n.paint(ansiBold, line))
}

// section prints a heading that is not a numbered step.
func (n *narrator) section(s string) {
	n.printf("\n%s\n", n.paint(ansiBold, "── "+s+" "+strings.Repeat("─", max(3, 60-len([]rune(s))))))
}

// step prints the heading of step i of total.
func (n *narrator) step(i, total int, s string) {
	n.section(fmt.Sprintf("Step %d of %d · %s", i, total, s))
}

// say prints prose, wrapped and indented.
func (n *narrator) say(s string) {
	n.printf("%s\n", wrap(s, "  ", wrapWidth))
}

// command shows a command line as the user would type it.
func (n *narrator) command(s string) {
	n.printf("\n  %s %s\n", n.paint(ansiCyan, "$"), n.paint(ansiBold, s))
}

// code shows lines a user can copy.
func (n *narrator) code(lines ...string) {
	for _, l := range lines {
		n.printf("    %s\n", n.paint(ansiCyan, l))
	}
}

// ok reports a passed expectation.
func (n *narrator) ok(format string, args ...any) {
	n.printf("  %s %s\n", n.paint(ansiGreen, "✔"), fmt.Sprintf(format, args...))
}

// fail reports a failed expectation.
func (n *narrator) fail(format string, args ...any) {
	n.printf("  %s %s\n", n.paint(ansiRed, "✘"), fmt.Sprintf(format, args...))
}

// note prints a dim aside.
func (n *narrator) note(format string, args ...any) {
	n.printf("  %s\n", n.paint(ansiDim, fmt.Sprintf(format, args...)))
}

// file shows a file's content (or a diff) in a gutter.
func (n *narrator) file(name string, lines []string) {
	n.printf("  %s\n", n.paint(ansiDim, "┌─ "+name))
	for _, l := range lines {
		style := ""
		switch {
		case strings.HasPrefix(l, "+ "):
			style = ansiGreen
		case strings.HasPrefix(l, "- "):
			style = ansiRed
		}
		if style != "" {
			l = n.paint(style, l)
		}
		n.printf("  %s %s\n", n.paint(ansiDim, "│"), l)
	}
	n.printf("  %s\n", n.paint(ansiDim, "└─"))
}

// gutter returns a writer that indents every line written to it, for
// streaming CLI output under the command that produced it.
func (n *narrator) gutter() *gutterWriter {
	return &gutterWriter{n: n}
}

// gutterWriter prefixes each complete line with a gutter; flush writes a
// final unterminated line.
type gutterWriter struct {
	n   *narrator
	buf bytes.Buffer
}

func (g *gutterWriter) Write(p []byte) (int, error) {
	g.buf.Write(p)
	// Print every complete line; an incomplete one waits for the next write.
	for {
		i := bytes.IndexByte(g.buf.Bytes(), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := g.buf.Next(i + 1)
		g.n.printf("  %s %s", g.n.paint(ansiDim, "│"), line)
	}
}

func (g *gutterWriter) flush() {
	if g.buf.Len() > 0 {
		g.n.printf("  %s %s\n", g.n.paint(ansiDim, "│"), g.buf.String())
		g.buf.Reset()
	}
}

// wrap breaks s into lines of at most width runes (words longer than that
// stay whole), each starting with indent.
func wrap(s, indent string, width int) string {
	var b strings.Builder
	lineLen := 0
	for _, word := range strings.Fields(s) {
		wl := len([]rune(word))
		switch {
		case lineLen == 0:
			b.WriteString(indent)
			lineLen = len(indent)
		case lineLen+1+wl > width:
			b.WriteString("\n")
			b.WriteString(indent)
			lineLen = len(indent)
		default:
			b.WriteString(" ")
			lineLen++
		}
		b.WriteString(word)
		lineLen += wl
	}
	return b.String()
}
