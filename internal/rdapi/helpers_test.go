package rdapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// inExchange puts x in ctx as call does, for tests of the retry hooks.
func inExchange(ctx context.Context, x *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, x)
}

// SkipWaits is an Options mutator for tests (of this package and rdapi_test)
// whose retries and polls need not wait out real server hints: the client's
// sleeper returns at once, unless ctx has ended.
func SkipWaits(o *Options) {
	o.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
}

func nopBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// newTestClient starts handler on loopback and returns a client for it with
// millisecond backoff. mutate adjusts the options before New.
func newTestClient(t *testing.T, handler http.HandlerFunc, mutate ...func(*Options)) *Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	o := Options{
		Endpoint:     srv.URL,
		Credentials:  StaticCredentials("test-id", "test-secret", ""),
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 2 * time.Millisecond,
	}
	for _, m := range mutate {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiFail(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{
		"RequestId": "REQ-" + code, "HostId": "resourcedirectory.aliyuncs.com",
		"Code": code, "Message": "message of " + code, "Recommend": "https://api.aliyun.com/troubleshoot?q=" + code,
	})
}

func contactJSON(id, name string) map[string]any {
	return map[string]any{
		"ContactId": id, "Name": name, "EmailAddress": name + "@example.com", "PhoneNumber": "86-13900001234",
		"Title": "CEO", "MessageTypes": []string{"AccountExpenses"}, "Members": []string{}, "Status": "Verifying",
		"CreateDate": "2024-01-02 03:04:05",
	}
}

// hijackClose drops the connection without replying, after the request was
// read: to the client, the mutation may or may not have been committed.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
}

// listServer serves ListMessageContacts over n contacts. serverMax caps
// the page size like a server would; lie rewrites the reply.
func listServer(n, serverMax int, lie func(page int, reply map[string]any)) (http.HandlerFunc, *atomic.Int32) {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("PageNumber"))
		size, _ := strconv.Atoi(q.Get("PageSize"))
		if serverMax > 0 && size > serverMax {
			size = serverMax
		}
		var contacts []any
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			contacts = append(contacts, contactJSON(fmt.Sprintf("c-%04d", i), "n"))
		}
		reply := map[string]any{"RequestId": "P" + strconv.Itoa(page), "TotalCount": n, "PageNumber": page, "PageSize": size, "Contacts": contacts}
		if lie != nil {
			lie(page, reply)
		}
		writeJSON(w, 200, reply)
	}, &calls
}

func collect(t *testing.T, c *Client, in ListMessageContactsInput) ([]string, error) {
	t.Helper()
	var ids []string
	for mc, err := range c.ListMessageContacts(context.Background(), in) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, mc.ContactID)
	}
	return ids, nil
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type credFunc func(context.Context) (Credential, error)

func (f credFunc) Credential(ctx context.Context) (Credential, error) { return f(ctx) }

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// lateContext is a context whose deadline has passed but whose timer has
// not fired yet, as on a loaded machine.
type lateContext struct {
	context.Context
	deadline time.Time
}

func (c lateContext) Deadline() (time.Time, bool) { return c.deadline, true }
