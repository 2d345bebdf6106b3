package emulator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
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

// TargetDisplay selects how ListMessageContactVerifications shows the
// targets awaiting verification. The API reference's examples show them
// masked; whether the API masks them is not documented (see the fidelity
// contract).
type TargetDisplay int

const (
	// TargetsFull shows each target as submitted (the default).
	TargetsFull TargetDisplay = iota
	// TargetsMasked shows them as the reference's examples do:
	// someone***@example.com, 86-139****1234 (maskTarget).
	TargetsMasked
)

var targetDisplays = enum[TargetDisplay]{"verification targets", []string{"full", "masked"}}

// String returns "full" or "masked".
func (d TargetDisplay) String() string { return targetDisplays.name(d) }

// MarshalText returns String.
func (d TargetDisplay) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "full" or "masked".
func (d *TargetDisplay) UnmarshalText(b []byte) error { return targetDisplays.parse(d, b) }

// RetainedDeletion selects how DeleteMessageContact with
// RetainContactInMembers=true deletes. The contract infers that it deletes
// at once (Status Deleted), since nothing is removed from the members; the
// docs do not say (see the fidelity contract).
type RetainedDeletion int

const (
	// RetainedSync removes the contact at once and answers Deleted (the
	// default).
	RetainedSync RetainedDeletion = iota
	// RetainedAsync answers Deleting and deletes as a deletion with
	// RetainContactInMembers=false does (Settings.AsyncDelete), except that
	// it cannot fail: it removes the contact from no member.
	RetainedAsync
)

var retainedDeletions = enum[RetainedDeletion]{"retained deletion", []string{"sync", "async"}}

// String returns "sync" or "async".
func (d RetainedDeletion) String() string { return retainedDeletions.name(d) }

// MarshalText returns String.
func (d RetainedDeletion) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "sync" or "async".
func (d *RetainedDeletion) UnmarshalText(b []byte) error { return retainedDeletions.parse(d, b) }

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

// DateZone is the time zone the API's dates (CreateDate, AssociatedDate,
// ModifyDate) are written in, as minutes east of UTC. The dates carry no
// zone and the documentation does not name one; see the fidelity contract.
// Its text form is "+08:00", "+00:00", "-05:30"; the zero value is UTC.
type DateZone int

// ChinaTime is UTC+8, the zone the documentation's examples suggest and
// the default.
const ChinaTime DateZone = 8 * 60

// String returns the zone as ±hh:mm.
func (z DateZone) String() string {
	sign, m := "+", int(z)
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%02d:%02d", sign, m/60, m%60)
}

// MarshalText returns String.
func (z DateZone) MarshalText() ([]byte, error) { return []byte(z.String()), nil }

// UnmarshalText parses ±hh:mm (or "Z" for UTC): a real zone's offset, from
// -12:00 to +14:00 in quarter hours.
func (z *DateZone) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "Z" {
		*z = 0
		return nil
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return fmt.Errorf("date zone %q: want an offset like +08:00 or -05:30", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[4:6])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m >= 60 || m%15 != 0 {
		return fmt.Errorf("date zone %q: want an offset like +08:00 or -05:30, minutes in quarter hours", s)
	}
	off := h*60 + m
	if s[0] == '-' {
		off = -off
	}
	if off < -12*60 || off > 14*60 {
		return fmt.Errorf("date zone %q: real offsets lie between -12:00 and +14:00", s)
	}
	*z = DateZone(off)
	return nil
}

func (z DateZone) location() *time.Location {
	return time.FixedZone("UTC"+z.String(), int(z)*60)
}

// ActionSet is a set of API action names, written as a comma-separated
// list ("ListAccounts,AssociateMembers"); the empty set is "". Its text
// form is sorted, so equal sets compare equal.
type ActionSet string

// Has reports whether action is in the set.
func (s ActionSet) Has(action string) bool {
	return s != "" && slices.Contains(strings.Split(string(s), ","), action)
}

// MarshalText returns the comma-separated list.
func (s ActionSet) MarshalText() ([]byte, error) { return []byte(s), nil }

// UnmarshalText parses a comma-separated list of actions the emulator
// serves; spaces around names are ignored.
func (s *ActionSet) UnmarshalText(b []byte) error {
	var names []string
	for n := range strings.SplitSeq(string(b), ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, ok := operations[n]; !ok {
			return fmt.Errorf("unknown action %q (known: %s)", n, strings.Join(Actions(), ", "))
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	*s = ActionSet(strings.Join(names, ","))
	return nil
}

// DenialCode is the error a call to a denied action (Settings.DenyActions)
// answers with.
type DenialCode int

const (
	// DenyNoPermission answers 403 NoPermission with an AccessDeniedDetail
	// naming the RAM action: a RAM identity whose policies do not allow it
	// (the default).
	DenyNoPermission DenialCode = iota
	// DenyForbiddenRAM answers 403 Forbidden.RAM, the older gateways' RAM
	// denial, which names no action.
	DenyForbiddenRAM
	// DenyMemberAccount answers 409
	// NoPermission.ResourceDirectory.MemberAccount: the caller is a member
	// account, neither the management account nor a delegated
	// administrator.
	DenyMemberAccount
)

var denialCodes = enum[DenialCode]{"denial code", []string{string(codeNoPermission), string(codeForbiddenRAM), string(codeMemberAccountDenied)}}

// String returns the error code.
func (d DenialCode) String() string { return denialCodes.name(d) }

// MarshalText returns String.
func (d DenialCode) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses an error code String returns.
func (d *DenialCode) UnmarshalText(b []byte) error { return denialCodes.parse(d, b) }

func (d DenialCode) code() code { return code(d.String()) }
