package emulator

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"time"
)

// injectedFault is one FailNext arming.
type injectedFault struct {
	code code
	left int
}

// FailNext makes the next n calls of action fail with code, after
// authentication and before anything else. The HTTP status comes from the
// code table (429 ConcurrentCallNotSupported, 409
// SendValidateCodeExceedsLimitForAccount, 503 ServiceUnavailable, 500
// InternalError, 404 EntityNotExists.*, 400 otherwise, Throttling* included).
// Throttling codes also carry the x-ratelimit-user-api header. Calls queue:
// a second FailNext for the same action applies after the first is used up.
func (e *Emulator) FailNext(action, errorCode string, n int) {
	if n <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failNext[action] = append(e.failNext[action], injectedFault{code: code(errorCode), left: n})
}

// DropNext makes the next n calls of action run normally (a write is
// committed) and then close the connection without a reply.
func (e *Emulator) DropNext(action string, n int) {
	if n <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropNext[action] += n
}

// SetServerErrorRate makes each authenticated API call fail, before it does
// anything, with probability p (clamped to [0, 1]): half of those failures
// are 503 ServiceUnavailable, half 500 InternalError. The draw comes from a
// generator seeded by WithSeed, so a run is reproducible.
func (e *Emulator) SetServerErrorRate(p float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfg.serverErrorRate = min(max(p, 0), 1)
}

// FailNextDeletion makes the next asynchronous deletion
// (RetainContactInMembers=false) end Failed with reasons: the contact stays,
// its status returns to Active or Verifying, and
// GetMessageContactDeletionStatus reports Failed with this FailReasonList.
func (e *Emulator) FailNextDeletion(reasons []FailReason) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reasons == nil {
		reasons = []FailReason{}
	}
	e.store.failNextDeletion = cloneReasons(reasons)
}

// injectedFault consumes a FailNext arming or a random server error.
func (e *Emulator) injectedFault(action string) *apiError {
	e.mu.Lock()
	defer e.mu.Unlock()
	if q := e.failNext[action]; len(q) > 0 {
		f := q[0]
		if q[0].left--; q[0].left <= 0 {
			e.failNext[action] = q[1:]
		}
		return failf(f.code, "(injected by the emulator)")
	}
	if p := e.cfg.serverErrorRate; p > 0 && e.errRNG.Float64() < p {
		if e.errRNG.IntN(2) == 0 {
			return failf(codeServiceUnavailable, "(injected by the emulator)")
		}
		return failf(codeInternalError, "(injected by the emulator)")
	}
	return nil
}

// consumeDrop reports whether this call's connection is to be dropped. It
// runs with e.mu held.
func (e *Emulator) consumeDrop(action string) bool {
	if e.dropNext[action] <= 0 {
		return false
	}
	e.dropNext[action]--
	return true
}

// Stats counts API calls per action, for benchmarks and contention tests.
type Stats struct {
	// Calls counts every API request per action, whatever its outcome.
	Calls map[string]int `json:"calls"`
	// Conflicts counts 429 ConcurrentCallNotSupported answers from the
	// mutation lock (not FailNext).
	Conflicts map[string]int `json:"conflicts"`
	// Throttled counts Throttling.User answers from the rate limiter.
	Throttled map[string]int `json:"throttled"`
	// ServerErrors counts 5xx answers, injected or random.
	ServerErrors map[string]int `json:"server_errors"`
	// Errors counts every error answer per code.
	Errors map[string]int `json:"errors"`
	// MaxConcurrentMutations is the largest number of mutating calls seen
	// holding their locks at the same time.
	MaxConcurrentMutations int `json:"max_concurrent_mutations"`
}

func newStats() Stats {
	return Stats{
		Calls:        map[string]int{},
		Conflicts:    map[string]int{},
		Throttled:    map[string]int{},
		ServerErrors: map[string]int{},
		Errors:       map[string]int{},
	}
}

// Stats returns a copy of the counters.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Stats{
		Calls:                  maps.Clone(e.stats.Calls),
		Conflicts:              maps.Clone(e.stats.Conflicts),
		Throttled:              maps.Clone(e.stats.Throttled),
		ServerErrors:           maps.Clone(e.stats.ServerErrors),
		Errors:                 maps.Clone(e.stats.Errors),
		MaxConcurrentMutations: e.stats.MaxConcurrentMutations,
	}
}

// ResetStats zeroes the counters.
func (e *Emulator) ResetStats() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = newStats()
}

// lockKey names the scope a mutating call locks.
func (e *Emulator) lockKey(p url.Values) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.lockScope == LockPerAccount {
		return "account"
	}
	if id := p.Get("ContactId"); id != "" {
		return "contact:" + id
	}
	return "name:" + p.Get("Name")
}

// acquire takes a mutation lock without waiting.
func (e *Emulator) acquire(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.locks[key] {
		return false
	}
	e.locks[key] = true
	e.activeMutations++
	e.stats.MaxConcurrentMutations = max(e.stats.MaxConcurrentMutations, e.activeMutations)
	return true
}

func (e *Emulator) release(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.locks, key)
	e.activeMutations--
}

// bucket is a token bucket holding up to rate tokens, refilled at rate per
// second.
type bucket struct {
	tokens float64
	last   time.Time
}

// takeToken applies the per-action rate limit (one account: every key
// belongs to the management account). It returns the headers to send with
// a Throttling.User answer.
func (e *Emulator) takeToken(action string) (bool, http.Header) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rate := e.cfg.rateLimit
	if rate <= 0 {
		return true, nil
	}
	now := e.now()
	b, ok := e.buckets[action]
	if !ok {
		b = &bucket{tokens: float64(rate), last: now}
		e.buckets[action] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(float64(rate), b.tokens+elapsed.Seconds()*float64(rate))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, nil
	}
	wait := time.Duration((1 - b.tokens) / float64(rate) * float64(time.Second))
	return false, rateLimitHeader(rate, now, int(b.tokens), wait)
}

// rateLimitHeader renders x-ratelimit-user-api as
// "Limit:<n>,Remain:<n>,TimeLeft:<ms>,Reset:<unix ms>" (format assumed from
// the SDK's parser, contract §8.1).
func rateLimitHeader(limit int, now time.Time, remain int, wait time.Duration) http.Header {
	ms := max(wait.Milliseconds(), 1)
	h := http.Header{}
	h.Set("x-ratelimit-user-api", fmt.Sprintf("Limit:%d,Remain:%d,TimeLeft:%d,Reset:%d",
		limit, remain, ms, now.Add(time.Duration(ms)*time.Millisecond).UnixMilli()))
	return h
}
