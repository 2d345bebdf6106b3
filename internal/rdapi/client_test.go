package rdapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNew_endpoints(t *testing.T) {
	creds := StaticCredentials("id", "secret", "")
	tests := []struct {
		endpoint string
		site     Site
		want     string
		wantErr  string
	}{
		{"", "", "https://resourcedirectory.aliyuncs.com", ""},
		{"", SiteChina, "https://resourcedirectory.aliyuncs.com", ""},
		{"", SiteInternational, "https://resourcedirectory-intl.aliyuncs.com", ""},
		{"", "mars", "", "unknown site"},
		{"resourcedirectory.vpc-proxy.aliyuncs.com", "", "https://resourcedirectory.vpc-proxy.aliyuncs.com", ""},
		{"https://rd.example.com/", "", "https://rd.example.com", ""},
		{"HTTPS://rd.example.com:8443", "", "https://rd.example.com:8443", ""},
		{"http://127.0.0.1:8080", "", "http://127.0.0.1:8080", ""},
		{"http://127.9.9.9", "", "http://127.9.9.9", ""},
		{"http://[::1]:9000/", "", "http://[::1]:9000", ""},
		{"http://localhost:9000", "", "http://localhost:9000", ""},
		{"http://rd.example.com", "", "", "plain http is allowed only for loopback"},
		{"http://10.0.0.1:80", "", "", "plain http is allowed only for loopback"},
		{"http://localhost.example.com", "", "", "plain http is allowed only for loopback"},
		{"ftp://rd.example.com", "", "", "scheme \"ftp\" is not supported"},
		{"https://rd.example.com/api", "", "", "no path, query or fragment"},
		{"https://rd.example.com/?a=b", "", "", "no path, query or fragment"},
		{"https://user:pw@rd.example.com", "", "", "user information"},
		{"https://", "", "", "no host"},
		{"https://[::1", "", "", "invalid endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint+"/"+string(tt.site), func(t *testing.T) {
			c, err := New(Options{Endpoint: tt.endpoint, Site: tt.site, Credentials: creds})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Endpoint(); got != tt.want {
				t.Errorf("Endpoint() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNew_options(t *testing.T) {
	creds := StaticCredentials("id", "secret", "")
	if _, err := New(Options{}); err == nil {
		t.Error("New without credentials succeeded")
	}
	if _, err := New(Options{Credentials: creds, RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}); err == nil {
		t.Error("New with RetryWaitMax < RetryWaitMin succeeded")
	}
	c, err := New(Options{Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	if c.retryMax != DefaultMaxRetries || c.retryWaitMin != DefaultRetryWaitMin || c.retryWaitMax != DefaultRetryWaitMax ||
		c.http.Timeout != DefaultHTTPTimeout || cap(c.writes) != 1 || c.pageSize != DefaultPageSize {
		t.Errorf("defaults not applied: %+v", c)
	}
	c, _ = New(Options{Credentials: creds, MaxRetries: -1, MaxConcurrentWrites: -1, HTTPTimeout: time.Second})
	if c.retryMax != 0 || c.writes != nil || c.http.Timeout != time.Second {
		t.Errorf("negative options not honoured: retryMax=%d writes=%v", c.retryMax, c.writes)
	}
	c, _ = New(Options{Credentials: creds, MaxConcurrentWrites: 3})
	if cap(c.writes) != 3 {
		t.Errorf("write slots = %d, want 3", cap(c.writes))
	}
}

// TestWireFormat checks what goes on the wire: POST /, parameters in the
// query with arrays flattened, an empty body, signed x-acs-* headers,
// accept and user agent.
func TestWireFormat(t *testing.T) {
	var got *http.Request
	var body []byte
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		writeJSON(w, 200, map[string]any{"RequestId": "R1", "Contact": map[string]string{"ContactId": "c-1", "CreateDate": "2024-01-02 03:04:05"}})
	}, func(o *Options) {
		o.Credentials = StaticCredentials("sts-id", "sts-secret", "sts-token")
		o.UserAgent = "terraform-provider-resourcedirectory/1.2.3"
	})
	out, err := c.AddMessageContact(context.Background(), AddMessageContactInput{
		Name: "tom", EmailAddress: "tom+ops@example.com", Title: "CEO",
		MessageTypes: []string{"AccountExpenses", "FaultMessage"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&AddMessageContactOutput{RequestID: "R1", ContactID: "c-1", CreateDate: "2024-01-02 03:04:05"}, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/" || len(body) != 0 {
		t.Errorf("request %s %s with %d body bytes", got.Method, got.URL.Path, len(body))
	}
	wantQuery := "EmailAddress=tom%2Bops%40example.com&MessageTypes.1=AccountExpenses&MessageTypes.2=FaultMessage&Name=tom&Title=CEO"
	if got.URL.RawQuery != wantQuery {
		t.Errorf("query = %q\nwant    %q", got.URL.RawQuery, wantQuery)
	}
	for h, want := range map[string]string{
		"x-acs-action":          "AddMessageContact",
		"x-acs-version":         "2022-04-19",
		"x-acs-security-token":  "sts-token",
		"x-acs-accesskey-id":    "sts-id",
		"x-acs-content-sha256":  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"Accept":                "application/json",
		"x-acs-signature-nonce": "",
		"x-acs-date":            "",
	} {
		v := got.Header.Get(h)
		if v == "" || want != "" && v != want {
			t.Errorf("header %s = %q, want %q", h, v, want)
		}
	}
	auth := got.Header.Get("Authorization")
	for _, part := range []string{"ACS3-HMAC-SHA256 Credential=sts-id,", "x-acs-security-token", "x-acs-accesskey-id", "host;"} {
		if !strings.Contains(auth, part) {
			t.Errorf("Authorization %q lacks %q", auth, part)
		}
	}
	ua := got.Header.Get("User-Agent")
	if !strings.HasPrefix(ua, "rdapi/2022-04-19 (") || !strings.HasSuffix(ua, " terraform-provider-resourcedirectory/1.2.3") {
		t.Errorf("User-Agent = %q", ua)
	}
}

// TestRetry_resignsEveryAttempt: each retry carries a fresh nonce and date
// and a new signature, and fetches credentials again.
func TestRetry_resignsEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	var nonces, dates, auths []string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		nonces = append(nonces, r.Header.Get("x-acs-signature-nonce"))
		dates = append(dates, r.Header.Get("x-acs-date"))
		auths = append(auths, r.Header.Get("Authorization"))
		n := len(nonces)
		mu.Unlock()
		switch n {
		case 1:
			apiFail(w, 429, CodeConcurrentCall)
		case 2:
			apiFail(w, 400, "Throttling.User")
		case 3:
			apiFail(w, 503, CodeServiceUnavailable)
		default:
			writeJSON(w, 200, map[string]string{"RequestId": "ok"})
		}
	}, func(o *Options) {
		clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		var tick atomic.Int64
		o.now = func() time.Time { return clock.Add(time.Duration(tick.Add(1)) * time.Second) }
		var fetches atomic.Int64
		o.Credentials = credFunc(func(context.Context) (Credential, error) {
			n := fetches.Add(1)
			return Credential{AccessKeyID: "id", AccessKeySecret: "secret", SecurityToken: "token-" + strconv.FormatInt(n, 10)}, nil
		})
	})
	name := "x"
	if err := c.UpdateMessageContact(context.Background(), UpdateMessageContactInput{ContactID: "c-1", Name: &name}); err != nil {
		t.Fatal(err)
	}
	if len(nonces) != 4 {
		t.Fatalf("%d attempts, want 4", len(nonces))
	}
	for i := range nonces {
		for j := range i {
			if nonces[i] == nonces[j] || dates[i] == dates[j] || auths[i] == auths[j] {
				t.Errorf("attempts %d and %d share nonce, date or signature:\n%v\n%v\n%v", j+1, i+1, nonces, dates, auths)
			}
		}
	}
}

func TestRetry_stopsAtNonRetryable(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
	}{
		{400, "InvalidParameter.Name"},
		{404, CodeContactNotFound},
		{409, CodeSendLimit},
		{403, "Forbidden.RAM"},
		{501, "NotImplemented"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			var calls atomic.Int32
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				apiFail(w, tc.status, tc.code)
			})
			_, err := c.GetMessageContact(context.Background(), "c-1")
			e, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("err = %v, want *APIError", err)
			}
			want := &APIError{Action: "GetMessageContact", StatusCode: tc.status, Code: tc.code, Message: "message of " + tc.code,
				RequestID: "REQ-" + tc.code, HostID: "resourcedirectory.aliyuncs.com", Recommend: "https://api.aliyun.com/troubleshoot?q=" + tc.code}
			if tc.code == CodeForbiddenRAM {
				want.Hint = denialHint(want) // a denial names the refused RAM action
			}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if calls.Load() != 1 {
				t.Errorf("%d attempts, want 1", calls.Load())
			}
		})
	}
}

