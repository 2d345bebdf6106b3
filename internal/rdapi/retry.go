package rdapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxServerHint caps how long a Retry-After or TimeLeft hint can make the
// client wait before one retry; the context deadline still applies.
const maxServerHint = 5 * time.Minute

// retryableReply reports whether a non-2xx reply is worth another attempt:
// a throttled reply (throttledReply), or a 5xx except 501 Not Implemented.
// No other 4xx is retried: validation, not-found, authentication and send
// limit errors do not go away by themselves.
func retryableReply(status int, code string) bool {
	return throttledReply(status, code) || (status >= 500 && status != http.StatusNotImplemented)
}

// retryableTransport reports whether a failed round trip is worth another
// attempt. Signing failures never left the process and will fail again;
// for the rest, go-retryablehttp's policy excludes TLS verification,
// redirect, scheme and header errors.
func retryableTransport(ctx context.Context, err error) bool {
	if _, ok := errors.AsType[*signError](err); ok {
		return false
	}
	retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	return retry
}

// mayHaveReachedServer reports whether a failed round trip could have been
// processed by the server: anything but a failure to sign or to connect.
// A mutation that failed this way may have been committed.
func mayHaveReachedServer(err error) bool {
	if _, ok := errors.AsType[*signError](err); ok {
		return false
	}
	if _, ok := errors.AsType[*notSentError](err); ok {
		return false
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "dial" {
		return false
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return false
	}
	return true
}

// retryWait returns the wait before retry number retry (1 for the first
// retry) after a reply with header h (nil after a transport error): a pure
// function of the reply and the attempt, given the client's jitter source
// and clock. The exponential ceiling grows from RetryWaitMin, capped at
// RetryWaitMax. Without a server hint the wait is jittered over
// [RetryWaitMin/2, ceiling]. A server hint (when the quota window reopens) is
// honoured even below RetryWaitMin, plus jitter over [0, ceiling]: many
// callers throttled at once are all told the same instant, and only a few
// tokens are free then, so they must spread out rather than collide again
// until their retries run out.
func (c *Client) retryWait(retry int, h http.Header) time.Duration {
	return backoff(c.retryWaitMin, c.retryWaitMax, retry, serverHint(h, c.now()), c.jitter)
}

// backoff is retryWait's arithmetic, given the server's hint (0 for none).
func backoff(waitMin, waitMax time.Duration, retry int, hint time.Duration, jitter func(int64) int64) time.Duration {
	ceiling := waitMax
	if retry <= 62 {
		if b := waitMin << (retry - 1); b > 0 && b < waitMax && b>>(retry-1) == waitMin {
			ceiling = b
		}
	}
	if hint > 0 {
		return min(hint, maxServerHint) + time.Duration(jitter(int64(ceiling)+1))
	}
	floor := waitMin / 2
	return floor + time.Duration(jitter(int64(ceiling-floor)+1))
}

func defaultJitter(n int64) int64 { return rand.Int64N(n) }

// serverHint reads how long the server asks the client to wait: the
// Retry-After header (seconds or an HTTP date) and the TimeLeft:<ms> field
// of x-ratelimit-user-api and x-ratelimit-user, which the official SDK
// reads for Throttling replies. The largest wins; 0 means no hint.
func serverHint(h http.Header, now time.Time) time.Duration {
	var hint time.Duration
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if secs, err := strconv.ParseInt(ra, 10, 64); err == nil && secs > 0 {
			hint = time.Duration(min(secs, int64(maxServerHint/time.Second))) * time.Second
		} else if at, err := http.ParseTime(ra); err == nil && at.After(now) {
			hint = at.Sub(now)
		}
	}
	for _, name := range []string{"x-ratelimit-user-api", "x-ratelimit-user"} {
		if d := timeLeft(h.Get(name)); d > hint {
			hint = d
		}
	}
	return hint
}

// timeLeft parses "Limit:20,Remain:0,TimeLeft:480,Reset:…" into 480ms.
func timeLeft(v string) time.Duration {
	for field := range strings.SplitSeq(v, ",") {
		k, val, ok := strings.Cut(field, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "TimeLeft") {
			continue
		}
		ms, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil || ms <= 0 {
			return 0
		}
		return time.Duration(min(ms, int64(maxServerHint/time.Millisecond))) * time.Millisecond
	}
	return 0
}

