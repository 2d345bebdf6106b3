package emulator

import (
	"fmt"
	"strings"
)

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

var readModes = enum[ReadMode]{"read mode", []string{"submitted", "verified"}}

// String returns "submitted" or "verified".
func (m ReadMode) String() string { return readModes.name(m) }

// MarshalText returns String.
func (m ReadMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses "submitted" or "verified".
func (m *ReadMode) UnmarshalText(b []byte) error { return readModes.parse(m, b) }

// LockScope selects what a mutating call locks while it runs.
type LockScope int

const (
	// LockPerAccount makes every mutating call exclusive within the account
	// (the default): a second concurrent mutation of any contact conflicts.
	LockPerAccount LockScope = iota
	// LockPerContact makes mutations exclusive per contact only.
	LockPerContact
)

var lockScopes = enum[LockScope]{"lock scope", []string{"account", "contact"}}

// String returns "account" or "contact".
func (s LockScope) String() string { return lockScopes.name(s) }

// MarshalText returns String.
func (s LockScope) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses "account" or "contact".
func (s *LockScope) UnmarshalText(b []byte) error { return lockScopes.parse(s, b) }

// MessageTypesOrder selects the order of MessageTypes in Get and List
// replies. The API documentation does not say; see the fidelity contract.
type MessageTypesOrder int

const (
	// MessageTypesSubmitted returns the types in the order last submitted
	// (repeats collapsed, first occurrence kept). This is the default.
	MessageTypesSubmitted MessageTypesOrder = iota
	// MessageTypesSorted returns the types sorted alphabetically.
	MessageTypesSorted
)

var messageTypesOrders = enum[MessageTypesOrder]{"message types order", []string{"submitted", "sorted"}}

// String returns "submitted" or "sorted".
func (o MessageTypesOrder) String() string { return messageTypesOrders.name(o) }

// MarshalText returns String.
func (o MessageTypesOrder) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText parses "submitted" or "sorted".
func (o *MessageTypesOrder) UnmarshalText(b []byte) error { return messageTypesOrders.parse(o, b) }

// enum is the text form of a small enumeration: names[i] names value i.
type enum[T ~int] struct {
	what  string
	names []string
}

func (e enum[T]) name(v T) string {
	if int(v) >= 0 && int(v) < len(e.names) {
		return e.names[v]
	}
	return fmt.Sprintf("%s(%d)", strings.ReplaceAll(e.what, " ", "-"), int(v))
}

func (e enum[T]) parse(dst *T, b []byte) error {
	for i, n := range e.names {
		if strings.EqualFold(n, string(b)) {
			*dst = T(i)
			return nil
		}
	}
	return fmt.Errorf("%s %q: want %s", e.what, b, strings.Join(e.names, " or "))
}
