package provider

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultProxy stands between the provider and the emulator, as a broken
// network or a hostile server would: per action it can reset the
// connection before the request reaches the emulator or after the emulator
// answered, answer in the emulator's place, stall, or strip the Date
// header.
type faultProxy struct {
	URL string

	rp        *httputil.ReverseProxy
	mu        sync.Mutex
	faults    map[string][]proxyFault
	stripDate atomic.Bool
	seen      sync.Map // action -> *atomic.Int32
}

// proxyFault handles one request instead of the plain forwarding; forward
// sends it on to the emulator and writes the emulator's reply to w.
type proxyFault func(t *testing.T, w http.ResponseWriter, r *http.Request, forward http.HandlerFunc)

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{rp: httputil.NewSingleHostReverseProxy(u), faults: map[string][]proxyFault{}}
	p.rp.ModifyResponse = func(resp *http.Response) error {
		if p.stripDate.Load() {
			resp.Header.Del("Date")
		}
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := r.Header.Get("x-acs-action")
		n, _ := p.seen.LoadOrStore(action, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		if p.stripDate.Load() {
			w.Header()["Date"] = nil
		}
		if f := p.next(action); f != nil {
			f(t, w, r, p.rp.ServeHTTP)
			return
		}
		p.rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// on queues f for the next request of action (after those queued before).
func (p *faultProxy) on(action string, f proxyFault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[action] = append(p.faults[action], f)
}

func (p *faultProxy) next(action string) proxyFault {
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.faults[action]
	if len(q) == 0 {
		return nil
	}
	p.faults[action] = q[1:]
	return q[0]
}

// calls returns how many requests of action reached the proxy.
func (p *faultProxy) calls(action string) int {
	n, ok := p.seen.Load(action)
	if !ok {
		return 0
	}
	return int(n.(*atomic.Int32).Load())
}

func hijackAndClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijacking: %v", err)
		return
	}
	_ = conn.Close()
}

// resetBeforeServer closes the connection without forwarding: the request
// never reaches the emulator.
func resetBeforeServer(t *testing.T, w http.ResponseWriter, _ *http.Request, _ http.HandlerFunc) {
	hijackAndClose(t, w)
}

// resetAfterServer forwards the request (the emulator commits it) and then
// closes the connection instead of relaying the reply.
func resetAfterServer(t *testing.T, w http.ResponseWriter, r *http.Request, forward http.HandlerFunc) {
	forward(httptest.NewRecorder(), r)
	hijackAndClose(t, w)
}

// stall holds the request for d without answering, then forwards it.
func stall(d time.Duration) proxyFault {
	return func(_ *testing.T, w http.ResponseWriter, r *http.Request, forward http.HandlerFunc) {
		select {
		case <-time.After(d):
			forward(w, r)
		case <-r.Context().Done():
		}
	}
}

// answer replies in the emulator's place.
func answer(status int, contentType, body string) proxyFault {
	return func(_ *testing.T, w http.ResponseWriter, _ *http.Request, _ http.HandlerFunc) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
