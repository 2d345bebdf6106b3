package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestRetryableReply(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   bool
	}{
		{200, "", false},
		{400, "InvalidParameter.Name", false},
		{400, CodeNameAlreadyUsed, false},
		{400, "MissingParameter.ContactId", false},
		{400, CodeStatusMismatch, false},
		{400, "SignatureDoesNotMatch", false},
		{400, "SignatureNonceUsed", false},
		{403, "Forbidden.RAM", false},
		{404, CodeContactNotFound, false},
		{404, "InvalidAccessKeyId.NotFound", false},
		{409, CodeSendLimit, false},
		{400, "Throttling", true},
		{400, "Throttling.User", true},
		{400, "Throttling.Api", true},
		{403, "Throttling.User", true},
		{503, "Throttling", true},
		{429, CodeConcurrentCall, true},
		{429, "", true},
		{400, CodeServiceUnavailable, true},
		{503, CodeServiceUnavailable, true},
		{500, "InternalError", true},
		{502, "", true},
		{504, "", true},
		{501, "", false},
		{501, "NotImplemented", false},
		{400, "Rejected.Throttling", false}, // only Throttling* prefixes are documented as retryable
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%s", tt.status, tt.code), func(t *testing.T) {
			if got := retryableReply(tt.status, tt.code); got != tt.want {
				t.Errorf("retryableReply(%d, %q) = %v, want %v", tt.status, tt.code, got, tt.want)
			}
		})
	}
}

func TestTransportClassification(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "https://x/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "https://x/", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	eof := &url.Error{Op: "Post", URL: "https://x/", Err: errors.New("EOF")}
	dns := &url.Error{Op: "Post", URL: "https://x/", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x"}}}
	sign := &url.Error{Op: "Post", URL: "https://x/", Err: &signError{errors.New("no credentials")}}
	tests := []struct {
		name          string
		err           error
		wantRetry     bool
		wantAmbiguous bool
	}{
		{"connection refused", dial, true, false},
		{"dns failure", dns, true, false},
		{"reset after send", reset, true, true},
		{"EOF after send", eof, true, true},
		{"signing failure", sign, false, false},
		{"context ended while pacing", &url.Error{Op: "Post", URL: "https://x/", Err: &notSentError{context.Canceled}}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryableTransport(context.Background(), tt.err); got != tt.wantRetry {
				t.Errorf("retryableTransport = %v, want %v", got, tt.wantRetry)
			}
			if got := mayHaveReachedServer(tt.err); got != tt.wantAmbiguous {
				t.Errorf("mayHaveReachedServer = %v, want %v", got, tt.wantAmbiguous)
			}
		})
	}
}

