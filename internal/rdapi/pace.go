package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultRateLimit is the client-side pace, in calls per second per action,
// matching the documented 20 calls/s quota of the message contact
// operations (the quota page throttles per account, per action:
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-quota).
const DefaultRateLimit = 20

// errPastDeadline reports that a call's turn under the pace would come after
// its context's deadline; checkRetry treats it as the context expiring.
var errPastDeadline = errors.New("the next turn under the API quota comes after the deadline")

// pacer is the http.RoundTripper between retryablehttp and the signer that
// keeps each action under the API's quota, so a refresh of many resources
// at Terraform's default parallelism is paced instead of throttled. It
// waits before signing, so the signature's timestamp is fresh, and gives up
// when the request's context ends. Throttling caused by other clients of the
// same account is still retried.
type pacer struct {
	next  http.RoundTripper
	limit rate.Limit
	burst int
	clock paceClock

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// paceClock is the time the pacer keeps: its reading, and a wait on it
// that ends early when ctx does. The zero value is the wall clock.
type paceClock struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

func newPacer(next http.RoundTripper, perSecond float64, clock paceClock) *pacer {
	if perSecond <= 0 {
		return &pacer{next: next}
	}
	if clock.now == nil {
		clock = paceClock{now: time.Now, sleep: sleepCtx}
	}
	// Half the quota as burst leaves room for a previous process (the last
	// command of a pipeline) that drained part of the server's bucket.
	return &pacer{next: next, limit: rate.Limit(perSecond), burst: max(1, int(perSecond/2)), clock: clock, limiters: map[string]*rate.Limiter{}}
}

// RoundTrip waits for the action's turn, then sends req. The first attempt
// of a write has taken its turn already (see wait), before the write's
// slot, so that it does not hold the slot while it waits.
func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	if x, _ := req.Context().Value(exchangeKey{}).(*exchange); x != nil && x.turnTaken {
		x.turnTaken = false
		return p.next.RoundTrip(req)
	}
	if err := p.wait(req.Context(), req.Header.Get(headerAction)); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper must close the body, even on error
		}
		return nil, err
	}
	return p.next.RoundTrip(req)
}

// wait waits for action's next turn under the pace. It fails, with a
// *notSentError, when ctx ends first or the turn would come after ctx's
// deadline.
func (p *pacer) wait(ctx context.Context, action string) error {
	if p.limiters == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return &notSentError{err}
	}
	now := p.clock.now()
	turn := p.limiter(action).ReserveN(now, 1) // always OK: burst is at least 1
	wait := turn.DelayFrom(now)
	if wait == 0 {
		return nil
	}
	// The deadline is on the wall clock, as contexts keep it.
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		// The turn would come after the deadline: the call has run out of
		// time, whether or not the context has noticed yet.
		turn.CancelAt(now)
		return &notSentError{fmt.Errorf("%w: the next turn of %s is %s away", errPastDeadline, action, wait.Round(time.Millisecond))}
	}
	if err := p.clock.sleep(ctx, wait); err != nil {
		turn.CancelAt(p.clock.now())
		return &notSentError{err}
	}
	return nil
}

// notSentError is a failure before the request left the process (the
// context ended while the attempt waited for its turn).
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "not sent: " + e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

func (p *pacer) limiter(action string) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.limiters[action]
	if !ok {
		l = rate.NewLimiter(p.limit, p.burst)
		p.limiters[action] = l
	}
	return l
}
