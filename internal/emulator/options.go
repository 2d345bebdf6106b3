package emulator

import "time"

// DefaultAccessKeyID is the AccessKey ID the emulator accepts unless
// WithoutDefaultCredential is given. It is not a real credential.
const DefaultAccessKeyID = "emulator-access-key-id"

// DefaultAccessKeySecret is the secret paired with DefaultAccessKeyID.
const DefaultAccessKeySecret = "emulator-access-key-secret"

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
	stateFile           string
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
