// Package rdapi is a client for the message contact operations of the
// Alibaba Cloud Resource Directory API (product ResourceDirectoryMaster,
// version 2022-04-19):
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-overview
//
// Requests are RPC style, as the official Go SDK sends them: POST / with
// every operation parameter in the query (arrays flattened as Name.1,
// Name.2, …), an empty body, and a V3 (ACS3-HMAC-SHA256) signature computed
// for every attempt. Retries (throttling, contention, 5xx, transport
// errors) go through go-retryablehttp and stop at the caller's context
// deadline. Non-2xx replies become *APIError.
//
// The package imports nothing from Terraform; Options.Logger lets the
// provider route per-attempt events to tflog.
package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// APIVersion is the ResourceDirectoryMaster API version the client speaks.
const APIVersion = "2022-04-19"

// Site selects the public endpoint of the China or the International site.
type Site string

// Sites documented on the endpoint page
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-endpoint
const (
	SiteChina         Site = "china"
	SiteInternational Site = "international"
)

// Endpoint returns the site's public endpoint URL, or "" for an unknown
// site.
func (s Site) Endpoint() string {
	switch s {
	case SiteChina:
		return "https://resourcedirectory.aliyuncs.com"
	case SiteInternational:
		return "https://resourcedirectory-intl.aliyuncs.com"
	default:
		return ""
	}
}

// Defaults applied by New to zero Options fields.
const (
	DefaultMaxRetries   = 8
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 20 * time.Second
	DefaultHTTPTimeout  = 30 * time.Second
	// DefaultPageSize is the page size of the list iterators.
	DefaultPageSize = 50
	// MaxPageSize is the largest page size the iterators request.
	MaxPageSize = 100
	// MaxListPages bounds how many pages one list reads (10,000 contacts at
	// the default page size), so a server that never stops sending fresh
	// pages ends in an error instead of a read that lasts until the
	// operation's timeout.
	MaxListPages = 200
)

// Options configures a Client. Only Credentials is required.
type Options struct {
	// Endpoint is a URL ("https://host", "http://127.0.0.1:port") or a bare
	// host (HTTPS). Plain HTTP is accepted only for loopback hosts
	// (127.0.0.0/8, ::1, localhost). Empty means Site.Endpoint().
	Endpoint string
	// Site picks the default endpoint; empty means SiteChina.
	Site Site
	// Credentials supplies the access key for every attempt. Required.
	Credentials CredentialsProvider
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries and a negative value disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff; zero
	// means DefaultRetryWaitMin and DefaultRetryWaitMax. Server hints
	// (Retry-After, x-ratelimit-* TimeLeft) may lengthen a wait beyond
	// RetryWaitMax, up to five minutes.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// HTTPTimeout bounds each attempt; zero means DefaultHTTPTimeout.
	HTTPTimeout time.Duration
	// UserAgent is appended to the client's User-Agent, e.g.
	// "terraform-provider-resourcedirectory/1.2.0 terraform/1.9.0".
	UserAgent string
	// MaxConcurrentWrites limits how many mutating calls (Add, Update,
	// Delete, Associate, Disassociate, Cancel, Send*) this client runs at
	// once. The API answers 429 ConcurrentCallNotSupported to concurrent
	// mutations of one account, so the default (0) is 1; a negative value
	// means unlimited. Reads are never limited. Retries still absorb
	// conflicts with writers outside this client.
	MaxConcurrentWrites int
	// RateLimit paces this client's attempts per action, in calls per
	// second, so that many concurrent reads stay under the API's quota
	// instead of being throttled; 0 means DefaultRateLimit and a negative
	// value disables pacing.
	RateLimit float64
	// CredentialSource names where Credentials come from (an environment
	// variable, a profile, …); errors about the access key or the signature
	// quote it.
	CredentialSource string
	// BatchReads serves Client.Snapshot's reads from snapshots of the whole
	// directory instead of one call per contact (see Snapshot). Off, every
	// Snapshot method reads from the API directly.
	BatchReads bool
	// SnapshotMaxAge bounds the age of a snapshot; 0 means
	// DefaultSnapshotMaxAge.
	SnapshotMaxAge time.Duration
	// Logger, when set, receives one event per attempt, on the calling
	// goroutine and with the call's context (so tflog fields set by the
	// caller apply); concurrent calls invoke it concurrently. Events never
	// carry secrets, security tokens or signatures.
	Logger func(ctx context.Context, ev LogEvent)

	// Test seams.
	now           func() time.Time                           // signing clock; default time.Now
	nonce         func() string                              // signature nonces; default randomNonce
	httpTransport http.RoundTripper                          // beneath the signer; default a pooled cleanhttp transport
	jitter        func(n int64) int64                        // uniform in [0, n); default math/rand/v2
	pageSize      int                                        // iterator page size; default DefaultPageSize
	maxPages      int                                        // page limit of one list; default MaxListPages
	afterAttempt  func(x *exchange, ev LogEvent)             // observes retry decisions in tests
	sleep         func(context.Context, time.Duration) error // waits of polls and retries; default sleepCtx
	paceClock     paceClock                                  // the pacer's time; default the wall clock
}

