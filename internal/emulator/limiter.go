package emulator

import (
	"fmt"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// The per-action rate limit behind 400 Throttling.User: one token bucket per
// action (one account: every key belongs to the management account), on the
// emulator's clock.

// takeToken applies the rate limit. It returns the headers to send with a
// Throttling.User answer.
func (e *Emulator) takeToken(action string) (bool, http.Header) {
	e.mu.Lock()
	defer e.mu.Unlock()
	limit := e.cfg.settings.RateLimit
	if limit <= 0 {
		return true, nil
	}
	now := e.now()
	l, ok := e.limiters[action]
	if !ok {
		l = rate.NewLimiter(rate.Limit(limit), limit)
		e.limiters[action] = l
	}
	if l.AllowN(now, 1) {
		return true, nil
	}
	tokens := l.TokensAt(now)
	wait := time.Duration((1 - tokens) / float64(limit) * float64(time.Second))
	return false, rateLimitHeader(limit, now, int(tokens), wait)
}

// resetLimiters forgets every bucket. It runs with e.mu held.
func (e *Emulator) resetLimiters() { e.limiters = map[string]*rate.Limiter{} }

// rateLimitHeader renders x-ratelimit-user-api as
// "Limit:<n>,Remain:<n>,TimeLeft:<ms>,Reset:<unix ms>" (the format is an
// assumption built from the SDK's parser).
func rateLimitHeader(limit int, now time.Time, remain int, wait time.Duration) http.Header {
	ms := max(wait.Milliseconds(), 1)
	h := http.Header{}
	h.Set("x-ratelimit-user-api", fmt.Sprintf("Limit:%d,Remain:%d,TimeLeft:%d,Reset:%d",
		limit, remain, ms, now.Add(time.Duration(ms)*time.Millisecond).UnixMilli()))
	return h
}