// newRetryClient is the client's one retryablehttp.Client (go-tfe's
// arrangement): checkRetry classifies every attempt and chooses the wait,
// prepareRetry waits with the client's sleeper (so retryablehttp's own timer
// waits for nothing), and the last reply, retryable or not, reaches call's
// one decoder.
func (c *Client) newRetryClient() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:     c.http,
		Logger:         nil, // events go to Options.Logger, with each request's ctx
		RetryWaitMin:   c.retryWaitMin,
		RetryWaitMax:   c.retryWaitMax,
		RetryMax:       c.retryMax,
		CheckRetry:     c.checkRetry,
		Backoff:        func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry:   c.prepareRetry,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.requestHook,
	}
}

// exchange is the state of one API call across its attempts; send puts it
// in the request's context. go-retryablehttp runs the attempts of a call
// sequentially on the caller's goroutine, so the hooks below need no
// locking.
type exchange struct {
	action string

	attempt int       // 1-based number of the attempt in flight
	started time.Time // start of the attempt in flight
	wait    time.Duration

	// ambiguous is set when an attempt failed after the request may have
	// reached the server, so a mutation may have been committed;
	// uncertainSince is the local start of the first such attempt.
	ambiguous      bool
	uncertainSince time.Time
	// timed asks for the Date header of every reply, in dates; only an Add
	// and the look-up of an ambiguous one ask (adopt.go).
	timed bool
	dates []clockSample
	// reply is the latest reply that was not a 2xx, parsed once, and
	// requestID the RequestId of the latest 2xx reply.
	reply     *APIError
	requestID string
	// last is the failure of the latest completed attempt (*APIError or a
	// transport error), kept so that a later context error can report it.
	last error
	// stopped says why retries ended although the reply was retryable.
	stopped string
	// turnTaken says that the first attempt's turn under the pace was
	// taken before the call (by write); the pacer lets that attempt go.
	turnTaken bool
	// unbinds, on a DisassociateMembers, are its members: once it
	// succeeds, the snapshot knows the contact no longer has them.
	unbinds []string
}

type exchangeKey struct{}

// exchangeOf returns the exchange send put in ctx.
func exchangeOf(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	if x == nil {
		panic("rdapi: request without an exchange; send it through call")
	}
	return x
}

func (c *Client) requestHook(_ retryablehttp.Logger, req *http.Request, retry int) {
	x := exchangeOf(req.Context())
	x.attempt = retry + 1
	x.started = time.Now()
}

// prepareRetry waits the pause checkRetry chose before the next attempt.
func (c *Client) prepareRetry(req *http.Request) error {
	return c.sleep(req.Context(), exchangeOf(req.Context()).wait)
}

// attemptResult is what one attempt came back with.
type attemptResult struct {
	err     error       // a failed round trip
	status  int         // the reply's HTTP status; 0 without a reply
	header  http.Header // the reply's headers; nil without a reply
	apiErr  *APIError   // a reply that is not a 2xx, parsed once
	elapsed time.Duration
}

// checkRetry is the retry client's CheckRetry: it records what the attempt
// came back with, decides whether another follows, and reports the
// attempt.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	x := exchangeOf(ctx)
	a := x.record(resp, err)
	retry, stop := c.decide(ctx, x, a)
	c.report(ctx, x, a, retry, stop)
	return retry, stop
}

// record reads what an attempt came back with into x. An attempt cut
// short by the context (a timeout, an interrupt) or by the transport after
// the request left may have been committed, and so may one answered with
// a server error: it marks x uncertain. A reply's body is peeked at (and
// restored for the one decoder) for its RequestId, or for its error code.
func (x *exchange) record(resp *http.Response, err error) attemptResult {
	now := time.Now()
	a := attemptResult{err: err, elapsed: now.Sub(x.started)}
	if (err != nil && mayHaveReachedServer(err)) || (resp != nil && resp.StatusCode >= 500) {
		x.markUncertain()
	}
	if resp == nil {
		return a
	}
	a.status, a.header = resp.StatusCode, resp.Header
	if x.timed {
		x.observeDate(resp.Header, now)
	}
	body := peekBody(resp)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		x.requestID = successRequestID(resp.Header, body)
		return a
	}
	a.apiErr = parseError(x.action, resp.StatusCode, resp.Header, body, len(body) >= maxErrorBody)
	x.reply = a.apiErr
	return a
}

