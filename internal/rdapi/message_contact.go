package rdapi

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// Operation names (the x-acs-action header).
const (
	actionAdd              = "AddMessageContact"
	actionUpdate           = "UpdateMessageContact"
	actionGet              = "GetMessageContact"
	actionList             = "ListMessageContacts"
	actionDelete           = "DeleteMessageContact"
	actionDeletionStatus   = "GetMessageContactDeletionStatus"
	actionSendEmail        = "SendEmailVerificationForMessageContact"
	actionSendPhone        = "SendPhoneVerificationForMessageContact"
	actionAssociate        = "AssociateMembers"
	actionDisassociate     = "DisassociateMembers"
	actionCancelUpdate     = "CancelMessageContactUpdate"
	actionListVerification = "ListMessageContactVerifications"
)

// requestIDReply is the reply of operations that return only RequestId.
type requestIDReply struct {
	RequestID string `json:"RequestId"`
}

// errNoContactID is returned, without a network call, when an operation
// that needs a contact ID gets "".
func errNoContactID(action string) error {
	return fmt.Errorf("%s: a contact ID is required", action)
}

// write runs a mutating call under the client's write semaphore. Whatever
// the outcome (a failed call may have been committed), the contact it
// addressed, or for an Add the set of contacts, is marked written in the
// client's snapshot.
//
// A write that ends because ctx did (an interrupt, a timeout) while the API
// certainly had not applied it (it waited for its turn, or every attempt
// that was sent got a definite refusal) fails with an error that satisfies
// IsNotApplied, so that the caller can say nothing was changed.
//
// The write takes its turn under the pace before its slot, so that a write
// waiting for the quota of its action never holds the slot that a write of
// another action could use (at -parallelism=30 the Adds, waiting for their
// quota with the slot, held up the verification sends behind them).
func write[T any](ctx context.Context, c *Client, x *exchange, params url.Values) (_ *T, err error) {
	if err := c.pacer.wait(ctx, x.action); err != nil {
		return nil, &notAppliedError{fmt.Errorf("%s: waiting for its turn under the API quota: %w", x.action, err)}
	}
	release, err := c.acquireWrite(ctx)
	if err != nil {
		return nil, &notAppliedError{fmt.Errorf("%s: %w", x.action, err)}
	}
	defer release()
	defer func() {
		var unbound []string
		if err == nil {
			unbound = x.unbinds
		}
		c.snapshot.touch(params.Get("ContactId"), unbound)
	}()
	x.turnTaken = true
	v, err := send[T](ctx, c, x, params)
	if err != nil && ctx.Err() != nil && !x.ambiguous {
		err = &notAppliedError{err}
	}
	return v, err
}

// notAppliedError marks a write cut short by its context before the API
// could have applied it.
type notAppliedError struct{ err error }

func (e *notAppliedError) Error() string { return e.err.Error() }
func (e *notAppliedError) Unwrap() error { return e.err }

// IsNotApplied reports whether err is a write that ended with its context
// (an interrupt or a timeout) while the API certainly had not applied it.
// A write that fails for that reason without satisfying IsNotApplied may
// have been applied.
func IsNotApplied(err error) bool {
	_, ok := errors.AsType[*notAppliedError](err)
	return ok
}