func TestRetry_exhaustedReportsLastAPIError(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		apiFail(w, 400, "Throttling.User")
	}, func(o *Options) { o.MaxRetries = 2 })
	_, err := c.GetMessageContact(context.Background(), "c-1")
	if !IsThrottled(err) || !IsCode(err, "Throttling.User") {
		t.Fatalf("err = %v, want Throttling.User", err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d attempts, want 3", calls.Load())
	}
	if !strings.Contains(err.Error(), "giving up after 3 attempts (retries exhausted)") {
		t.Errorf("err = %q", err)
	}
}

func TestRetry_disabled(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		apiFail(w, 503, CodeServiceUnavailable)
	}, func(o *Options) { o.MaxRetries = -1 })
	if _, err := c.GetMessageContact(context.Background(), "c-1"); !IsThrottled(err) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d attempts, want 1", calls.Load())
	}
}

// TestRetry_honoursServerHints: the wait before a retry is what Retry-After
// or the TimeLeft headers ask for (the larger winning), even when that is
// shorter than RetryWaitMin, plus jitter over the exponential ceiling.
func TestRetry_honoursServerHints(t *testing.T) {
	var calls atomic.Int32
	var waits []time.Duration
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.Header().Set("x-ratelimit-user-api", "Limit:20,Remain:0,TimeLeft:30")
			w.Header().Set("x-ratelimit-user", "Limit:100,Remain:3,TimeLeft:60")
			apiFail(w, 400, "Throttling.User")
		case 2:
			w.Header().Set("x-ratelimit-user-api", "TimeLeft:40")
			apiFail(w, 429, CodeConcurrentCall)
		default:
			writeJSON(w, 200, map[string]any{"RequestId": "ok", "Contact": contactJSON("c-1", "tom")})
		}
	}, func(o *Options) {
		o.RetryWaitMin, o.RetryWaitMax = 10*time.Millisecond, time.Second
		o.jitter = func(n int64) int64 { return n - 1 }
		o.afterAttempt = func(_ *exchange, ev LogEvent) {
			if ev.Retrying {
				waits = append(waits, ev.Wait)
			}
		}
	})
	start := time.Now()
	if _, err := c.GetMessageContact(context.Background(), "c-1"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{70 * time.Millisecond, 60 * time.Millisecond}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Errorf("call took %v, less than the 100ms the server asked for", elapsed)
	}
}

