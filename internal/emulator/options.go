package emulator

import (
	"fmt"
	"strings"
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

// MarshalText returns String.
func (m ReadMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses "submitted" or "verified".
func (m *ReadMode) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "submitted":
		*m = ReadSubmitted
	case "verified":
		*m = ReadVerified
	default:
		return fmt.Errorf("read mode %q: want submitted or verified", b)
	}
	return nil
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

// MarshalText returns String.
func (s LockScope) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses "account" or "contact".
func (s *LockScope) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) {
	case "account":
		*s = LockPerAccount
	case "contact":
		*s = LockPerContact
	default:
		return fmt.Errorf("lock scope %q: want account or contact", b)
	}
	return nil
}

// Option configures an Emulator built by New or NewServer.
type Option func(*config)

// credential is one accepted key pair; token is non-empty for STS pairs.
type credential struct {
	id, secret, token string
}

// config holds what an emulator is built with. settings may change at run
// time (Apply, the settings admin endpoint) and is read under Emulator.mu.
type config struct {
	creds               map[string]credential
	noDefaultCredential bool
	now                 func() time.Time
	directory           Directory
	seed                uint64
	timestampSkew       time.Duration
	nonceRetention      time.Duration
	settings            Settings
}

func defaultConfig() *config {
	return &config{
		creds:          map[string]credential{},
		now:            time.Now,
		directory:      DefaultDirectory(),
		seed:           1,
		timestampSkew:  15 * time.Minute,
		nonceRetention: 30 * time.Minute,
		settings:       DefaultSettings(),
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

// WithSeed seeds the deterministic generator behind contact IDs, request IDs
// and the random server errors of Settings.ServerErrorRate. The default seed is 1.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}
