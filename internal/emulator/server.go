package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// APIVersion is the only API version the emulator serves.
const APIVersion = "2022-04-19"

// maxBodyBytes bounds a request body.
const maxBodyBytes = 1 << 20

// Emulator is an in-memory ResourceDirectoryMaster API. It implements
// http.Handler; all methods are safe for concurrent use.
type Emulator struct {
	mu    sync.Mutex
	cfg   *config
	store *store

	nonces       map[string]time.Time
	noncePurgeAt int

	failNext map[string][]injectedFault
	dropNext map[string]int
	errRNG   *rand.Rand

	locks           map[string]bool
	activeMutations int
	limiters        map[string]*rate.Limiter
	stats           Stats

	// times stamps the tree (tree.go); startDirectory is the tree Reset
	// returns to.
	times          treeTimes
	startDirectory Directory

	// keeper is nil without WithStateFile.
	keeper *stateKeeper

	// holdHook, when set by tests, runs while a mutating call holds its
	// lock, after its work is done.
	holdHook func(action string)
}

// New builds an Emulator. With no options it accepts the default key pair,
// serves DefaultDirectory with DefaultSettings and uses the real clock. It
// panics if the settings are not valid (Settings.Validate).
func New(opts ...Option) *Emulator {
	e, err := build(opts)
	if err != nil {
		panic(err)
	}
	return e
}

func build(opts []Option) (*Emulator, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(cfg)
	}
	if err := cfg.settings.Validate(); err != nil {
		return nil, fmt.Errorf("emulator settings: %w", err)
	}
	if err := cfg.directory.Validate(); err != nil {
		return nil, fmt.Errorf("emulator directory: %w", err)
	}
	if !cfg.noDefaultCredential {
		if _, ok := cfg.creds[DefaultAccessKeyID]; !ok {
			cfg.creds[DefaultAccessKeyID] = credential{id: DefaultAccessKeyID, secret: DefaultAccessKeySecret}
		}
	}
	e := &Emulator{
		cfg:          cfg,
		store:        newStore(cfg.seed),
		nonces:       map[string]time.Time{},
		noncePurgeAt: 1024,
		failNext:     map[string][]injectedFault{},
		dropNext:     map[string]int{},
		errRNG:       rand.New(rand.NewPCG(cfg.seed, cfg.seed+1)),
		locks:        map[string]bool{},
		limiters:     map[string]*rate.Limiter{},
		stats:        newStats(),
	}
	e.startDirectory = cfg.directory.clone()
	e.times = treeTimes{started: cfg.now(), joined: map[string]time.Time{}, modified: map[string]time.Time{}}
	if cfg.stateFile != "" {
		e.keeper = &stateKeeper{path: cfg.stateFile}
		if err := e.loadState(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (e *Emulator) now() time.Time { return e.cfg.now() }

// Server is an Emulator listening on a loopback port, in the style of
// httptest.Server.
type Server struct {
	*Emulator
	// URL is the base URL, http://127.0.0.1:PORT.
	URL string
	srv *httptest.Server
}

// NewServer starts an Emulator on 127.0.0.1 and closes it when the test
// ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	e, err := build(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	s := &Server{Emulator: e, URL: srv.URL, srv: srv}
	t.Cleanup(s.Close)
	return s
}

// Endpoint returns the host:port part of URL, the form SDKs call an
// endpoint.
func (s *Server) Endpoint() string { return strings.TrimPrefix(s.URL, "http://") }

// Close shuts the server down. It is safe to call more than once.
func (s *Server) Close() { s.srv.Close() }

// ServeHTTP serves the API at "/" and the admin endpoints under
// "/_emulator/".
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		e.serveAdmin(w, r)
		return
	}
	e.serveAPI(w, r)
}

// reply is a rendered API answer.
type reply struct {
	status int
	body   any
	header http.Header
}

func (e *Emulator) errorReply(r *http.Request, requestID, action string, aerr *apiError) reply {
	e.mu.Lock()
	e.stats.Errors[string(aerr.code)]++
	if st := aerr.code.status(); st >= 500 && action != "" {
		e.stats.ServerErrors[action]++
	}
	e.mu.Unlock()
	return reply{
		status: aerr.code.status(),
		body: errorEnvelope{
			RequestID: requestID,
			HostID:    r.Host,
			Code:      string(aerr.code),
			Message:   aerr.text(),
			Recommend: recommendURL(aerr.code, requestID),
		},
	}
}

func writeReply(w http.ResponseWriter, requestID string, rep reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", requestID)
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(rep.body)
}

