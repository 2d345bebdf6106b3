package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// adminPrefix is where the non-API admin endpoints live. They need no
// signature and speak plain JSON.
const adminPrefix = "/_emulator/"

// Settings is the run-time view of the emulator's switches, as served and
// accepted by the settings admin endpoint. Durations use Go syntax ("250ms").
type Settings struct {
	ReadMode             string  `json:"read_mode"`
	Latency              string  `json:"latency"`
	MutationHold         string  `json:"mutation_hold"`
	LockScope            string  `json:"lock_scope"`
	RateLimit            int     `json:"rate_limit"`
	DailySendLimit       int     `json:"daily_send_limit"`
	MaxMembersPerContact int     `json:"max_members_per_contact"`
	AsyncDelete          string  `json:"async_delete"`
	ReadAfterCreateDelay string  `json:"read_after_create_delay"`
	ServerErrorRate      float64 `json:"server_error_rate"`
}

// settingsPatch is a partial Settings: absent fields are left unchanged.
type settingsPatch struct {
	ReadMode             *string  `json:"read_mode"`
	Latency              *string  `json:"latency"`
	MutationHold         *string  `json:"mutation_hold"`
	LockScope            *string  `json:"lock_scope"`
	RateLimit            *int     `json:"rate_limit"`
	DailySendLimit       *int     `json:"daily_send_limit"`
	MaxMembersPerContact *int     `json:"max_members_per_contact"`
	AsyncDelete          *string  `json:"async_delete"`
	ReadAfterCreateDelay *string  `json:"read_after_create_delay"`
	ServerErrorRate      *float64 `json:"server_error_rate"`
}

// Settings returns the current switches.
func (e *Emulator) Settings() Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.cfg
	return Settings{
		ReadMode:             c.readMode.String(),
		Latency:              c.latency.String(),
		MutationHold:         c.mutationHold.String(),
		LockScope:            c.lockScope.String(),
		RateLimit:            c.rateLimit,
		DailySendLimit:       c.dailySendLimit,
		MaxMembersPerContact: c.maxMembersPerContact,
		AsyncDelete:          c.asyncDelete.String(),
		ReadAfterCreateDelay: c.readAfterCreateDelay.String(),
		ServerErrorRate:      c.serverErrorRate,
	}
}

// ParseReadMode parses "submitted" or "verified".
func ParseReadMode(s string) (ReadMode, error) {
	switch strings.ToLower(s) {
	case "submitted":
		return ReadSubmitted, nil
	case "verified":
		return ReadVerified, nil
	}
	return 0, fmt.Errorf("read mode %q: want submitted or verified", s)
}

// ParseLockScope parses "account" or "contact".
func ParseLockScope(s string) (LockScope, error) {
	switch strings.ToLower(s) {
	case "account":
		return LockPerAccount, nil
	case "contact":
		return LockPerContact, nil
	}
	return 0, fmt.Errorf("lock scope %q: want account or contact", s)
}

// apply validates the whole patch first, then applies it.
func (e *Emulator) apply(p settingsPatch) error {
	var (
		errs []error
		c    = *e.cfgSnapshot()
	)
	dur := func(name string, s *string, dst *time.Duration) {
		if s == nil {
			return
		}
		d, err := time.ParseDuration(*s)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not a non-negative duration", name, *s))
			return
		}
		*dst = d
	}
	if p.ReadMode != nil {
		m, err := ParseReadMode(*p.ReadMode)
		errs = append(errs, err)
		c.readMode = m
	}
	if p.LockScope != nil {
		s, err := ParseLockScope(*p.LockScope)
		errs = append(errs, err)
		c.lockScope = s
	}
	dur("latency", p.Latency, &c.latency)
	dur("mutation_hold", p.MutationHold, &c.mutationHold)
	dur("async_delete", p.AsyncDelete, &c.asyncDelete)
	dur("read_after_create_delay", p.ReadAfterCreateDelay, &c.readAfterCreateDelay)
	if p.RateLimit != nil {
		c.rateLimit = *p.RateLimit
	}
	if p.DailySendLimit != nil {
		c.dailySendLimit = *p.DailySendLimit
	}
	if p.MaxMembersPerContact != nil {
		c.maxMembersPerContact = *p.MaxMembersPerContact
	}
	if p.ServerErrorRate != nil {
		if *p.ServerErrorRate < 0 || *p.ServerErrorRate > 1 {
			errs = append(errs, fmt.Errorf("server_error_rate: %v is not within [0, 1]", *p.ServerErrorRate))
		}
		c.serverErrorRate = *p.ServerErrorRate
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.rateLimit != e.cfg.rateLimit {
		e.buckets = map[string]*bucket{}
	}
	e.cfg.readMode, e.cfg.lockScope = c.readMode, c.lockScope
	e.cfg.latency, e.cfg.mutationHold = c.latency, c.mutationHold
	e.cfg.asyncDelete, e.cfg.readAfterCreateDelay = c.asyncDelete, c.readAfterCreateDelay
	e.cfg.rateLimit, e.cfg.dailySendLimit = c.rateLimit, c.dailySendLimit
	e.cfg.maxMembersPerContact, e.cfg.serverErrorRate = c.maxMembersPerContact, c.serverErrorRate
	return nil
}

