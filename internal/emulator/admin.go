package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

// AdminContactChange is the body of POST /_emulator/contacts/update: the
// contact (its ID or its name) and the arguments to change, as a colleague
// would in the console (UpdateMessageContact: a new email address or phone
// number waits for verification; an empty phone_number removes the phone).
type AdminContactChange struct {
	Contact      string   `json:"contact"`
	Name         string   `json:"name"`
	EmailAddress string   `json:"email_address"`
	PhoneNumber  *string  `json:"phone_number"`
	Title        string   `json:"title"`
	MessageTypes []string `json:"message_types"`
}

// AdminContactMembers is the body of POST /_emulator/contacts/bind and
// contacts/unbind; contacts/delete reads contact only.
type AdminContactMembers struct {
	Contact   string   `json:"contact"`
	MemberIDs []string `json:"member_ids"`
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
	{http.MethodPost, "contacts/update"}: func(e *Emulator, r *http.Request) (int, any) {
		var ch AdminContactChange
		if err := decodeAdmin(r, &ch); err != nil {
			return http.StatusBadRequest, AdminError{err.Error()}
		}
		p := url.Values{}
		for name, v := range map[string]string{"Name": ch.Name, "EmailAddress": ch.EmailAddress, "Title": ch.Title} {
			if v != "" {
				p.Set(name, v)
			}
		}
		if ch.PhoneNumber != nil {
			p.Set("PhoneNumber", *ch.PhoneNumber)
		}
		setList(p, "MessageTypes", ch.MessageTypes)
		return e.outOfBand("UpdateMessageContact", ch.Contact, p)
	},
	{http.MethodPost, "contacts/delete"}: func(e *Emulator, r *http.Request) (int, any) {
		var m AdminContactMembers
		if err := decodeAdmin(r, &m); err != nil || m.MemberIDs != nil {
			return http.StatusBadRequest, AdminError{fmt.Sprintf("contacts/delete takes {\"contact\": ID or name} (%v)", err)}
		}
		// Retaining the contact in the members' settings deletes it at once.
		return e.outOfBand("DeleteMessageContact", m.Contact, url.Values{"RetainContactInMembers": {"true"}})
	},
	{http.MethodPost, "contacts/bind"}: func(e *Emulator, r *http.Request) (int, any) {
		return e.adminMembers(r, "AssociateMembers")
	},
	{http.MethodPost, "contacts/unbind"}: func(e *Emulator, r *http.Request) (int, any) {
		return e.adminMembers(r, "DisassociateMembers")
	},
	{http.MethodPost, "sends/reset"}: func(e *Emulator, _ *http.Request) (int, any) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.store.sends = map[string]int{}
		if err := e.persist(); err != nil {
			return http.StatusInternalServerError, AdminError{err.Error()}
		}
		return http.StatusOK, AdminOK{OK: true}
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

// adminMembers binds or unbinds, as action, the members of the body.
func (e *Emulator) adminMembers(r *http.Request, action string) (int, any) {
	var m AdminContactMembers
	if err := decodeAdmin(r, &m); err != nil {
		return http.StatusBadRequest, AdminError{err.Error()}
	}
	p := url.Values{}
	setList(p, "Members", m.MemberIDs)
	return e.outOfBand(action, m.Contact, p)
}

// outOfBand runs the API operation action on the contact ref (an ID or a
// name) with params, as someone else's client would: the same checks and
// effects, and the API's error code with its HTTP status when it refuses,
// but without the signature, faults, quotas, latency or statistics that
// apply to the clients under test. It answers the contact afterwards, or
// {"ok": true} when the operation removed it.
func (e *Emulator) outOfBand(action, ref string, params url.Values) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.store.advance(now, e.cfg.settings.AsyncDelete)
	id, ok := e.store.resolve(ref)
	if !ok {
		return http.StatusNotFound, AdminError{fmt.Sprintf("%v: no contact has the ID or name %q", ErrContactNotFound, ref)}
	}
	params.Set("ContactId", id)
	_, aerr := operations[action].handle(e, &call{action: action, params: params, requestID: e.store.newRequestID(), now: now})
	if aerr != nil {
		return aerr.code.status(), AdminError{aerr.Error()}
	}
	if err := e.persist(); err != nil {
		return http.StatusInternalServerError, AdminError{err.Error()}
	}
	c, ok := e.store.contacts[id]
	if !ok {
		return http.StatusOK, AdminOK{OK: true}
	}
	return http.StatusOK, c.snapshot()
}

// setList sets the API's list parameter name.1 … name.N to values.
func setList(p url.Values, name string, values []string) {
	for i, v := range values {
		p.Set(name+"."+strconv.Itoa(i+1), v)
	}
}
