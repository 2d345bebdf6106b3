package emulator

import "net/url"

// The mutation lock behind 429 ConcurrentCallNotSupported: a mutating call
// takes it without waiting, or is refused.

// lockKey names the scope a mutating call locks.
func (e *Emulator) lockKey(p url.Values) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.settings.LockScope == LockPerAccount {
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