func (e *Emulator) cfgSnapshot() *config {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := *e.cfg
	return &c
}

// adminState is the body of GET /_emulator/state.
type adminState struct {
	Directory Directory `json:"directory"`
	Contacts  []Contact `json:"contacts"`
	Settings  Settings  `json:"settings"`
}

// adminFaults is the body of POST /_emulator/faults. Exactly one form is
// used per request: {action, code, n}, {action, drop: true, n},
// {error_rate} or {deletion_failure}.
type adminFaults struct {
	Action          string        `json:"action"`
	Code            string        `json:"code"`
	N               int           `json:"n"`
	Drop            bool          `json:"drop"`
	ErrorRate       *float64      `json:"error_rate"`
	DeletionFailure *[]FailReason `json:"deletion_failure"`
}

type adminVerify struct {
	ContactID string `json:"ContactId"`
	Target    string `json:"Target"`
}

type adminError struct {
	Error string `json:"error"`
}

type adminOK struct {
	OK bool `json:"ok"`
}

func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	status, body := e.admin(r)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (e *Emulator) admin(r *http.Request) (int, any) {
	name := strings.TrimPrefix(r.URL.Path, adminPrefix)
	type route struct{ method, name string }
	switch (route{r.Method, name}) {
	case route{http.MethodGet, "state"}:
		return http.StatusOK, adminState{Directory: e.Directory(), Contacts: e.Contacts(), Settings: e.Settings()}
	case route{http.MethodGet, "stats"}:
		return http.StatusOK, e.Stats()
	case route{http.MethodGet, "settings"}:
		return http.StatusOK, e.Settings()
	case route{http.MethodPost, "reset"}:
		e.Reset()
		return http.StatusOK, adminOK{OK: true}
	case route{http.MethodPost, "verify"}:
		var v adminVerify
		if err := decodeAdmin(r, &v); err != nil {
			return http.StatusBadRequest, adminError{err.Error()}
		}
		if err := e.Verify(v.ContactID, v.Target); err != nil {
			status := http.StatusConflict
			if errors.Is(err, ErrContactNotFound) {
				status = http.StatusNotFound
			}
			return status, adminError{err.Error()}
		}
		c, _ := e.Contact(v.ContactID)
		return http.StatusOK, c
	case route{http.MethodPost, "settings"}:
		var p settingsPatch
		if err := decodeAdmin(r, &p); err != nil {
			return http.StatusBadRequest, adminError{err.Error()}
		}
		if err := e.apply(p); err != nil {
			return http.StatusBadRequest, adminError{err.Error()}
		}
		return http.StatusOK, e.Settings()
	case route{http.MethodPost, "faults"}:
		var f adminFaults
		if err := decodeAdmin(r, &f); err != nil {
			return http.StatusBadRequest, adminError{err.Error()}
		}
		return e.adminFault(f)
	}
	return http.StatusNotFound, adminError{fmt.Sprintf("no admin endpoint %s %s", r.Method, r.URL.Path)}
}

func (e *Emulator) adminFault(f adminFaults) (int, any) {
	switch {
	case f.ErrorRate != nil:
		if *f.ErrorRate < 0 || *f.ErrorRate > 1 {
			return http.StatusBadRequest, adminError{"error_rate must be within [0, 1]"}
		}
		e.SetServerErrorRate(*f.ErrorRate)
	case f.DeletionFailure != nil:
		e.FailNextDeletion(*f.DeletionFailure)
	case f.Action == "" || f.N <= 0:
		return http.StatusBadRequest, adminError{"faults needs action and n > 0, error_rate, or deletion_failure"}
	case f.Drop:
		e.DropNext(f.Action, f.N)
	case f.Code == "":
		return http.StatusBadRequest, adminError{"faults needs code (or drop: true)"}
	default:
		e.FailNext(f.Action, f.Code, f.N)
	}
	return http.StatusOK, adminOK{OK: true}
}

func decodeAdmin(r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("decoding request body: %w", err)
	}
	return nil
}