// TestRetry_deadlineBoundsBackoff: when the next wait would pass the
// context deadline, the call returns the API's error at once instead of
// sleeping into "context deadline exceeded".
func TestRetry_deadlineBoundsBackoff(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("x-ratelimit-user-api", "TimeLeft:60000")
		apiFail(w, 400, "Throttling.User")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetMessageContact(ctx, "c-1")
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("call took %v; it slept toward the deadline", elapsed)
	}
	if !IsCode(err, "Throttling.User") || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the Throttling.User API error", err)
	}
	if !strings.Contains(err.Error(), "would pass the context deadline") {
		t.Errorf("err = %q lacks the reason", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d attempts, want 1", calls.Load())
	}
}

// TestRetry_cancelDuringBackoffKeepsLastError: cancelling while waiting to
// retry reports both the cancellation and the API error that caused the
// wait.
func TestRetry_cancelDuringBackoffKeepsLastError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		apiFail(w, 503, CodeServiceUnavailable)
	}, func(o *Options) {
		o.RetryWaitMin, o.RetryWaitMax = time.Minute, time.Minute
		o.afterAttempt = func(_ *exchange, ev LogEvent) {
			if ev.Retrying {
				cancel() // deterministic: the client is about to sleep a minute
			}
		}
	})
	_, err := c.GetMessageContact(ctx, "c-1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if !IsCode(err, CodeServiceUnavailable) {
		t.Errorf("err = %v, want it to carry the ServiceUnavailable API error", err)
	}
}

