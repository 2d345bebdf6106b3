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
	// awaiting verification; "" when none is.
	PendingEmailAddress string
	PendingPhoneNumber  string
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
	for cv, err := range c.ListMessageContactVerifications(ctx, mc.ContactID) {
		if err != nil {
			return nil, fmt.Errorf("listing pending verifications of %s: %w", mc.ContactID, err)
		}
		// The record does not say which channel a target is; only an email
		// address contains "@".
		if strings.Contains(cv.Target, "@") {
			if v.PendingEmailAddress == "" {
				v.PendingEmailAddress = cv.Target
			}
		} else if v.PendingPhoneNumber == "" {
			v.PendingPhoneNumber = cv.Target
		}
	}
	return v, nil
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
