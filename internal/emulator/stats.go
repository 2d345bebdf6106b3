package emulator

import "maps"

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

// count adds one to a counter of e.stats. It takes e.mu.
func (e *Emulator) count(counter func(*Stats) map[string]int, key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	counter(&e.stats)[key]++
}

// Writes returns the calls of the actions that change something (the
// mutating operations: Add, Update, Delete, Associate, Disassociate, the
// verification sends and cancellations), per action.
func (s Stats) Writes() map[string]int {
	out := map[string]int{}
	for action, n := range s.Calls {
		if operations[action].mutating {
			out[action] = n
		}
	}
	return out
}

// Reads counts the calls of the actions that change nothing.
func (s Stats) Reads() int {
	n := 0
	for action, c := range s.Calls {
		if !operations[action].mutating {
			n += c
		}
	}
	return n
}