func TestMalformedReplies(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{
			name: "HTML error page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("x-acs-request-id", "HDR-ID")
				w.WriteHeader(404)
				_, _ = io.WriteString(w, "<html><body>Not Found</body></html>")
			},
			check: func(t *testing.T, err error) {
				e, ok := errors.AsType[*APIError](err)
				if !ok || e.StatusCode != 404 || e.Code != "" || e.RequestID != "HDR-ID" {
					t.Fatalf("err = %#v", err)
				}
				if IsNotFound(err) {
					t.Error("a bare 404 page counted as not found")
				}
				want := `GetMessageContact: HTTP 404 Not Found: unexpected reply of type text/html: <html><body>Not Found</body></html> (HTTP 404, RequestId HDR-ID)`
				if err.Error() != want {
					t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
				}
			},
		},
		{
			name: "truncated JSON error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				_, _ = io.WriteString(w, `{"RequestId":"X","Code":"InvalidPara`)
			},
			check: func(t *testing.T, err error) {
				e, ok := errors.AsType[*APIError](err)
				if !ok || e.StatusCode != 400 || e.Code != "" || !strings.Contains(e.Message, `{"RequestId":"X","Code":"InvalidPara`) {
					t.Fatalf("err = %#v", err)
				}
			},
		},
		{
			name: "empty error body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(403)
			},
			check: func(t *testing.T, err error) {
				if e, ok := errors.AsType[*APIError](err); !ok || e.Message != "empty reply body" {
					t.Fatalf("err = %#v", err)
				}
			},
		},
		{
			name: "XML error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/xml;charset=utf-8")
				w.WriteHeader(404)
				_, _ = io.WriteString(w, `<?xml version="1.0"?><Error><RequestId>XR</RequestId><Code>EntityNotExists.Contact</Code><Message>gone</Message></Error>`)
			},
			check: func(t *testing.T, err error) {
				if !IsNotFound(err) || !strings.Contains(err.Error(), "RequestId XR") {
					t.Fatalf("err = %v", err)
				}
			},
		},
		{
			name: "200 with garbage",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "this is not json")
			},
			check: func(t *testing.T, err error) {
				if _, ok := errors.AsType[*APIError](err); ok || err == nil || !strings.Contains(err.Error(), "decoding reply (HTTP 200") {
					t.Fatalf("err = %v", err)
				}
			},
		},
		{
			name: "200 with truncated JSON",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, `{"RequestId":"T","Contact":{"ContactId":"c-1"`)
			},
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), `RequestId "T"`) {
					t.Fatalf("err = %v", err)
				}
			},
		},
		{
			name: "200 without the contact",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, map[string]string{"RequestId": "E"})
			},
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "reply has no Contact") {
					t.Fatalf("err = %v", err)
				}
			},
		},
		{
			name: "redirect is not followed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://elsewhere.example.com/", http.StatusFound)
			},
			check: func(t *testing.T, err error) {
				if e, ok := errors.AsType[*APIError](err); !ok || e.StatusCode != 302 {
					t.Fatalf("err = %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, tt.handler, func(o *Options) { o.MaxRetries = -1 })
			_, err := c.GetMessageContact(context.Background(), "c-1")
			tt.check(t, err)
		})
	}
}

