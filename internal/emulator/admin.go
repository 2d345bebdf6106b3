package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// adminPrefix is where the non-API admin endpoints live. They need no
// signature and speak plain JSON.
const adminPrefix = "/_emulator/"

// The bodies of the admin endpoints are exported, so that a client of them
// (internal/harness) is written against these types: a change of the admin
// API is a compile error there, not a 400 at run time.

// AdminState is the body of GET /_emulator/state.
type AdminState struct {
	Directory Directory `json:"directory"`
	Contacts  []Contact `json:"contacts"`
	Settings  Settings  `json:"settings"`
}

// AdminFaults is the body of POST /_emulator/faults. Exactly one form is
// used per request: {action, code, n}, {action, drop: true, n} or
// {deletion_failure}. The random error rate is a setting.
type AdminFaults struct {
	Action          string        `json:"action"`
	Code            string        `json:"code"`
	N               int           `json:"n"`
	Drop            bool          `json:"drop"`
	DeletionFailure *[]FailReason `json:"deletion_failure"`
}

// AdminVerify is the body of POST /_emulator/verify; contact_id may be
// omitted when target is pending on one contact only.
type AdminVerify struct {
	ContactID string `json:"contact_id"`
	Target    string `json:"target"`
}

// AdminAccount is the body of the account endpoints: POST
// /_emulator/accounts (add: account_id, name, folder_id), accounts/move
// (account_id, folder_id) and accounts/remove (account_id).
type AdminAccount struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	FolderID  string `json:"folder_id"`
}

// AdminError is the body of every admin answer that is not 2xx.
type AdminError struct {
	Error string `json:"error"`
}

// AdminOK is the body of a successful POST that has nothing else to say
// (reset, faults).
type AdminOK struct {
	OK bool `json:"ok"`
}

func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	status, body := e.admin(r)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// adminRoute is one admin endpoint: a method and the path after adminPrefix.
type adminRoute struct{ method, name string }

// adminRoutes are every admin endpoint.
var adminRoutes = map[adminRoute]func(e *Emulator, r *http.Request) (int, any){
	{http.MethodGet, "state"}: func(e *Emulator, _ *http.Request) (int, any) {
		return http.StatusOK, AdminState{Directory: e.Directory(), Contacts: e.Contacts(), Settings: e.Settings()}
	},
	{http.MethodGet, "stats"}: func(e *Emulator, _ *http.Request) (int, any) {
		return http.StatusOK, e.Stats()
	},
	{http.MethodGet, "settings"}: func(e *Emulator, _ *http.Request) (int, any) {
		return http.StatusOK, e.Settings()
	},
	{http.MethodPost, "settings"}: func(e *Emulator, r *http.Request) (int, any) {
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
		if err != nil {
			return http.StatusBadRequest, AdminError{err.Error()}
		}
		// The body names the settings to change; the others stay.
		if err := e.update(func(s *Settings) error { return json.Unmarshal(body, s) }); err != nil {
			return http.StatusBadRequest, AdminError{err.Error()}
		}
		return http.StatusOK, e.Settings()
	},
	{http.MethodPost, "reset"}: func(e *Emulator, _ *http.Request) (int, any) {
		if err := e.reset(); err != nil {
			return http.StatusInternalServerError, AdminError{err.Error()}
		}
		return http.StatusOK, AdminOK{OK: true}
	},
	{http.MethodPost, "verify"}: func(e *Emulator, r *http.Request) (int, any) {
		var v AdminVerify
		if err := decodeAdmin(r, &v); err != nil {
			return http.StatusBadRequest, AdminError{err.Error()}
		}
		c, err := e.verify(v.ContactID, v.Target)
		if err != nil {
			status := http.StatusInternalServerError
			switch {
			case errors.Is(err, ErrContactNotFound):
				status = http.StatusNotFound
			case errors.Is(err, ErrNotPending), errors.Is(err, ErrAmbiguousTarget):
				status = http.StatusConflict
			}
			return status, AdminError{err.Error()}
		}
		return http.StatusOK, c
	},
	{http.MethodPost, "accounts"}: func(e *Emulator, r *http.Request) (int, any) {
		return e.adminAccountChange(r, func(a AdminAccount) error {
			return e.AddAccount(Account{ID: a.AccountID, Name: a.Name, FolderID: a.FolderID})
		})
	},
	{http.MethodPost, "accounts/move"}: func(e *Emulator, r *http.Request) (int, any) {
		return e.adminAccountChange(r, func(a AdminAccount) error { return e.MoveAccount(a.AccountID, a.FolderID) })
	},
	{http.MethodPost, "accounts/remove"}: func(e *Emulator, r *http.Request) (int, any) {
		return e.adminAccountChange(r, func(a AdminAccount) error { return e.RemoveAccount(a.AccountID) })
	},
	{http.MethodPost, "faults"}: func(e *Emulator, r *http.Request) (int, any) {
		var f AdminFaults
		if err := decodeAdmin(r, &f); err != nil {
			return http.StatusBadRequest, AdminError{err.Error()}
		}
		return e.adminFault(f)
	},
}

// AdminEndpoints lists every admin endpoint as "METHOD name" (the path
// after /_emulator/), sorted: what a client of the admin API must cover.
func AdminEndpoints() []string {
	out := make([]string, 0, len(adminRoutes))
	for r := range adminRoutes {
		out = append(out, r.method+" "+r.name)
	}
	slices.Sort(out)
	return out
}

func (e *Emulator) admin(r *http.Request) (int, any) {
	handle, ok := adminRoutes[adminRoute{r.Method, strings.TrimPrefix(r.URL.Path, adminPrefix)}]
	if !ok {
		return http.StatusNotFound, AdminError{fmt.Sprintf("no admin endpoint %s %s", r.Method, r.URL.Path)}
	}
	return handle(e, r)
}

func (e *Emulator) adminFault(f AdminFaults) (int, any) {
	switch {
	case f.DeletionFailure != nil:
		e.FailNextDeletion(*f.DeletionFailure)
	case f.Action == "" || f.N <= 0:
		return http.StatusBadRequest, AdminError{"faults needs action and n > 0, or deletion_failure (the random error rate is the setting server_error_rate)"}
	case f.Drop:
		e.DropNext(f.Action, f.N)
	case f.Code == "":
		return http.StatusBadRequest, AdminError{"faults needs code (or drop: true)"}
	default:
		e.FailNext(f.Action, f.Code, f.N)
	}
	return http.StatusOK, AdminOK{OK: true}
}

// adminAccountChange applies one account endpoint's change and answers the
// directory after it.
func (e *Emulator) adminAccountChange(r *http.Request, change func(AdminAccount) error) (int, any) {
	var a AdminAccount
	if err := decodeAdmin(r, &a); err != nil {
		return http.StatusBadRequest, AdminError{err.Error()}
	}
	if err := change(a); err != nil {
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, ErrNotInDirectory):
			status = http.StatusNotFound
		case errors.Is(err, ErrAccountExists):
			status = http.StatusConflict
		}
		return status, AdminError{err.Error()}
	}
	return http.StatusOK, e.Directory()
}

func decodeAdmin(r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("decoding request body: %w", err)
	}
	return nil
}
