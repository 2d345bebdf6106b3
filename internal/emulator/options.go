package emulator

import (
	"time"
)

// DefaultAccessKeyID is the AccessKey ID the emulator accepts unless
// WithoutDefaultCredential is given. It is not a real credential.
const DefaultAccessKeyID = "emulator-access-key-id"

// DefaultAccessKeySecret is the secret paired with DefaultAccessKeyID.
const DefaultAccessKeySecret = "emulator-access-key-secret"

// ReadMode selects which email address and phone number GetMessageContact and
// ListMessageContacts report while a change is waiting for verification. The
// API documentation does not say; see the fidelity contract in the package doc.
type ReadMode int

const (
	// ReadSubmitted reports the latest submitted value, verified or not. This
	// is the default and matches the evidence from the alicloud provider's
	// acceptance tests.
	ReadSubmitted ReadMode = iota
	// ReadVerified reports the last verified value, or the submitted one if
	// the target has never been verified.
	ReadVerified
)

// String returns "submitted" or "verified".
func (m ReadMode) String() string {
	if m == ReadVerified {
		return "verified"
	}
	return "submitted"
}

// LockScope selects what a mutating call locks while it runs.
type LockScope int

const (
	// LockPerAccount makes every mutating call exclusive within the account
	// (the default): a second concurrent mutation of any contact conflicts.
	LockPerAccount LockScope = iota
	// LockPerContact makes mutations exclusive per contact only.
	LockPerContact
)

// String returns "account" or "contact".
func (s LockScope) String() string {
	if s == LockPerContact {
		return "contact"
	}
	return "account"
}

// Option configures an Emulator built by New or NewServer.
type Option func(*config)

// credential is one accepted key pair; token is non-empty for STS pairs.
type credential struct {
	id, secret, token string
}

// config holds every switch. Fields that may change at run time (through
// Set* methods or the admin endpoints) are read under Emulator.mu.
type config struct {
	creds                map[string]credential
	noDefaultCredential  bool
	readMode             ReadMode
	now                  func() time.Time
	directory            Directory
	latency              time.Duration
	mutationHold         time.Duration
	lockScope            LockScope
	rateLimit            int
	dailySendLimit       int
	maxMembersPerContact int
	asyncDelete          time.Duration
	readAfterCreateDelay time.Duration
	seed                 uint64
	timestampSkew        time.Duration
	nonceRetention       time.Duration
	serverErrorRate      float64
}

func defaultConfig() *config {
	return &config{
		creds:                map[string]credential{},
		now:                  time.Now,
		directory:            DefaultDirectory(),
		rateLimit:            20,
		dailySendLimit:       10,
		maxMembersPerContact: 20,
		seed:                 1,
		timestampSkew:        15 * time.Minute,
		nonceRetention:       30 * time.Minute,
	}
}

// WithCredential adds an accepted AccessKey pair. The default pair stays
// accepted unless WithoutDefaultCredential is also given.
func WithCredential(accessKeyID, accessKeySecret string) Option {
	return func(c *config) {
		c.creds[accessKeyID] = credential{id: accessKeyID, secret: accessKeySecret}
	}
}

// WithSTSCredential adds an STS key pair: requests signed with it must carry
// securityToken (x-acs-security-token in V3, SecurityToken in V1).
func WithSTSCredential(accessKeyID, accessKeySecret, securityToken string) Option {
	return func(c *config) {
		c.creds[accessKeyID] = credential{id: accessKeyID, secret: accessKeySecret, token: securityToken}
	}
}

// WithoutDefaultCredential stops the emulator from accepting the
// DefaultAccessKeyID/DefaultAccessKeySecret pair.
func WithoutDefaultCredential() Option {
	return func(c *config) { c.noDefaultCredential = true }
}

// WithReadMode sets what Get/List report while a change is pending.
func WithReadMode(m ReadMode) Option {
	return func(c *config) { c.readMode = m }
}

// WithClock replaces time.Now. Every time-dependent behaviour (request
// timestamps, nonces, dates, rate limits, daily send limits, async deletion,
// read-after-create delay) reads this clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithDirectory replaces the default resource directory tree.
func WithDirectory(d Directory) Option {
	return func(c *config) { c.directory = d.clone() }
}

// WithLatency adds d of wall-clock delay to every API call.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = d }
}

// WithMutationHold makes every mutating call keep its lock for d (wall
// clock) after its work is done and before it replies. With 0 the lock still
// covers the call itself.
func WithMutationHold(d time.Duration) Option {
	return func(c *config) { c.mutationHold = d }
}

// WithLockScope sets the scope of mutation locks.
func WithLockScope(s LockScope) Option {
	return func(c *config) { c.lockScope = s }
}

// WithRateLimit sets the per-action, per-account limit in calls per second
// (a token bucket with a burst of perSecond). The default is 20; 0 disables
// rate limiting.
func WithRateLimit(perSecond int) Option {
	return func(c *config) { c.rateLimit = perSecond }
}

// WithDailySendLimit sets how many verification messages the account may send
// per day (UTC+8 calendar day). The default is 10 (an assumption); 0 or less
// disables the limit.
func WithDailySendLimit(n int) Option {
	return func(c *config) { c.dailySendLimit = n }
}

// WithMaxMembersPerContact sets how many objects one contact may be bound to
// (default 20, an assumption); beyond it AssociateMembers answers
// LimitExceeded.ContactMembers. 0 or less removes the cap.
func WithMaxMembersPerContact(n int) Option {
	return func(c *config) { c.maxMembersPerContact = n }
}

// WithAsyncDelete sets how long a contact deleted with
// RetainContactInMembers=false stays Deleting, on the emulator's clock. With
// 0 (the default) the deletion is still asynchronous: exactly one read
// (GetMessageContact, ListMessageContacts or GetMessageContactDeletionStatus)
// observes it Deleting, then it completes.
func WithAsyncDelete(d time.Duration) Option {
	return func(c *config) { c.asyncDelete = d }
}

// WithReadAfterCreateDelay makes a new contact invisible to
// GetMessageContact and ListMessageContacts (404 / absent) for d after
// AddMessageContact, on the emulator's clock.
func WithReadAfterCreateDelay(d time.Duration) Option {
	return func(c *config) { c.readAfterCreateDelay = d }
}

// WithSeed seeds the deterministic generator behind contact IDs, request IDs
// and the random server errors of SetServerErrorRate. The default seed is 1.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}

// WithServerErrorRate is the option form of SetServerErrorRate.
func WithServerErrorRate(p float64) Option {
	return func(c *config) { c.serverErrorRate = p }
}
