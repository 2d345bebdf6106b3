package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// Admin is a client of an emulator's /_emulator/ endpoints, in process or
// not. Its requests and replies are the emulator's own types, so a change
// of the admin API is a compile error here; TestAdmin_coversEveryEndpoint
// holds it to every endpoint the emulator serves (emulator.AdminEndpoints).
// An endpoint added to the emulator gets one method here, one line each.
type Admin struct {
	base string
	http *http.Client
}

// NewAdmin returns a client of the admin API of the emulator at url.
func NewAdmin(url string) *Admin {
	return &Admin{base: strings.TrimSuffix(url, "/") + "/_emulator/", http: &http.Client{Timeout: 30 * time.Second}}
}

// AdminError is an admin answer that is not 2xx.
type AdminError struct {
	Endpoint   string // e.g. "POST verify"
	StatusCode int
	Message    string // the emulator's error
}

func (e *AdminError) Error() string {
	return fmt.Sprintf("emulator admin %s: HTTP %d: %s", e.Endpoint, e.StatusCode, e.Message)
}

// State returns the directory, every contact (with what the API does not
// show) and the settings.
func (a *Admin) State(ctx context.Context) (emulator.AdminState, error) {
	return call[emulator.AdminState](ctx, a, http.MethodGet, "state", nil)
}

// Stats returns the call counters.
func (a *Admin) Stats(ctx context.Context) (emulator.Stats, error) {
	return call[emulator.Stats](ctx, a, http.MethodGet, "stats", nil)
}

// Settings returns the current settings.
func (a *Admin) Settings(ctx context.Context) (emulator.Settings, error) {
	return call[emulator.Settings](ctx, a, http.MethodGet, "settings", nil)
}

// Apply changes the settings as emulator.Emulator.Apply does: change edits
// a copy of the current settings, and the emulator gets the settings it
// changed (a patch). It returns the settings now in force.
func (a *Admin) Apply(ctx context.Context, change func(*emulator.Settings)) (emulator.Settings, error) {
	cur, err := a.Settings(ctx)
	if err != nil {
		return cur, err
	}
	want := cur
	change(&want)
	patch, err := changedSettings(cur, want)
	if err != nil {
		return cur, err
	}
	return call[emulator.Settings](ctx, a, http.MethodPost, "settings", patch)
}

// Reset drops every contact, fault and counter; the settings stay, except
// the random error rate.
func (a *Admin) Reset(ctx context.Context) error {
	_, err := call[emulator.AdminOK](ctx, a, http.MethodPost, "reset", nil)
	return err
}

// Verify completes the verification of target (an email address or phone
// number) as if its recipient had followed the link; contactID may be ""
// when target is pending on one contact only. It returns the contact.
func (a *Admin) Verify(ctx context.Context, contactID, target string) (emulator.Contact, error) {
	return call[emulator.Contact](ctx, a, http.MethodPost, "verify", emulator.AdminVerify{ContactID: contactID, Target: target})
}

// AddAccount adds a member account to the directory, out of band (as
// someone in the console would), and returns the directory after it.
func (a *Admin) AddAccount(ctx context.Context, acc emulator.Account) (emulator.Directory, error) {
	return call[emulator.Directory](ctx, a, http.MethodPost, "accounts",
		emulator.AdminAccount{AccountID: acc.ID, Name: acc.Name, FolderID: acc.FolderID})
}

// MoveAccount moves a member account to another folder (or the root
// folder) and returns the directory after it.
func (a *Admin) MoveAccount(ctx context.Context, accountID, folderID string) (emulator.Directory, error) {
	return call[emulator.Directory](ctx, a, http.MethodPost, "accounts/move", emulator.AdminAccount{AccountID: accountID, FolderID: folderID})
}

// RemoveAccount removes a member account from the directory and returns the
// directory after it.
func (a *Admin) RemoveAccount(ctx context.Context, accountID string) (emulator.Directory, error) {
	return call[emulator.Directory](ctx, a, http.MethodPost, "accounts/remove", emulator.AdminAccount{AccountID: accountID})
}

// UpdateContact changes a contact's arguments out of band, as a colleague
// in the console would (ch.Contact is its ID or name; a new email address
// or phone number waits for verification), and returns the contact.
func (a *Admin) UpdateContact(ctx context.Context, ch emulator.AdminContactChange) (emulator.Contact, error) {
	return call[emulator.Contact](ctx, a, http.MethodPost, "contacts/update", ch)
}

// BindContact binds a contact (ID or name) to members out of band and
// returns the contact.
func (a *Admin) BindContact(ctx context.Context, contact string, members ...string) (emulator.Contact, error) {
	return call[emulator.Contact](ctx, a, http.MethodPost, "contacts/bind", emulator.AdminContactMembers{Contact: contact, MemberIDs: members})
}

// UnbindContact unbinds a contact (ID or name) from members out of band and
// returns the contact.
func (a *Admin) UnbindContact(ctx context.Context, contact string, members ...string) (emulator.Contact, error) {
	return call[emulator.Contact](ctx, a, http.MethodPost, "contacts/unbind", emulator.AdminContactMembers{Contact: contact, MemberIDs: members})
}

// DeleteContact deletes a contact (ID or name) out of band, at once.
func (a *Admin) DeleteContact(ctx context.Context, contact string) error {
	_, err := call[emulator.AdminOK](ctx, a, http.MethodPost, "contacts/delete", emulator.AdminContactMembers{Contact: contact})
	return err
}

// ResetSends starts the day's count of verification messages afresh.
func (a *Admin) ResetSends(ctx context.Context) error {
	_, err := call[emulator.AdminOK](ctx, a, http.MethodPost, "sends/reset", nil)
	return err
}

// FailNext makes the next n calls of action fail with the API error code.
func (a *Admin) FailNext(ctx context.Context, action, code string, n int) error {
	return a.faults(ctx, emulator.AdminFaults{Action: action, Code: code, N: n})
}

// DropNext makes the emulator close the connection of the next n calls of
// action after carrying them out, without a reply.
func (a *Admin) DropNext(ctx context.Context, action string, n int) error {
	return a.faults(ctx, emulator.AdminFaults{Action: action, Drop: true, N: n})
}

// FailNextDeletion makes the next asynchronous deletion fail with reasons.
func (a *Admin) FailNextDeletion(ctx context.Context, reasons []emulator.FailReason) error {
	return a.faults(ctx, emulator.AdminFaults{DeletionFailure: &reasons})
}

func (a *Admin) faults(ctx context.Context, f emulator.AdminFaults) error {
	_, err := call[emulator.AdminOK](ctx, a, http.MethodPost, "faults", f)
	return err
}

// call sends one admin request, with in as its JSON body unless nil, and
// decodes the reply into a T.
func call[T any](ctx context.Context, a *Admin, method, name string, in any) (T, error) {
	var out T
	endpoint := method + " " + name
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return out, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+name, body)
	if err != nil {
		return out, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return out, fmt.Errorf("emulator admin %s: %w", endpoint, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return out, fmt.Errorf("emulator admin %s: %w", endpoint, err)
	}
	if resp.StatusCode/100 != 2 {
		var e emulator.AdminError
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = string(bytes.TrimSpace(b))
		}
		return out, &AdminError{Endpoint: endpoint, StatusCode: resp.StatusCode, Message: e.Error}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("emulator admin %s: decoding the reply: %w", endpoint, err)
	}
	return out, nil
}
