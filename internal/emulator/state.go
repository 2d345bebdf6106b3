package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// WithStateFile makes the emulator keep its contacts, bindings and daily
// send counts in the JSON file at path, so that they survive a restart: the
// file is loaded at start if it exists, and rewritten atomically (a
// temporary file in the same folder, renamed over it) whenever the state
// changed. Settings, faults, counters and remembered nonces are not kept.
// New panics, and Open returns an error, if the file cannot be read; an API
// call whose change cannot be written answers 500 InternalError (the change
// stays in memory).
func WithStateFile(path string) Option {
	return func(c *config) { c.stateFile = path }
}

// Open is New for options that can fail at run time, such as
// WithStateFile: it returns the error instead of panicking.
func Open(opts ...Option) (*Emulator, error) { return build(opts) }

// stateFormat is the version of the state file's layout.
const stateFormat = 1

// savedState is the content of a state file.
type savedState struct {
	Format   int            `json:"format"`
	Contacts []savedContact `json:"contacts"`
	// SendsPerDay counts verification messages per UTC+8 day (2006-01-02).
	SendsPerDay map[string]int `json:"sends_per_day"`
}

type savedContact struct {
	ID                  string         `json:"contact_id"`
	Name                string         `json:"name"`
	Title               string         `json:"title"`
	MessageTypes        []string       `json:"message_types"`
	Email               string         `json:"email_address,omitempty"`
	Phone               string         `json:"phone_number,omitempty"`
	PendingEmail        string         `json:"pending_email_address,omitempty"`
	PendingPhone        string         `json:"pending_phone_number,omitempty"`
	Bindings            []savedBinding `json:"bindings"`
	Created             time.Time      `json:"create_date"`
	EmailSends          int            `json:"email_verifications_sent"`
	PhoneSends          int            `json:"phone_verifications_sent"`
	Deleting            bool           `json:"deleting,omitempty"`
	DeleteStarted       time.Time      `json:"delete_started,omitzero"`
	DeleteFailWith      []FailReason   `json:"delete_fail_with,omitempty"`
	LastDeletionFailure []FailReason   `json:"last_deletion_failure,omitempty"`
}

type savedBinding struct {
	MemberID string    `json:"member_id"`
	Bound    time.Time `json:"bound_date"`
}

func (s *store) save() savedState {
	out := savedState{Format: stateFormat, Contacts: []savedContact{}, SendsPerDay: s.sends}
	for _, c := range s.order {
		sc := savedContact{
			ID: c.id, Name: c.name, Title: c.title, MessageTypes: c.messageTypes,
			Email: c.email, Phone: c.phone, PendingEmail: c.pendingEmail, PendingPhone: c.pendingPhone,
			Bindings: []savedBinding{}, Created: c.created, EmailSends: c.emailSends, PhoneSends: c.phoneSends,
			Deleting: c.deleting, DeleteStarted: c.deleteStarted, DeleteFailWith: c.deleteFailWith,
			LastDeletionFailure: c.lastFailure,
		}
		for _, b := range c.bindings {
			sc.Bindings = append(sc.Bindings, savedBinding{MemberID: b.id, Bound: b.at})
		}
		out.Contacts = append(out.Contacts, sc)
	}
	return out
}

func (s *store) restore(st savedState) error {
	if st.Format != stateFormat {
		return fmt.Errorf("format %d: this emulator reads format %d", st.Format, stateFormat)
	}
	s.reset()
	for _, sc := range st.Contacts {
		if !contactIDPattern.MatchString(sc.ID) {
			return fmt.Errorf("contact_id %q is not a contact ID", sc.ID)
		}
		if _, dup := s.contacts[sc.ID]; dup {
			return fmt.Errorf("contact_id %q appears twice", sc.ID)
		}
		c := &contact{
			id: sc.ID, name: sc.Name, title: sc.Title, messageTypes: sc.MessageTypes,
			email: sc.Email, phone: sc.Phone, pendingEmail: sc.PendingEmail, pendingPhone: sc.PendingPhone,
			created: sc.Created, emailSends: sc.EmailSends, phoneSends: sc.PhoneSends,
			deleting: sc.Deleting, deleteStarted: sc.DeleteStarted, deleteFailWith: sc.DeleteFailWith,
			lastFailure: sc.LastDeletionFailure,
		}
		for _, b := range sc.Bindings {
			c.bindings = append(c.bindings, binding{id: b.MemberID, at: b.Bound})
		}
		s.contacts[c.id] = c
		s.order = append(s.order, c)
	}
	for day, n := range st.SendsPerDay {
		s.sends[day] = n
	}
	return nil
}

// stateKeeper writes the state file when the state changed.
type stateKeeper struct {
	path    string
	written []byte // the file's content as last read or written
}

// loadState restores the store from the state file, if there is one. It
// runs before the emulator serves.
func (e *Emulator) loadState() error {
	k := e.keeper
	b, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the state file: %w", err)
	}
	var st savedState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("state file %s: %w (remove it to start empty)", k.path, err)
	}
	if err := e.store.restore(st); err != nil {
		return fmt.Errorf("state file %s: %w (remove it to start empty)", k.path, err)
	}
	k.written = b
	return nil
}

// persist writes the state file if the state changed since it was last
// written. It runs with e.mu held.
func (e *Emulator) persist() error {
	k := e.keeper
	if k == nil {
		return nil
	}
	b, err := json.MarshalIndent(e.store.save(), "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if bytes.Equal(b, k.written) {
		return nil
	}
	if err := writeAtomically(k.path, b); err != nil {
		return fmt.Errorf("writing the state file: %w", err)
	}
	k.written = b
	return nil
}

// writeAtomically replaces path with b: a reader sees the old content or
// the new, never a part.
func writeAtomically(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
