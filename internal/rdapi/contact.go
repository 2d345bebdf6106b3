package rdapi

import (
	"context"
	"fmt"
	"strings"
)

// Contact is a message contact as a reader sees it: the API's record plus
// the targets still awaiting verification, which only
// ListMessageContactVerifications reveals.
type Contact struct {
	MessageContact
	// PendingEmailAddress and PendingPhoneNumber are the targets still
	// awaiting verification; "" when none is. A target the API showed
	// masked is the value it could show, when one is known (see
	// setPending), and otherwise the masked text itself.
	PendingEmailAddress string
	PendingPhoneNumber  string
	// PendingEmailMask and PendingPhoneMask are the targets as the API
	// showed them when it masked them ("" when it did not): the caller may
	// resolve them with values it knows better (ResolveMasked).
	PendingEmailMask string
	PendingPhoneMask string
}

// LatestEmailAddress is the address last submitted: the pending target if
// there is one (by definition the latest submitted value), else what the API
// reports. This is right whether the API echoes the submitted or the last
// verified value while a change is pending (the emulator's read modes).
func (c *Contact) LatestEmailAddress() string {
	if c.PendingEmailAddress != "" {
		return c.PendingEmailAddress
	}
	return c.EmailAddress
}

// LatestPhoneNumber is LatestEmailAddress for the phone number.
func (c *Contact) LatestPhoneNumber() string {
	if c.PendingPhoneNumber != "" {
		return c.PendingPhoneNumber
	}
	return c.PhoneNumber
}

// ReadContact reads one contact and its pending verification targets. A
// missing contact is an error that satisfies IsNotFound.
func (c *Client) ReadContact(ctx context.Context, contactID string) (*Contact, error) {
	mc, err := c.GetMessageContact(ctx, contactID)
	if err != nil {
		return nil, err
	}
	return c.WithPending(ctx, *mc)
}

// WithPending completes mc (from GetMessageContact or ListMessageContacts)
// with its pending verification targets. Only a contact that is not Active
// can have any, so an Active contact costs no call.
func (c *Client) WithPending(ctx context.Context, mc MessageContact) (*Contact, error) {
	v := &Contact{MessageContact: mc}
	if mc.Status == StatusActive {
		return v, nil
	}
	var targets []string
	for cv, err := range c.ListMessageContactVerifications(ctx, mc.ContactID) {
		if err != nil {
			return nil, fmt.Errorf("listing pending verifications of %s: %w", mc.ContactID, err)
		}
		targets = append(targets, cv.Target)
	}
	v.setPending(targets)
	return v, nil
}

// setPending sets the pending targets of v from the targets
// ListMessageContactVerifications listed for it: the one rule, for single
// reads and snapshots alike.
//   - The record does not say which channel a target is; only an email
//     address contains "@". The first of each kind counts.
//   - A masked target (the API reference's examples show
//     someone***@example.com and 86-139****1234) is not a value to write
//     to state or send a verification to. It is kept in Pending*Mask and
//     resolved to the contact's own value when that fits it: under the
//     API's likely behaviour (Get and List show the submitted value) that
//     value is the pending target. Otherwise it stays masked, for the
//     caller to resolve with what it knows (ResolveMasked).
func (v *Contact) setPending(targets []string) {
	for _, t := range targets {
		email := strings.Contains(t, "@")
		pending, mask, own := &v.PendingPhoneNumber, &v.PendingPhoneMask, v.PhoneNumber
		if email {
			pending, mask, own = &v.PendingEmailAddress, &v.PendingEmailMask, v.EmailAddress
		}
		if *pending != "" {
			continue
		}
		*pending = t
		if IsMasked(t) {
			*mask = t
			if r := ResolveMasked(t, own); r != "" {
				*pending = r
			}
		}
	}
}

// IsMasked reports whether target is masked, as the API reference's
// examples show targets: a run of "*" stands for hidden characters (no
// email address or phone number the API accepts contains "*").
func IsMasked(target string) bool { return strings.Contains(target, "*") }

// ResolveMasked returns the first of candidates that masked could show:
// the text before its run of "*" begins the candidate and the text after
// ends it (letter case aside, as email addresses compare), with at least
// as many characters hidden as a phone number's stars count. It returns ""
// when none fits, and masked itself when it is not masked.
func ResolveMasked(masked string, candidates ...string) string {
	if !IsMasked(masked) {
		return masked
	}
	i := strings.IndexByte(masked, '*')
	j := strings.LastIndexByte(masked, '*') + 1
	prefix, suffix := strings.ToLower(masked[:i]), strings.ToLower(masked[j:])
	hidden := 0
	if !strings.Contains(masked, "@") {
		hidden = j - i // a phone number hides one digit per "*"
	}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if c != "" && len(c) >= len(prefix)+len(suffix)+hidden && strings.HasPrefix(lc, prefix) && strings.HasSuffix(lc, suffix) &&
			(hidden == 0 || len(c) == len(prefix)+len(suffix)+hidden) {
			return c
		}
	}
	return ""
}

// FindContactByName pages through the contacts for the one named name
// (names are unique within a resource directory). It returns nil, nil when
// none is.
func (c *Client) FindContactByName(ctx context.Context, name string) (*MessageContact, error) {
	for mc, err := range c.ListMessageContacts(ctx, ListMessageContactsInput{}) {
		if err != nil {
			return nil, err
		}
		if mc.Name == name {
			return &mc, nil
		}
	}
	return nil, nil
}