// LogEvent describes one attempt of an API call.
type LogEvent struct {
	Action string
	// Attempt counts from 1.
	Attempt int
	// StatusCode is 0 when the attempt failed before a reply arrived.
	StatusCode int
	// Code is the API error code of a non-2xx reply.
	Code string
	// Message is the API's message of a non-2xx reply: for a rejected
	// signature it quotes the server's string-to-sign, which errors leave
	// out (see APIError.Error) and only a debug log shows.
	Message   string
	RequestID string
	Duration  time.Duration
	// Retrying reports that another attempt follows after Wait.
	Retrying bool
	Wait     time.Duration
	// Err is the transport error, or the context error, of a failed attempt.
	Err error
}

// Throttled reports whether the attempt was throttled or met contention
// (the same rule as IsThrottled), which a log shows as a warning.
func (ev LogEvent) Throttled() bool { return throttledReply(ev.StatusCode, ev.Code) }

// Client calls the ResourceDirectoryMaster API. It is safe for concurrent
// use.
type Client struct {
	endpoint  *url.URL
	http      *http.Client
	retry     *retryablehttp.Client // built once from http by newRetryClient
	userAgent string

	retryMax     int
	retryWaitMin time.Duration
	retryWaitMax time.Duration

	writes   chan struct{} // nil means unlimited
	pacer    *pacer
	logger   func(context.Context, LogEvent)
	now      func() time.Time
	jitter   func(int64) int64
	sleep    func(context.Context, time.Duration) error
	pageSize int
	maxPages int

	afterAttempt func(*exchange, LogEvent)

	// adoptions is what the Adds showed, for deciding ambiguous creates
	// (adopt.go).
	adoptions adoptions

	credentialSource string
	// credentialReported holds the credential error codes already
	// explained in full by this client (see credentialHint).
	credentialReported *sync.Map
	loopback           bool
	snapshot           *Snapshot
	tree               treeCache
	deletions          deletionWatch
}