// AddMessageContact creates a contact. Its email address and phone number
// stay pending until verified (see SendEmailVerificationForMessageContact).
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-addmessagecontact
//
// The API has no ClientToken. When an attempt fails after the request may
// have reached the server (a lost reply, a reset, a timeout, a 5xx, the
// context ending mid-flight) and the call then fails (a retry refused with
// InvalidParameter.Name.AlreadyUsed, retries exhausted, the context ended),
// the client looks the name up and returns the holder, with Recovered set,
// only when the evidence shows it is the contact this call created (see
// judgeHolder). A holder that is certainly someone else's leaves the error
// as it is (matching IsCode CodeNameAlreadyUsed when a retry said so); one
// that cannot be decided gives an *AmbiguousCreateError naming it.
func (c *Client) AddMessageContact(ctx context.Context, in AddMessageContactInput) (*AddMessageContactOutput, error) {
	q := url.Values{}
	q.Set("Name", in.Name)
	q.Set("EmailAddress", in.EmailAddress)
	setIf(q, "PhoneNumber", in.PhoneNumber)
	q.Set("Title", in.Title)
	flatten(q, "MessageTypes", in.MessageTypes)

	x := &exchange{action: actionAdd, timed: true}
	r, err := write[addReply](ctx, c, x, q)
	switch {
	case err == nil:
	case IsCode(err, CodeNameAlreadyUsed) && x.ambiguous:
		return c.resolveAmbiguousAdd(ctx, in, x, err, true)
	case x.ambiguous && !rejectsInput(err):
		return c.resolveAmbiguousAdd(ctx, in, x, err, false)
	default:
		return nil, err
	}
	if r.Contact.ContactID == "" {
		return nil, fmt.Errorf("%s: reply has no Contact.ContactId (RequestId %q)", actionAdd, r.RequestID)
	}
	c.adoptions.learnZone(r.Contact.CreateDate, x.dates)
	c.adoptions.handOut(r.Contact.ContactID)
	return &AddMessageContactOutput{RequestID: r.RequestID, ContactID: r.Contact.ContactID, CreateDate: r.Contact.CreateDate}, nil
}

// rejectsInput reports an API error about the request's parameters: every
// attempt of the call sent the same parameters, so none was committed.
func rejectsInput(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && (strings.HasPrefix(e.Code, "InvalidParameter") || strings.HasPrefix(e.Code, "MissingParameter"))
}

// addReply is the reply of AddMessageContact.
type addReply struct {
	RequestID string `json:"RequestId"`
	Contact   struct {
		ContactID  string `json:"ContactId"`
		CreateDate string `json:"CreateDate"`
	} `json:"Contact"`
}

// UpdateMessageContact changes the fields set in in; nil fields are not
// sent. MessageTypes, when sent, replaces the whole list. A new email
// address or phone number stays pending until verified.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-updatemessagecontact
func (c *Client) UpdateMessageContact(ctx context.Context, in UpdateMessageContactInput) error {
	if in.ContactID == "" {
		return errNoContactID(actionUpdate)
	}
	q := url.Values{}
	q.Set("ContactId", in.ContactID)
	for name, v := range map[string]*string{
		"Name":         in.Name,
		"EmailAddress": in.EmailAddress,
		"PhoneNumber":  in.PhoneNumber,
		"Title":        in.Title,
	} {
		if v != nil {
			q.Set(name, *v)
		}
	}
	flatten(q, "MessageTypes", in.MessageTypes)
	_, err := write[requestIDReply](ctx, c, &exchange{action: actionUpdate}, q)
	return err
}

// GetMessageContact reads one contact. A missing contact is an error that
// satisfies IsNotFound.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-getmessagecontact
func (c *Client) GetMessageContact(ctx context.Context, contactID string) (*MessageContact, error) {
	if contactID == "" {
		return nil, errNoContactID(actionGet)
	}
	q := url.Values{}
	q.Set("ContactId", contactID)
	r, err := call[getReply](ctx, c, actionGet, q)
	if err != nil {
		return nil, err
	}
	if r.Contact == nil || r.Contact.ContactID == "" {
		return nil, fmt.Errorf("%s: reply has no Contact (RequestId %q)", actionGet, r.RequestID)
	}
	return r.Contact, nil
}

// getReply is the reply of GetMessageContact.
type getReply struct {
	RequestID string          `json:"RequestId"`
	Contact   *MessageContact `json:"Contact"`
}

// ListMessageContacts yields the contacts matching in, fetching pages of
// in.PageSize (default DefaultPageSize) as the caller ranges. Stop ranging
// to stop fetching; an error is yielded once, last.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-listmessagecontacts
func (c *Client) ListMessageContacts(ctx context.Context, in ListMessageContactsInput) iter.Seq2[MessageContact, error] {
	q := url.Values{}
	setIf(q, "ContactId", in.ContactID)
	setIf(q, "Member", in.Member)
	return paginate(ctx, c, actionList, q, in.PageSize, in.ahead,
		func(r *struct {
			pageReply
			Contacts []MessageContact `json:"Contacts"`
		}) (pageReply, []MessageContact) {
			if in.replies != nil {
				in.replies(r.Contacts)
			}
			return r.pageReply, r.Contacts
		},
		func(mc MessageContact) string { return mc.ContactID })
}