func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	requestID := e.store.newRequestID()
	e.mu.Unlock()
	rep, drop := e.process(r, requestID)
	if drop {
		dropConnection(w)
		return
	}
	// The Date header shows the emulator's clock (WithClock), the one its
	// CreateDate values come from, as a real server's would.
	w.Header().Set("Date", e.now().UTC().Format(http.TimeFormat))
	writeReply(w, requestID, rep)
}

// process runs the whole pipeline of one API request: parsing, action and
// version, authentication, injected faults, rate limit, lock, latency, the
// operation itself, the mutation hold, and the connection-drop fault. Every
// call takes Settings.Latency: a mutating call holds its lock meanwhile, as
// the real API holds its lock for the whole server-side call; a call refused
// before that point answers after its latency.
func (e *Emulator) process(r *http.Request, requestID string) (rep reply, drop bool) {
	var action string
	waited := false
	defer func() {
		if !waited {
			_ = e.sleepLatency(r.Context())
		}
	}()
	failWith := func(aerr *apiError) (reply, bool) {
		return e.errorReply(r, requestID, action, aerr), false
	}
	if r.URL.Path != "/" {
		return failWith(failf(codeInvalidAction, "The path %q is not served; RPC calls use \"/\".", r.URL.Path))
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return failWith(fail(codeUnsupportedHTTPMethod))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return failWith(failf(codeInvalidFormBody, "Reading the body failed: %v.", err))
	}
	if len(body) > maxBodyBytes {
		return failWith(fail(codeRequestEntityTooLarge))
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return failWith(failf(codeInvalidParameter, "The query string is malformed: %v.", err))
	}
	params := url.Values{}
	for k, v := range query {
		params[k] = append([]string(nil), v...)
	}
	if len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt == "application/x-www-form-urlencoded" {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return failWith(failf(codeInvalidFormBody, "%v.", err))
			}
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
	}

	action = firstNonEmpty(r.Header.Get("x-acs-action"), params.Get("Action"))
	if action == "" {
		return failWith(fail(codeMissingAction))
	}
	e.count(func(s *Stats) map[string]int { return s.Calls }, action)
	version := firstNonEmpty(r.Header.Get("x-acs-version"), params.Get("Version"))
	if version == "" {
		return failWith(fail(codeMissingVersion))
	}
	if version != APIVersion {
		return failWith(failf(codeInvalidVersion, "Only %s is served.", APIVersion))
	}
	op, ok := operations[action]
	if !ok {
		return failWith(failf(codeInvalidAction, "Unknown action %q.", action))
	}
	if _, aerr := e.authenticate(r, body, query, params); aerr != nil {
		return failWith(aerr)
	}
	if rep, denied := e.denied(r, requestID, action); denied {
		return rep, false
	}
	if aerr := e.injectedFault(action); aerr != nil {
		rep := e.errorReply(r, requestID, action, aerr)
		if strings.HasPrefix(string(aerr.code), "Throttling") {
			rep.header = rateLimitHeader(max(e.Settings().RateLimit, 1), e.now(), 0, time.Second)
		}
		return rep, false
	}
	if ok, hdr := e.takeToken(action); !ok {
		e.count(func(s *Stats) map[string]int { return s.Throttled }, action)
		rep := e.errorReply(r, requestID, action, fail(codeThrottlingUser))
		rep.header = hdr
		return rep, false
	}
	if op.mutating {
		key := e.lockKey(params)
		if !e.acquire(key) {
			e.count(func(s *Stats) map[string]int { return s.Conflicts }, action)
			return failWith(fail(codeConcurrentCall))
		}
		defer e.release(key)
	}
	waited = true
	if err := e.sleepLatency(r.Context()); err != nil {
		return failWith(failf(codeServiceUnavailable, "The request was cancelled."))
	}

	e.mu.Lock()
	now := e.now()
	e.store.advance(now, e.cfg.settings.AsyncDelete)
	result, aerr := op.handle(e, &call{action: action, params: params, requestID: requestID, now: now})
	if err := e.persist(); err != nil && aerr == nil {
		aerr = failf(codeInternalError, "The emulator could not keep this change: %v.", err)
	}
	hold, hook := e.cfg.settings.MutationHold, e.holdHook
	drop = e.consumeDrop(action)
	e.mu.Unlock()

	if op.mutating {
		if hook != nil {
			hook(action)
		}
		if hold > 0 {
			_ = sleepCtx(r.Context(), hold)
		}
	}
	if drop {
		return reply{}, true
	}
	if aerr != nil {
		return failWith(aerr)
	}
	return reply{body: result}, false
}