func TestAPIError_predicates(t *testing.T) {
	wrap := func(e *APIError) error { return fmt.Errorf("outer: %w", e) }
	tests := []struct {
		err                   error
		notFound, throttled   bool
		codeVerificationFound bool
	}{
		{wrap(&APIError{StatusCode: 404, Code: CodeContactNotFound}), true, false, false},
		{wrap(&APIError{StatusCode: 404, Code: CodeMemberNotFound}), true, false, false},
		{wrap(&APIError{StatusCode: 404, Code: CodeVerificationNotFound}), false, false, true},
		{wrap(&APIError{StatusCode: 404, Code: "InvalidAccessKeyId.NotFound"}), false, false, false},
		{wrap(&APIError{StatusCode: 404}), false, false, false},
		{wrap(&APIError{StatusCode: 429, Code: CodeConcurrentCall}), false, true, false},
		{wrap(&APIError{StatusCode: 400, Code: "Throttling.User"}), false, true, false},
		{wrap(&APIError{StatusCode: 503, Code: CodeServiceUnavailable}), false, true, false},
		{wrap(&APIError{StatusCode: 400, Code: "InvalidParameter"}), false, false, false},
		{errors.New("plain"), false, false, false},
		{nil, false, false, false},
	}
	for i, tt := range tests {
		if got := IsNotFound(tt.err); got != tt.notFound {
			t.Errorf("%d: IsNotFound(%v) = %v", i, tt.err, got)
		}
		if got := IsThrottled(tt.err); got != tt.throttled {
			t.Errorf("%d: IsThrottled(%v) = %v", i, tt.err, got)
		}
		if got := IsCode(tt.err, "Other", CodeVerificationNotFound); got != tt.codeVerificationFound {
			t.Errorf("%d: IsCode(%v) = %v", i, tt.err, got)
		}
	}
	e := &APIError{Action: "AddMessageContact", StatusCode: 400, Code: "InvalidParameter.Name", Message: "The Name is invalid.", RequestID: "X"}
	if want := "AddMessageContact: InvalidParameter.Name: The Name is invalid. (HTTP 400, RequestId X)"; e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	e.RequestID = ""
	if want := "AddMessageContact: InvalidParameter.Name: The Name is invalid. (HTTP 400)"; e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

// TestLogger: one event per attempt, with the request's context, carrying
// code and request ID but never a secret, token or signature.
func TestLogger(t *testing.T) {
	type key struct{}
	var calls atomic.Int32
	var events []LogEvent
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			apiFail(w, 429, CodeConcurrentCall)
			return
		}
		writeJSON(w, 200, map[string]string{"RequestId": "OK-1"})
	}, func(o *Options) {
		o.Credentials = StaticCredentials("AKID-LOG", "SECRET-LOG", "TOKEN-LOG")
		o.Logger = func(ctx context.Context, ev LogEvent) {
			if ctx.Value(key{}) != "marker" {
				t.Error("logger did not get the request's context")
			}
			events = append(events, ev)
		}
	})
	ctx := context.WithValue(context.Background(), key{}, "marker")
	if err := c.SendEmailVerificationForMessageContact(ctx, "c-1", "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	first, second := events[0], events[1]
	if first.Action != actionSendEmail || first.Attempt != 1 || first.StatusCode != 429 || first.Code != CodeConcurrentCall ||
		first.RequestID != "REQ-"+CodeConcurrentCall || !first.Retrying {
		t.Errorf("first event = %+v", first)
	}
	if second.Attempt != 2 || second.StatusCode != 200 || second.RequestID != "OK-1" || second.Retrying || second.Err != nil {
		t.Errorf("second event = %+v", second)
	}
	for _, ev := range events {
		s := fmt.Sprintf("%+v", ev)
		for _, secret := range []string{"SECRET-LOG", "TOKEN-LOG", "Signature"} {
			if strings.Contains(s, secret) {
				t.Errorf("event %s leaks %q", s, secret)
			}
		}
	}
}

