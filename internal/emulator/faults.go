package emulator

// Faults a test injects: these are not API behaviour.

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

// FailNextDeletion makes the next asynchronous deletion
// (RetainContactInMembers=false) end Failed with reasons: the contact stays,
// its status returns to Active or Verifying, and
// GetMessageContactDeletionStatus reports Failed with this FailReasonList.
func (e *Emulator) FailNextDeletion(reasons []FailReason) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store.armDeletionFailure(reasons)
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
	if p := e.cfg.settings.ServerErrorRate; p > 0 && e.errRNG.Float64() < p {
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