// New builds a Client. It validates o and makes no network call.
func New(o Options) (*Client, error) {
	if o.Credentials == nil {
		return nil, errors.New("rdapi: Options.Credentials is required")
	}
	site := o.Site
	if site == "" {
		site = SiteChina
	}
	raw := o.Endpoint
	if raw == "" {
		raw = site.Endpoint()
		if raw == "" {
			return nil, fmt.Errorf("rdapi: unknown site %q (want %q or %q)", o.Site, SiteChina, SiteInternational)
		}
	}
	endpoint, err := parseEndpoint(raw)
	if err != nil {
		return nil, fmt.Errorf("rdapi: %w", err)
	}

	c := &Client{
		endpoint:     endpoint,
		userAgent:    userAgent(o.UserAgent),
		retryMax:     o.MaxRetries,
		retryWaitMin: o.RetryWaitMin,
		retryWaitMax: o.RetryWaitMax,
		logger:       o.Logger,
		now:          o.now,
		jitter:       o.jitter,
		sleep:        o.sleep,
		pageSize:     o.pageSize,
		maxPages:     o.maxPages,
		afterAttempt: o.afterAttempt,

		credentialSource:   o.CredentialSource,
		credentialReported: new(sync.Map),
		loopback:           isLoopback(endpoint.Hostname()),
	}
	switch {
	case c.retryMax == 0:
		c.retryMax = DefaultMaxRetries
	case c.retryMax < 0:
		c.retryMax = 0
	}
	if c.retryWaitMin <= 0 {
		c.retryWaitMin = DefaultRetryWaitMin
	}
	if c.retryWaitMax <= 0 {
		c.retryWaitMax = DefaultRetryWaitMax
	}
	if c.retryWaitMax < c.retryWaitMin {
		return nil, fmt.Errorf("rdapi: RetryWaitMax (%s) is below RetryWaitMin (%s)", c.retryWaitMax, c.retryWaitMin)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.jitter == nil {
		c.jitter = defaultJitter
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.maxPages <= 0 {
		c.maxPages = MaxListPages
	}
	switch {
	case c.pageSize <= 0:
		c.pageSize = DefaultPageSize
	case c.pageSize > MaxPageSize:
		c.pageSize = MaxPageSize
	}
	c.snapshot = newSnapshot(c, o.BatchReads, o.SnapshotMaxAge)
	switch n := o.MaxConcurrentWrites; {
	case n == 0:
		c.writes = make(chan struct{}, 1)
	case n > 0:
		c.writes = make(chan struct{}, n)
	}

	timeout := o.HTTPTimeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	next := o.httpTransport
	if next == nil {
		next = cleanhttp.DefaultPooledTransport()
	}
	nonce := o.nonce
	if nonce == nil {
		nonce = randomNonce
	}
	rateLimit := o.RateLimit
	if rateLimit == 0 {
		rateLimit = DefaultRateLimit
	}
	c.pacer = newPacer(&signer{next: next, creds: o.Credentials, now: c.now, nonce: nonce}, rateLimit, o.paceClock)
	c.http = &http.Client{
		Timeout:   timeout,
		Transport: c.pacer,
		// A redirect would be re-sent unsigned (or with a stale signature);
		// hand the 3xx to the decoder instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.retry = c.newRetryClient()
	return c, nil
}

// Endpoint returns the base URL the client sends requests to.
func (c *Client) Endpoint() string { return strings.TrimSuffix(c.endpoint.String(), "/") }

// parseEndpoint accepts "https://host[:port]", "http://loopback[:port]" or a
// bare "host[:port]" (HTTPS), with an optional trailing slash.
func parseEndpoint(raw string) (*url.URL, error) {
	if suggestion, ok := bareLoopback(raw); ok {
		return nil, fmt.Errorf("invalid endpoint %q: no scheme; a loopback endpoint is usually a local emulator "+
			"speaking plain HTTP: use %q (or https://… if it serves TLS)", raw, suggestion)
	}
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("invalid endpoint %q: %w", raw, err)
	}
	switch {
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("invalid endpoint %q: no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("invalid endpoint %q: user information is not allowed", raw)
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.Opaque != "":
		return nil, fmt.Errorf("invalid endpoint %q: want scheme://host[:port] with no path, query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("invalid endpoint %q: plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https", raw)
		}
	default:
		return nil, fmt.Errorf("invalid endpoint %q: scheme %q is not supported; use https", raw, u.Scheme)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func userAgent(extra string) string {
	ua := fmt.Sprintf("rdapi/%s (%s; %s) Go/%s", APIVersion, runtime.GOOS, runtime.GOARCH, strings.TrimPrefix(runtime.Version(), "go"))
	if extra = strings.TrimSpace(extra); extra != "" {
		ua += " " + extra
	}
	return ua
}

// acquireWrite takes a slot of the write semaphore, or fails when ctx ends
// first. The returned func releases the slot.
func (c *Client) acquireWrite(ctx context.Context) (func(), error) {
	if c.writes == nil {
		return func() {}, nil
	}
	select {
	case c.writes <- struct{}{}:
		return func() { <-c.writes }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another write of this client to finish: %w", ctx.Err())
	}
}