// TestCheckRetry_matrix runs the classification through checkRetry, the
// hook go-retryablehttp calls, for reads and writes alike: the decision
// depends on the reply, never on the operation; only the ambiguity flag
// (used by Add, Delete and Cancel) records a possibly committed mutation.
func TestCheckRetry_matrix(t *testing.T) {
	c := &Client{retryMax: 3, retryWaitMin: time.Millisecond, retryWaitMax: 2 * time.Millisecond, now: time.Now, jitter: defaultJitter}
	reply := func(status int, code string) *http.Response {
		body := `{"RequestId":"R","Code":"` + code + `","Message":"m"}`
		if code == "" {
			body = "<html>oops</html>"
		}
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: nopBody(body)}
	}
	tests := []struct {
		action        string
		resp          *http.Response
		err           error
		wantRetry     bool
		wantAmbiguous bool
	}{
		{actionGet, reply(429, CodeConcurrentCall), nil, true, false},
		{actionAdd, reply(429, CodeConcurrentCall), nil, true, false},
		{actionUpdate, reply(400, "Throttling.User"), nil, true, false},
		// A server error may come after the commit.
		{actionList, reply(503, ""), nil, true, true},
		{actionAdd, reply(500, "InternalError"), nil, true, true},
		{actionDelete, reply(400, "InvalidParameter.ContactId"), nil, false, false},
		{actionAdd, reply(400, CodeNameAlreadyUsed), nil, false, false},
		{actionGet, reply(404, CodeContactNotFound), nil, false, false},
		{actionSendEmail, reply(409, CodeSendLimit), nil, false, false},
		{actionAdd, nil, &url.Error{Op: "Post", Err: errors.New("EOF")}, true, true},
		{actionGet, nil, &url.Error{Op: "Post", Err: errors.New("EOF")}, true, true},
		{actionAdd, nil, &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, true, false},
	}
	for _, tt := range tests {
		name := tt.action
		if tt.resp != nil {
			name += fmt.Sprintf("_%d", tt.resp.StatusCode)
		} else {
			name += "_transport"
		}
		t.Run(name, func(t *testing.T) {
			x := &exchange{action: tt.action, attempt: 1, started: time.Now()}
			got, err := c.checkRetry(inExchange(context.Background(), x), tt.resp, tt.err)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantRetry {
				t.Errorf("retry = %v, want %v", got, tt.wantRetry)
			}
			if x.ambiguous != tt.wantAmbiguous {
				t.Errorf("ambiguous = %v, want %v", x.ambiguous, tt.wantAmbiguous)
			}
			if tt.resp != nil && tt.resp.StatusCode >= 400 {
				if _, ok := errors.AsType[*APIError](x.last); !ok {
					t.Errorf("last = %v, want *APIError", x.last)
				}
			}
		})
	}

	t.Run("context ends first", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		x := &exchange{action: actionGet, attempt: 1}
		got, err := c.checkRetry(inExchange(ctx, x), reply(503, ""), nil)
		if got || !errors.Is(err, context.Canceled) {
			t.Errorf("checkRetry = %v, %v; want false, context.Canceled", got, err)
		}
	})
	t.Run("exhausted", func(t *testing.T) {
		x := &exchange{action: actionGet, attempt: c.retryMax + 1}
		if got, _ := c.checkRetry(inExchange(context.Background(), x), reply(503, ""), nil); got {
			t.Error("retried past retryMax")
		}
	})
	t.Run("restores body", func(t *testing.T) {
		x := &exchange{action: actionGet, attempt: 1}
		r := reply(400, "InvalidParameter.ContactId")
		_, _ = c.checkRetry(inExchange(context.Background(), x), r, nil)
		if e := decodeError(actionGet, r); e.Code != "InvalidParameter.ContactId" {
			t.Errorf("decoded after peek: %+v", e)
		}
	})
}

