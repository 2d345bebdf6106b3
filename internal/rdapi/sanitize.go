package rdapi

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on server-supplied strings kept in errors and log events: enough
// for every documented value (codes are short, request IDs are UUIDs,
// messages one sentence), small enough that a hostile reply cannot flood a
// terminal through one diagnostic.
const (
	maxCodeLen      = 128
	maxRequestIDLen = 128
	maxMessageLen   = 1024
)

// Printable returns s with everything that could act on a terminal or forge
// a line of output escaped, Go-style: control characters (ESC, BEL, CR, LF,
// …) as \x1b, \n, \r, \t; format and other non-printing characters (bidi
// overrides, zero-width spaces, …) as \u202e; invalid UTF-8 as \xff. Plain
// text, including non-ASCII letters, passes unchanged. A string longer than
// limit runes (limit > 0) is cut and ends with "…".
//
// Every string the API server supplies (error codes, messages, request
// IDs, host IDs, contact fields shown in diagnostics) goes through it
// before it reaches an error message or a log line: a server, or anything
// between it and the client, must not be able to clear the user's screen,
// set the terminal title or add a forged "Error:" line.
func Printable(s string, limit int) string {
	if isPlain(s) && (limit <= 0 || len(s) <= limit) {
		return s
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if limit > 0 && n >= limit {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == ' ' || (unicode.IsPrint(r) && !unicode.Is(unicode.Cf, r)):
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
		n++
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII only, the common case.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// sanitized returns e with every server-supplied field made Printable and
// bounded.
func (e *APIError) sanitized() *APIError {
	e.Code = Printable(e.Code, maxCodeLen)
	e.Message = Printable(e.Message, maxMessageLen)
	e.RequestID = Printable(e.RequestID, maxRequestIDLen)
	e.HostID = Printable(e.HostID, maxCodeLen)
	e.Recommend = Printable(e.Recommend, maxMessageLen)
	e.AuthAction = Printable(e.AuthAction, maxCodeLen)
	return e
}