// DeleteMessageContact deletes a contact. With RetainContactInMembers false
// the deletion may be asynchronous (Status Deleting): poll
// GetMessageContactDeletionStatus until it reports not found.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-deletemessagecontact
//
// When an attempt failed after reaching the server and the retry then
// reports EntityNotExists.Contact, the first attempt deleted the contact:
// the call succeeds with Status Deleted.
func (c *Client) DeleteMessageContact(ctx context.Context, in DeleteMessageContactInput) (*DeleteMessageContactOutput, error) {
	if in.ContactID == "" {
		return nil, errNoContactID(actionDelete)
	}
	q := url.Values{}
	q.Set("ContactId", in.ContactID)
	if in.RetainContactInMembers != nil {
		q.Set("RetainContactInMembers", strconv.FormatBool(*in.RetainContactInMembers))
	}
	x := &exchange{action: actionDelete}
	r, err := write[struct {
		RequestID string `json:"RequestId"`
		Status    string `json:"Status"`
	}](ctx, c, x, q)
	switch {
	case err == nil:
		return &DeleteMessageContactOutput{RequestID: r.RequestID, Status: r.Status}, nil
	case x.ambiguous && x.attempt > 1 && IsCode(err, CodeContactNotFound):
		apiErr, _ := errors.AsType[*APIError](err)
		return &DeleteMessageContactOutput{RequestID: apiErr.RequestID, Status: DeletionStatusDeleted}, nil
	default:
		return nil, err
	}
}

// GetMessageContactDeletionStatus reports an asynchronous deletion:
// Deleting, or Failed with the member accounts that could not be cleaned
// up. Once the deletion has finished the contact is gone and the error
// satisfies IsNotFound.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-getmessagecontactdeletionstatus
func (c *Client) GetMessageContactDeletionStatus(ctx context.Context, contactID string) (*ContactDeletionStatus, error) {
	if contactID == "" {
		return nil, errNoContactID(actionDeletionStatus)
	}
	q := url.Values{}
	q.Set("ContactId", contactID)
	r, err := call[struct {
		RequestID string `json:"RequestId"`
		Status    *struct {
			ContactID      string `json:"ContactId"`
			Status         string `json:"Status"`
			FailReasonList []struct {
				AccountID    string   `json:"AccountId"`
				MessageTypes []string `json:"MessageTypes"`
			} `json:"FailReasonList"`
		} `json:"ContactDeletionStatus"`
	}](ctx, c, actionDeletionStatus, q)
	if err != nil {
		return nil, err
	}
	if r.Status == nil {
		return nil, fmt.Errorf("%s: reply has no ContactDeletionStatus (RequestId %q)", actionDeletionStatus, r.RequestID)
	}
	st := &ContactDeletionStatus{ContactID: r.Status.ContactID, Status: r.Status.Status}
	if st.ContactID == "" {
		st.ContactID = contactID
	}
	for _, f := range r.Status.FailReasonList {
		st.FailReasons = append(st.FailReasons, DeletionFailReason{AccountID: f.AccountID, MessageTypes: f.MessageTypes})
	}
	return st, nil
}

// SendEmailVerificationForMessageContact sends a verification message to
// emailAddress, which must be the contact's pending address; otherwise the
// error matches IsCode(err, CodeVerificationNotFound). The daily limit
// per account shows as CodeSendLimit.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-sendemailverificationformessagecontact
func (c *Client) SendEmailVerificationForMessageContact(ctx context.Context, contactID, emailAddress string) error {
	return c.sendVerification(ctx, actionSendEmail, contactID, "EmailAddress", emailAddress)
}

// SendPhoneVerificationForMessageContact sends a verification SMS to
// phoneNumber ("86-<number>"), which must be the contact's pending number;
// errors as for SendEmailVerificationForMessageContact.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-sendphoneverificationformessagecontact
func (c *Client) SendPhoneVerificationForMessageContact(ctx context.Context, contactID, phoneNumber string) error {
	return c.sendVerification(ctx, actionSendPhone, contactID, "PhoneNumber", phoneNumber)
}