// TestWriteSemaphore: with the default of one write at a time, a second
// write waits for the first (and gives up when its context ends), while
// reads proceed.
func TestWriteSemaphore(t *testing.T) {
	arrived := make(chan string, 4)
	release := make(chan struct{})
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		action := r.Header.Get("x-acs-action")
		arrived <- action
		if action == actionUpdate {
			<-release
		}
		writeJSON(w, 200, map[string]any{"RequestId": "R", "Contact": contactJSON("c-1", "tom")})
	})
	name := "x"
	firstDone := make(chan error, 1)
	go func() {
		err := c.UpdateMessageContact(context.Background(), UpdateMessageContactInput{ContactID: "c-1", Name: &name})
		firstDone <- err
	}()
	if got := <-arrived; got != actionUpdate {
		t.Fatalf("first request = %s", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.SendPhoneVerificationForMessageContact(ctx, "c-1", "86-13900001234")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for another write") {
		t.Errorf("second write: err = %v, want it to wait for the first", err)
	}

	if _, err := c.GetMessageContact(context.Background(), "c-1"); err != nil {
		t.Errorf("read during a write: %v", err)
	}
	if got := <-arrived; got != actionGet {
		t.Errorf("server saw %s; the second write must not have been sent", got)
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if err := c.SendPhoneVerificationForMessageContact(context.Background(), "c-1", "86-13900001234"); err != nil {
		t.Errorf("write after release: %v", err)
	}
}

// TestIsNotApplied: a write cancelled while it waits for its turn was
// certainly not applied; one cancelled while the server holds its request
// may have been.
func TestIsNotApplied(t *testing.T) {
	t.Run("in flight", func(t *testing.T) {
		arrived := make(chan struct{}, 4)
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			<-r.Context().Done() // the server holds every request
		})
		name := "x"
		ctx, cancel := context.WithCancel(context.Background())
		inFlight := make(chan error, 1)
		go func() {
			inFlight <- c.UpdateMessageContact(ctx, UpdateMessageContactInput{ContactID: "c-1", Name: &name})
		}()
		<-arrived
		cancel()
		if err := <-inFlight; !errors.Is(err, context.Canceled) || IsNotApplied(err) {
			t.Errorf("update cancelled in flight: err = %v, IsNotApplied = %v; want context.Canceled, possibly applied", err, IsNotApplied(err))
		}
	})
	t.Run("queued for the write slot", func(t *testing.T) {
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("%s reached the server", r.Header.Get("x-acs-action"))
		}, func(o *Options) { o.RateLimit = -1 }) // no pace: the slot is the one wait
		c.writes <- struct{}{} // another write holds the slot throughout
		ctx, cancel := context.WithCancel(context.Background())
		queued := make(chan error, 1)
		go func() {
			_, err := c.DeleteMessageContact(ctx, DeleteMessageContactInput{ContactID: "c-2"})
			queued <- err
		}()
		cancel() // the delete cannot end but by waiting for the slot, early or late
		if err := <-queued; !errors.Is(err, context.Canceled) || !IsNotApplied(err) ||
			!strings.Contains(err.Error(), "waiting for another write") {
			t.Errorf("delete cancelled before it was sent: err = %v, IsNotApplied = %v; want context.Canceled while "+
				"waiting for the slot, not applied", err, IsNotApplied(err))
		}
	})
	if IsNotApplied(nil) || IsNotApplied(context.Canceled) {
		t.Error("IsNotApplied holds for an error that is not a write's")
	}
}