// sleepLatency waits Settings.Latency, or until ctx is done.
func (e *Emulator) sleepLatency(ctx context.Context) error {
	if d := e.Settings().Latency; d > 0 {
		return sleepCtx(ctx, d)
	}
	return nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dropConnection closes the client connection without any reply.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// denied answers a call to an action of Settings.DenyActions with
// Settings.DenyCode, as RAM refuses a caller whose policies do not allow
// it. A NoPermission denial names the RAM action in AccessDeniedDetail.
func (e *Emulator) denied(r *http.Request, requestID, action string) (reply, bool) {
	s := e.Settings()
	if !s.DenyActions.Has(action) {
		return reply{}, false
	}
	rep := e.errorReply(r, requestID, action, fail(s.DenyCode.code()))
	if env, ok := rep.body.(errorEnvelope); ok && s.DenyCode == DenyNoPermission {
		env.AccessDeniedDetail = &wireAccessDeniedDetail{
			AuthAction:        ramAction(action),
			AuthPrincipalType: "SubUser",
			NoPermissionType:  "ImplicitDeny",
			PolicyType:        "AccountLevelIdentityBasedPolicy",
		}
		rep.body = env
	}
	return rep, true
}

// ramAction is the RAM action that authorizes an API action: the
// authorization tables of ResourceDirectoryMaster name every one
// resourcemanager:<Action>.
func ramAction(action string) string { return "resourcemanager:" + action }

// Directory returns the resource directory the emulator serves.
func (e *Emulator) Directory() Directory {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg.directory.clone()
}

// ErrContactNotFound is returned by Verify for an unknown contact.
var ErrContactNotFound = errors.New("emulator: contact not found")

// ErrNotPending is returned by Verify when target is not waiting for
// verification (on the contact named, or on any contact).
var ErrNotPending = errors.New("emulator: target is not pending verification")

// ErrAmbiguousTarget is returned by Verify without a contact ID when target
// is pending on more than one contact.
var ErrAmbiguousTarget = errors.New("emulator: target is pending on several contacts")

// Verify completes a pending verification, as if the recipient had clicked
// the link or confirmed the SMS: target (the pending email address or phone
// number) becomes the verified value. With contactID "", target must be
// pending on exactly one contact. It is the only way, besides the admin
// endpoint, to change a contact other than through the API.
func (e *Emulator) Verify(contactID, target string) error {
	_, err := e.verify(contactID, target)
	return err
}

// verify is Verify returning the contact after verification.
func (e *Emulator) verify(contactID, target string) (Contact, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store.advance(e.now(), e.cfg.settings.AsyncDelete)
	if contactID == "" {
		ids := e.store.pendingOn(target)
		switch len(ids) {
		case 0:
			return Contact{}, fmt.Errorf("%w: %q", ErrNotPending, target)
		case 1:
			contactID = ids[0]
		default:
			return Contact{}, fmt.Errorf("%w: %q on %s; name one with contact_id", ErrAmbiguousTarget, target, strings.Join(ids, ", "))
		}
	}
	if err := e.store.verify(contactID, target); err != nil {
		return Contact{}, err
	}
	return e.store.contacts[contactID].snapshot(), e.persist()
}

// Contact returns a snapshot of one contact, whatever its visibility
// through the API.
func (e *Emulator) Contact(id string) (Contact, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store.advance(e.now(), e.cfg.settings.AsyncDelete)
	c, ok := e.store.contacts[id]
	if !ok {
		return Contact{}, false
	}
	return c.snapshot(), true
}

// Contacts returns snapshots of every contact, in creation order.
func (e *Emulator) Contacts() []Contact {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store.advance(e.now(), e.cfg.settings.AsyncDelete)
	out := make([]Contact, 0, len(e.store.order))
	for _, c := range e.store.order {
		out = append(out, c.snapshot())
	}
	return out
}

// Len returns the number of stored contacts, including those being deleted.
func (e *Emulator) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store.advance(e.now(), e.cfg.settings.AsyncDelete)
	return len(e.store.order)
}

// Reset drops every contact, binding, fault, counter and remembered nonce
// (and empties the state file, if any), and returns the tree to the one the
// emulator started with.
// Options and settings are kept, except ServerErrorRate, which returns to 0.
func (e *Emulator) Reset() { _ = e.reset() }

// reset is Reset reporting a failure to write the state file.
func (e *Emulator) reset() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store.reset()
	e.nonces = map[string]time.Time{}
	e.failNext = map[string][]injectedFault{}
	e.dropNext = map[string]int{}
	e.cfg.settings.ServerErrorRate = 0
	e.cfg.directory = e.startDirectory.clone()
	e.times.joined, e.times.modified = map[string]time.Time{}, map[string]time.Time{}
	e.resetLimiters()
	e.stats = newStats()
	return e.persist()
}