func TestBackoff(t *testing.T) {
	const (
		waitMin = 100 * time.Millisecond
		waitMax = 2 * time.Second
	)
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }
	tests := []struct {
		name   string
		retry  int
		hint   time.Duration
		jitter func(int64) int64
		want   time.Duration
	}{
		{"first retry floor", 1, 0, lowest, waitMin / 2},
		{"first retry ceiling", 1, 0, highest, waitMin},
		{"second retry ceiling", 2, 0, highest, 200 * time.Millisecond},
		{"third retry ceiling", 3, 0, highest, 400 * time.Millisecond},
		{"third retry floor", 3, 0, lowest, waitMin / 2},
		{"capped", 10, 0, highest, waitMax},
		{"huge attempt does not overflow", 200, 0, highest, waitMax},
		{"hint shorter than the floor is honoured", 1, 30 * time.Millisecond, lowest, 30 * time.Millisecond},
		{"hint plus jitter", 1, 400 * time.Millisecond, highest, 500 * time.Millisecond},
		{"hint plus growing jitter", 3, 400 * time.Millisecond, highest, 800 * time.Millisecond},
		{"hint beyond waitMax is honoured", 1, 10 * time.Second, lowest, 10 * time.Second},
		{"hint capped", 1, time.Hour, lowest, maxServerHint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := backoff(waitMin, waitMax, tt.retry, tt.hint, tt.jitter); got != tt.want {
				t.Errorf("backoff = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("default jitter stays in range", func(t *testing.T) {
		for range 1000 {
			if got := backoff(waitMin, waitMax, 4, 0, defaultJitter); got < waitMin/2 || got > 800*time.Millisecond {
				t.Fatalf("backoff = %v outside [%v, 800ms]", got, waitMin/2)
			}
		}
	})
}

func TestServerHint(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", http.Header{}, 0},
		{"nil", nil, 0},
		{"retry-after seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{"retry-after date", http.Header{"Retry-After": {now.Add(7 * time.Second).Format(http.TimeFormat)}}, 7 * time.Second},
		{"retry-after past date", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{"retry-after garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"retry-after huge", http.Header{"Retry-After": {"99999999999"}}, maxServerHint},
		{"time left user-api", http.Header{"X-Ratelimit-User-Api": {"Limit:20,Remain:0,TimeLeft:480,Reset:1700000000"}}, 480 * time.Millisecond},
		{"time left user", http.Header{"X-Ratelimit-User": {"Limit:100, Remain:0, TimeLeft: 900"}}, 900 * time.Millisecond},
		{"larger of the two", http.Header{
			"X-Ratelimit-User-Api": {"TimeLeft:300"},
			"X-Ratelimit-User":     {"TimeLeft:1200"},
		}, 1200 * time.Millisecond},
		{"retry-after beats time left", http.Header{
			"Retry-After":          {"2"},
			"X-Ratelimit-User-Api": {"TimeLeft:300"},
		}, 2 * time.Second},
		{"time left beats retry-after", http.Header{
			"Retry-After":      {"1"},
			"X-Ratelimit-User": {"TimeLeft:2500"},
		}, 2500 * time.Millisecond},
		{"time left malformed", http.Header{"X-Ratelimit-User": {"TimeLeft:abc"}}, 0},
		{"time left negative", http.Header{"X-Ratelimit-User": {"TimeLeft:-5"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serverHint(tt.h, now); got != tt.want {
				t.Errorf("serverHint = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckRetry_outOfTimeKeepsLastFailure: when the deadline has passed, or
// the pace would pass it, before the context's timer fired (a loaded
// machine), checkRetry stops as for an expired context and keeps the API's
// last answer to report, instead of the pacer's or the transport's.
func TestCheckRetry_outOfTimeKeepsLastFailure(t *testing.T) {
	c := &Client{retryMax: 3, retryWaitMin: time.Millisecond, retryWaitMax: 2 * time.Millisecond, now: time.Now, jitter: defaultJitter}
	apiErr := &APIError{Action: actionGet, StatusCode: 503, Code: CodeServiceUnavailable}
	tests := []struct {
		name string
		ctx  context.Context
		err  error
	}{
		{"deadline passed", lateContext{context.Background(), time.Now().Add(-time.Second)},
			&url.Error{Op: "Post", URL: "http://127.0.0.1/", Err: errors.New("EOF")}},
		{"pace past deadline", context.Background(),
			&url.Error{Op: "Post", URL: "http://127.0.0.1/", Err: fmt.Errorf("%w: the next turn of GetMessageContact is 1.5s away", errPastDeadline)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := &exchange{action: actionGet, attempt: 2, started: time.Now(), last: apiErr}
			retry, err := c.checkRetry(inExchange(tt.ctx, x), nil, tt.err)
			if retry || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("checkRetry = %v, %v; want false, context.DeadlineExceeded", retry, err)
			}
			if x.last != apiErr {
				t.Errorf("last = %v, want the API's answer kept", x.last)
			}
		})
	}
}

// TestPacer_turnPastDeadline: a turn under the pace that would come after
// the context's deadline fails at once with errPastDeadline.
func TestPacer_turnPastDeadline(t *testing.T) {
	ok := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: nopBody("{}")}, nil
	})
	p := newPacer(ok, 0.01, paceClock{}) // one call per 100 s, burst 1
	req := func(ctx context.Context) *http.Request {
		r, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", nil)
		r.Header.Set(headerAction, actionGet)
		return r
	}
	if _, err := p.RoundTrip(req(context.Background())); err != nil {
		t.Fatal(err)
	}
	// The next turn is 100 s away, past a deadline of 10 s: the call fails
	// at once with errPastDeadline. One that waited would have ended with
	// its context, 10 s later, and without it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.RoundTrip(req(ctx))
	if !errors.Is(err, errPastDeadline) {
		t.Errorf("err = %v, want errPastDeadline", err)
	}
	if ctx.Err() != nil {
		t.Errorf("the call waited for its deadline instead of failing at once (err %v)", err)
	}
}

// TestWrite_waitsForItsQuotaWithoutTheSlot: a write waiting for its
// action's turn under the pace does not hold the write slot, so a write of
// another action goes first. (At -parallelism=30 the Adds, waiting for
// their quota with the slot, held up every verification send behind them.)
func TestWrite_waitsForItsQuotaWithoutTheSlot(t *testing.T) {
	var mu sync.Mutex
	var order []string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		action := r.Header.Get("x-acs-action")
		mu.Lock()
		order = append(order, action)
		mu.Unlock()
		writeJSON(w, 200, map[string]any{"RequestId": "R", "Contact": map[string]any{"ContactId": "c-1", "CreateDate": "2026-12-02 11:00:00"}})
	}, func(o *Options) { o.RateLimit = 0.5 }) // burst 1, then one call per 2 s per action
	add := func() error {
		_, err := c.AddMessageContact(context.Background(), AddMessageContactInput{Name: "tom", EmailAddress: "tom@example.com",
			Title: "CEO", MessageTypes: []string{"AccountExpenses"}})
		return err
	}
	if err := add(); err != nil { // takes the Add burst
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() { second <- add() }() // waits ~2 s for its turn
	// The second Add has reserved its turn (the Add bucket is in debt) and
	// waits for it, with the slot (the bug) or without it: the send is
	// made only then, so a late goroutine cannot hide the bug.
	for c.pacer.limiter(actionAdd).Tokens() >= 0 {
		time.Sleep(time.Millisecond)
	}
	if err := c.SendEmailVerificationForMessageContact(context.Background(), "c-1", "tom@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{actionAdd, actionSendEmail, actionAdd}; !slices.Equal(order, want) {
		t.Errorf("the server saw %v, want %v: the send waited for the Add that waited for its quota", order, want)
	}
}

// TestUnresolvableHost_failsFast (issue 21): a host name that does not
// resolve is not retried (it took 9 attempts and 27 s), and the error says
// where to look.
func TestUnresolvableHost_failsFast(t *testing.T) {
	attempts := 0
	noSuchHost := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		attempts++
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
	})
	c, err := New(Options{Endpoint: "https://resourcedirectory.example.invalid", Credentials: StaticCredentials("id", "secret", ""),
		httpTransport: noSuchHost})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetMessageContact(context.Background(), "c-qL4HqKONzOM7abcd")
	if attempts != 1 {
		t.Errorf("%d attempts, want 1", attempts)
	}
	for _, want := range []string{"resourcedirectory.example.invalid does not resolve", "nothing was sent", "HTTPS_PROXY", "site or endpoint"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
	// A temporary resolver failure is retried as before.
	attempts = 0
	flaky := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		attempts++
		if attempts == 1 {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: r.URL.Hostname(), IsTemporary: true}}
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
	})
	c, err = New(Options{Endpoint: "https://resourcedirectory.example.invalid", Credentials: StaticCredentials("id", "secret", ""),
		httpTransport: flaky, sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetMessageContact(context.Background(), "c-qL4HqKONzOM7abcd"); err == nil || attempts != 2 {
		t.Errorf("after a temporary failure: %d attempts (%v), want 2", attempts, err)
	}
}