// decide reports whether attempt a is followed by another, and the error
// that ends the call early (the context's). It keeps the attempt's failure
// in x.last, chooses the wait before the next attempt, and says in
// x.stopped why a retryable failure is not retried.
func (c *Client) decide(ctx context.Context, x *exchange, a attemptResult) (bool, error) {
	if err := expired(ctx, a.err); err != nil {
		return false, err
	}
	var retry bool
	switch {
	case a.err != nil:
		x.last = a.err
		// A local emulator that is not running does not start within the
		// retries of a remote outage.
		nothingListens := c.loopback && isConnRefused(a.err) && x.attempt >= maxRefusedOnLoopback
		// A host name that does not resolve will not resolve on a retry.
		retry = retryableTransport(ctx, a.err) && !nothingListens && !isUnresolvable(a.err)
	case a.apiErr != nil:
		x.last = a.apiErr
		retry = retryableReply(a.status, a.apiErr.Code)
	}
	switch {
	case !retry:
		return false, nil
	case x.attempt > c.retryMax:
		if c.retryMax > 0 {
			x.stopped = "retries exhausted"
		}
		return false, nil
	}
	x.wait = c.retryWait(x.attempt, a.header)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= x.wait {
		// Sleeping into the deadline would only turn the API's answer into
		// "context deadline exceeded"; stop now and report it.
		x.stopped = "the next retry, due in " + x.wait.Round(time.Millisecond).String() + ", would pass the context deadline"
		return false, nil
	}
	return true, nil
}

// expired returns the error of a context that has ended, or
// DeadlineExceeded when its deadline has passed, or the pace would pass it
// (err), before its timer fired (a loaded machine): the call is out of
// time, and its last failure stays the one to report.
func expired(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if deadline, ok := ctx.Deadline(); errors.Is(err, errPastDeadline) || ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// report emits the attempt's LogEvent with the request's context.
func (c *Client) report(ctx context.Context, x *exchange, a attemptResult, retry bool, stop error) {
	if c.logger == nil && c.afterAttempt == nil {
		return
	}
	ev := LogEvent{Action: x.action, Attempt: x.attempt, Duration: a.elapsed, StatusCode: a.status, Err: a.err}
	switch {
	case stop != nil:
		ev.Err = stop
	case a.apiErr != nil:
		ev.Code, ev.Message, ev.RequestID = a.apiErr.Code, a.apiErr.Message, a.apiErr.RequestID
	case a.err == nil:
		ev.RequestID = x.requestID
	}
	if retry {
		ev.Retrying, ev.Wait = true, x.wait
	}
	if c.logger != nil {
		c.logger(ctx, ev)
	}
	if c.afterAttempt != nil {
		c.afterAttempt(x, ev)
	}
}

func (x *exchange) markUncertain() {
	if !x.ambiguous {
		x.ambiguous, x.uncertainSince = true, x.started
	}
}

// giveUp words the failure of a call whose retries stopped although its
// last failure was retryable: the one place that says "giving up".
func (x *exchange) giveUp(err error) error {
	switch {
	case x.stopped == "":
		return err
	case x.attempt > 1:
		return fmt.Errorf("giving up after %d attempts (%s): %w", x.attempt, x.stopped, err)
	default:
		return fmt.Errorf("giving up (%s): %w", x.stopped, err)
	}
}

// peekBody reads up to maxErrorBody bytes of resp's body and puts them back
// in front of the rest, so the body can still be read in full.
func peekBody(resp *http.Response) []byte {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	return b
}

// requestIDPattern finds the RequestId of a reply too broken (or too long)
// to unmarshal, so that an error still names the request.
var requestIDPattern = regexp.MustCompile(`"RequestId"\s*:\s*"([^"\\]{1,128})"`)

// successRequestID extracts the RequestId of a 2xx reply for logging and
// error messages.
func successRequestID(h http.Header, body []byte) string {
	var v struct {
		RequestID string `json:"RequestId"`
	}
	id := h.Get("x-acs-request-id")
	if json.Unmarshal(body, &v) == nil && v.RequestID != "" {
		id = v.RequestID
	} else if m := requestIDPattern.FindSubmatch(body); m != nil {
		id = string(m[1])
	}
	return Printable(id, maxRequestIDLen)
}