func (c *Client) sendVerification(ctx context.Context, action, contactID, param, target string) error {
	if contactID == "" {
		return errNoContactID(action)
	}
	q := url.Values{}
	q.Set("ContactId", contactID)
	q.Set(param, target)
	_, err := write[requestIDReply](ctx, c, &exchange{action: action}, q)
	return err
}

// AssociateMembers binds the contact to up to five objects: the resource
// directory root (rd-…), folders (fd-…) or member account IDs.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-associatemembers
func (c *Client) AssociateMembers(ctx context.Context, contactID string, members []string) error {
	return c.bindMembers(ctx, actionAssociate, contactID, members)
}

// DisassociateMembers unbinds the contact from up to five objects.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-disassociatemembers
func (c *Client) DisassociateMembers(ctx context.Context, contactID string, members []string) error {
	return c.bindMembers(ctx, actionDisassociate, contactID, members)
}

func (c *Client) bindMembers(ctx context.Context, action, contactID string, members []string) error {
	if contactID == "" {
		return errNoContactID(action)
	}
	if len(members) == 0 {
		return fmt.Errorf("%s: at least one member is required", action)
	}
	q := url.Values{}
	q.Set("ContactId", contactID)
	flatten(q, "Members", members)
	// The reply lists the bindings (ContactId, MemberId, ModifyDate); a read
	// shows them as the contact's Members, so the client keeps only success.
	x := &exchange{action: action}
	if action == actionDisassociate {
		x.unbinds = members
	}
	_, err := write[requestIDReply](ctx, c, x, q)
	return err
}

// CancelMessageContactUpdate drops the pending email address and/or phone
// number named in in; the contact keeps its last verified values. Nothing
// pending is reported as CodeStatusMismatch.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-cancelmessagecontactupdate
//
// When an attempt failed after reaching the server and the retry reports
// ContactStatusMismatchAction, the client checks
// ListMessageContactVerifications: if none of the targets is pending any
// more, the first attempt did the work and the call succeeds.
func (c *Client) CancelMessageContactUpdate(ctx context.Context, in CancelMessageContactUpdateInput) error {
	if in.ContactID == "" {
		return errNoContactID(actionCancelUpdate)
	}
	q := url.Values{}
	q.Set("ContactId", in.ContactID)
	setIf(q, "EmailAddress", in.EmailAddress)
	setIf(q, "PhoneNumber", in.PhoneNumber)
	x := &exchange{action: actionCancelUpdate}
	_, err := write[requestIDReply](ctx, c, x, q)
	if err == nil || !x.ambiguous || x.attempt < 2 || !IsCode(err, CodeStatusMismatch) {
		return err
	}
	for v, listErr := range c.ListMessageContactVerifications(ctx, in.ContactID) {
		if listErr != nil {
			return errors.Join(err, fmt.Errorf("%s: checking whether an earlier attempt succeeded: %w", actionCancelUpdate, listErr))
		}
		if (in.EmailAddress != "" && strings.EqualFold(v.Target, in.EmailAddress)) ||
			(in.PhoneNumber != "" && v.Target == in.PhoneNumber) {
			return err
		}
	}
	return nil
}

// ListMessageContactVerifications yields the contact's email address and
// phone number that still await verification. Tell them apart by the "@"
// of an email address.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-listmessagecontactverifications
func (c *Client) ListMessageContactVerifications(ctx context.Context, contactID string) iter.Seq2[ContactVerification, error] {
	if contactID == "" {
		return func(yield func(ContactVerification, error) bool) {
			yield(ContactVerification{}, errNoContactID(actionListVerification))
		}
	}
	return c.listVerifications(ctx, contactID, 0)
}

// listVerifications yields the pending targets of contactID, or with ""
// those of every contact of the account, in pages of size (0: the
// client's default).
func (c *Client) listVerifications(ctx context.Context, contactID string, size int) iter.Seq2[ContactVerification, error] {
	q := url.Values{}
	setIf(q, "ContactId", contactID)
	return paginate(ctx, c, actionListVerification, q, size, 0,
		func(r *struct {
			pageReply
			ContactVerifications []ContactVerification `json:"ContactVerifications"`
		}) (pageReply, []ContactVerification) {
			return r.pageReply, r.ContactVerifications
		},
		func(v ContactVerification) string { return v.ContactID + "\x00" + v.Target })
}
