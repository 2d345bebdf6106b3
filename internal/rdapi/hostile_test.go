package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
)

// Hostile and broken servers: every reply here is one a proxy, a captive
// portal, a broken deployment or an attacker between the client and the API
// could send. Each test asserts what the user would see: a clear error,
// no terminal control characters, a bounded wait.

// terminalSafe reports whether s can be printed without acting on a
// terminal or forging a line: no control characters (newlines included)
// and no invisible formatting characters.
func terminalSafe(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

const hostileText = "\x1b[2J\x1b]0;pwned\x07boom\r\nError: forged line\u202egnp.exe\x00"

func TestHostile_escapeSequencesInErrors(t *testing.T) {
	var seen atomic.Value
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]string{
			"RequestId": hostileText, "HostId": hostileText, "Code": "InvalidParameter.Name" + hostileText,
			"Message": hostileText, "Recommend": hostileText,
		})
	}, func(o *Options) {
		o.Logger = func(_ context.Context, ev LogEvent) { seen.Store(ev) }
	})
	_, err := c.GetMessageContact(context.Background(), "c-1")
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	for name, s := range map[string]string{
		"Error()": err.Error(), "Code": apiErr.Code, "Message": apiErr.Message, "RequestID": apiErr.RequestID,
		"HostID": apiErr.HostID, "Recommend": apiErr.Recommend,
	} {
		if !terminalSafe(s) {
			t.Errorf("%s is not terminal-safe: %q", name, s)
		}
	}
	if !strings.Contains(apiErr.Message, `\x1b[2J`) || !strings.Contains(apiErr.Message, `\r\nError: forged line`) {
		t.Errorf("Message = %q, want the escapes visible as text", apiErr.Message)
	}
	ev, _ := seen.Load().(LogEvent)
	if !terminalSafe(ev.Code) || !terminalSafe(ev.RequestID) {
		t.Errorf("log event carries raw server text: %+v", ev)
	}
}

func TestHostile_successRequestIDSanitised(t *testing.T) {
	var seen atomic.Value
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"RequestId": hostileText, "Contact": contactJSON("c-1", "tom")})
	}, func(o *Options) { o.Logger = func(_ context.Context, ev LogEvent) { seen.Store(ev) } })
	if _, err := c.GetMessageContact(context.Background(), "c-1"); err != nil {
		t.Fatal(err)
	}
	if ev, _ := seen.Load().(LogEvent); !terminalSafe(ev.RequestID) || ev.RequestID == "" {
		t.Errorf("RequestID = %q", ev.RequestID)
	}
}

func TestHostile_brokenReplies(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"invalid JSON", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"RequestId":"R1","Contact":{"ContactId":` + "\x1b[31m"))
		}, "decoding reply"},
		{"HTML error page", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(403)
			_, _ = w.Write([]byte("<html><body><h1>Access denied</h1>\x1b[2J</body></html>"))
		}, "unexpected reply of type text/html"},
		{"HTML page with status 200", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>captive portal</html>"))
		}, "decoding reply"},
		{"huge body", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"RequestId":"R1","Contact":{"Name":"`))
			chunk := []byte(strings.Repeat("a", 1<<16))
			for range (maxReplyBody >> 16) + 2 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "reply exceeds"},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://evil.example/steal", http.StatusFound)
		}, "HTTP 302"},
		{"empty error body", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(400) }, "empty reply body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.handler(w, r)
			})
			_, err := c.GetMessageContact(context.Background(), "c-1")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if !terminalSafe(err.Error()) {
				t.Errorf("error not terminal-safe: %q", err)
			}
			if calls.Load() != 1 {
				t.Errorf("%d calls, want 1 (not retried)", calls.Load())
			}
		})
	}
}

// TestHostile_endlessList: a server that sends fresh contacts on every page
// and a TotalCount that never comes within reach is read to the page limit,
// then the list fails with an error saying so.
func TestHostile_endlessList(t *testing.T) {
	var pages atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		var contacts []any
		for i := range 5 {
			contacts = append(contacts, contactJSON(fmt.Sprintf("c-%d-%d", n, i), "tom"))
		}
		writeJSON(w, 200, map[string]any{"RequestId": "R", "TotalCount": 1 << 30, "PageNumber": n,
			"PageSize": 5, "Contacts": contacts})
	}, func(o *Options) { o.pageSize, o.maxPages = 5, 7 })
	var got int
	var err error
	for _, e := range c.ListMessageContacts(context.Background(), ListMessageContactsInput{}) {
		if e != nil {
			err = e
			break
		}
		got++
	}
	if err == nil || !strings.Contains(err.Error(), "stopped after 7 pages") {
		t.Errorf("err = %v", err)
	}
	if got != 35 || pages.Load() != 7 {
		t.Errorf("%d contacts over %d pages, want 35 over 7", got, pages.Load())
	}

	t.Run("TotalCount reached", func(t *testing.T) {
		pages.Store(0)
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			n := pages.Add(1)
			writeJSON(w, 200, map[string]any{"RequestId": "R", "TotalCount": 10, "PageSize": 5,
				"Contacts": []any{contactJSON("c-"+strconv.Itoa(int(n))+"a", "a"), contactJSON("c-"+strconv.Itoa(int(n))+"b", "b"),
					contactJSON("c-"+strconv.Itoa(int(n))+"c", "c"), contactJSON("c-"+strconv.Itoa(int(n))+"d", "d"),
					contactJSON("c-"+strconv.Itoa(int(n))+"e", "e")}})
		}, func(o *Options) { o.pageSize = 5 })
		n := 0
		for _, err := range c.ListMessageContacts(context.Background(), ListMessageContactsInput{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 10 || pages.Load() != 2 {
			t.Errorf("%d contacts over %d pages, want 10 over 2", n, pages.Load())
		}
	})
}

// TestHostile_slowServer: a server that never sends headers, or stalls in
// the middle of a body, costs one per-attempt timeout per attempt.
func TestHostile_slowServer(t *testing.T) {
	for _, tt := range []struct {
		name         string
		handler      func(w http.ResponseWriter, r *http.Request)
		wantAttempts int32
		want         string
	}{
		{"slow headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, 2, "per-attempt timeout of 200ms"},
		// A body that stalls after the headers fails the call at once: the
		// reply has arrived, so it is not retried.
		{"slow body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"RequestId":"R","Contact":`))
			_ = http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}, 1, "(no complete reply within the per-attempt timeout of 200ms)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.handler(w, r)
			}, func(o *Options) { o.HTTPTimeout, o.MaxRetries = 200*time.Millisecond, 1 })
			start := time.Now()
			_, err := c.GetMessageContact(context.Background(), "c-1")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s; the per-attempt timeout is 200ms", d)
			}
			if calls.Load() != tt.wantAttempts {
				t.Errorf("%d attempts, want %d", calls.Load(), tt.wantAttempts)
			}
		})
	}
}