func TestAdd_recoversAfterLostReply(t *testing.T) {
	in := AddMessageContactInput{Name: "tom", EmailAddress: "tom@example.com", PhoneNumber: "86-13900001234", Title: "CEO",
		MessageTypes: []string{"AccountExpenses"}}
	// Every reply's Date is this second, and the contact listed was created
	// in it (CreateDate in UTC+8): the verdict does not depend on when the
	// test runs or how long its calls take.
	serverNow := time.Date(2026, 12, 2, 3, 0, 10, 0, time.UTC)
	listed := func(mutate func(m map[string]any)) map[string]any {
		m := contactJSON("c-tom", "tom")
		m["CreateDate"] = serverNow.In(time.FixedZone("", 8*3600)).Format(createDateLayout)
		if mutate != nil {
			mutate(m)
		}
		return m
	}
	tests := []struct {
		name      string
		listed    map[string]any
		wantID    string
		wantErr   string
		wantCalls []string
	}{
		{
			name:      "same contact adopted",
			listed:    listed(nil),
			wantID:    "c-tom",
			wantCalls: []string{actionAdd, actionAdd, actionList, actionGet},
		},
		{
			name:      "different contact holds the name",
			listed:    listed(func(m map[string]any) { m["EmailAddress"] = "someone-else@example.com" }),
			wantErr:   CodeNameAlreadyUsed,
			wantCalls: []string{actionAdd, actionAdd, actionList, actionGet},
		},
		{
			// The takeover of issue 8: the same attributes, but created by
			// someone else a day before this create began.
			name:      "identical contact created before the first attempt is not adopted",
			listed:    listed(func(m map[string]any) { m["CreateDate"] = "2024-01-02 03:04:05" }),
			wantErr:   CodeNameAlreadyUsed,
			wantCalls: []string{actionAdd, actionAdd, actionList, actionGet},
		},
		{
			name:      "identical contact with bindings is not adopted",
			listed:    listed(func(m map[string]any) { m["Members"] = []string{"fd-abc"} }),
			wantErr:   CodeNameAlreadyUsed,
			wantCalls: []string{actionAdd, actionAdd, actionList, actionGet},
		},
		{
			name:      "message types compared as a set",
			listed:    listed(func(m map[string]any) { m["MessageTypes"] = []string{"AccountExpenses", "FaultMessage"} }),
			wantErr:   CodeNameAlreadyUsed,
			wantCalls: []string{actionAdd, actionAdd, actionList, actionGet},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var calls []string
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				action := r.Header.Get("x-acs-action")
				mu.Lock()
				calls = append(calls, action)
				n := len(calls)
				mu.Unlock()
				w.Header().Set("Date", serverNow.Format(http.TimeFormat))
				switch {
				case action == actionAdd && n == 1:
					hijackClose(t, w)
				case action == actionAdd:
					apiFail(w, 400, CodeNameAlreadyUsed)
				case action == actionList:
					writeJSON(w, 200, map[string]any{"RequestId": "L", "TotalCount": 2, "PageNumber": 1, "PageSize": 50,
						"Contacts": []any{contactJSON("c-x", "alice"), tt.listed}})
				case action == actionGet:
					writeJSON(w, 200, map[string]any{"RequestId": "G", "Contact": tt.listed})
				}
			})
			out, err := c.AddMessageContact(context.Background(), in)
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if tt.wantErr != "" {
				if !IsCode(err, tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.ContactID != tt.wantID || !out.Recovered {
				t.Errorf("out = %+v", out)
			}
		})
	}

	t.Run("AlreadyUsed without a lost reply is an error", func(t *testing.T) {
		var calls atomic.Int32
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			apiFail(w, 400, CodeNameAlreadyUsed)
		})
		if _, err := c.AddMessageContact(context.Background(), in); !IsCode(err, CodeNameAlreadyUsed) {
			t.Fatalf("err = %v", err)
		}
		if calls.Load() != 1 {
			t.Errorf("%d calls, want 1 (no lookup)", calls.Load())
		}
	})

	t.Run("every attempt lost says the contact may exist", func(t *testing.T) {
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { hijackClose(t, w) },
			func(o *Options) { o.MaxRetries = 1 })
		_, err := c.AddMessageContact(context.Background(), in)
		if _, ok := errors.AsType[*AmbiguousCreateError](err); !ok || !strings.Contains(err.Error(), `may have created contact "tom"`) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDelete_lostReplyThenNotFoundIsSuccess(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			hijackClose(t, w)
			return
		}
		apiFail(w, 404, CodeContactNotFound)
	})
	out, err := c.DeleteMessageContact(context.Background(), DeleteMessageContactInput{ContactID: "c-1"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != DeletionStatusDeleted {
		t.Errorf("out = %+v", out)
	}
}

func TestCancel_lostReplyThenStatusMismatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pending []ContactVerification
		wantErr bool
	}{
		{"target no longer pending", []ContactVerification{{ContactID: "c-1", Target: "86-13900001234"}}, false},
		{"target still pending", []ContactVerification{{ContactID: "c-1", Target: "New@Example.com"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				switch r.Header.Get("x-acs-action") {
				case actionCancelUpdate:
					if n == 1 {
						hijackClose(t, w)
						return
					}
					apiFail(w, 400, CodeStatusMismatch)
				case actionListVerification:
					writeJSON(w, 200, map[string]any{"RequestId": "V", "TotalCount": len(tc.pending), "PageNumber": 1, "PageSize": 50,
						"ContactVerifications": tc.pending})
				}
			})
			err := c.CancelMessageContactUpdate(context.Background(), CancelMessageContactUpdateInput{ContactID: "c-1", EmailAddress: "new@example.com"})
			if tc.wantErr != IsCode(err, CodeStatusMismatch) || !tc.wantErr && err != nil {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

func TestRequiredContactID(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	ctx := context.Background()
	errs := []error{
		func() error { _, err := c.GetMessageContact(ctx, ""); return err }(),
		c.UpdateMessageContact(ctx, UpdateMessageContactInput{}),
		func() error { _, err := c.DeleteMessageContact(ctx, DeleteMessageContactInput{}); return err }(),
		func() error { _, err := c.GetMessageContactDeletionStatus(ctx, ""); return err }(),
		c.SendEmailVerificationForMessageContact(ctx, "", "a@example.com"),
		c.SendPhoneVerificationForMessageContact(ctx, "", "86-13900001234"),
		c.AssociateMembers(ctx, "", []string{"rd-1"}),
		c.DisassociateMembers(ctx, "c-1", nil),
		c.CancelMessageContactUpdate(ctx, CancelMessageContactUpdateInput{}),
		func() error {
			for _, err := range c.ListMessageContactVerifications(ctx, "") {
				return err
			}
			return nil
		}(),
	}
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "required") {
			t.Errorf("%d: err = %v", i, err)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent for invalid input", calls.Load())
	}
}

// TestWaitForDeletion_timeoutDuringACall: when the delete timeout expires
// during a GetMessageContactDeletionStatus call rather than between two,
// the error still says that the deletion was unfinished at the timeout.
func TestWaitForDeletion_timeoutDuringACall(t *testing.T) {
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		writeJSON(w, 200, map[string]any{"RequestId": "R", "ContactDeletionStatus": map[string]any{"ContactId": "c-1", "Status": "Deleting"}})
	}, SkipWaits)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.WaitForDeletion(ctx, "c-1")
	if err == nil || !strings.Contains(err.Error(), "still Deleting when the delete timeout expired") {
		t.Errorf("err = %v, want it to say the deletion was still running at the timeout", err)
	}
}
