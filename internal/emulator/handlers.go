package emulator

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// call is one authenticated API request as the operation handlers see it.
type call struct {
	action    string
	params    url.Values
	requestID string
	now       time.Time
}

// operation describes one API action.
type operation struct {
	mutating bool
	handle   func(e *Emulator, c *call) (any, *apiError)
}

// operations are the twelve message contact operations and the four tree
// reads (Protocol in the fidelity contract, doc.go).
var operations = map[string]operation{
	"AddMessageContact":                      {mutating: true, handle: (*Emulator).addMessageContact},
	"UpdateMessageContact":                   {mutating: true, handle: (*Emulator).updateMessageContact},
	"GetMessageContact":                      {handle: (*Emulator).getMessageContact},
	"ListMessageContacts":                    {handle: (*Emulator).listMessageContacts},
	"DeleteMessageContact":                   {mutating: true, handle: (*Emulator).deleteMessageContact},
	"GetMessageContactDeletionStatus":        {handle: (*Emulator).getMessageContactDeletionStatus},
	"SendEmailVerificationForMessageContact": {mutating: true, handle: (*Emulator).sendEmailVerification},
	"SendPhoneVerificationForMessageContact": {mutating: true, handle: (*Emulator).sendPhoneVerification},
	"AssociateMembers":                       {mutating: true, handle: (*Emulator).associateMembers},
	"DisassociateMembers":                    {mutating: true, handle: (*Emulator).disassociateMembers},
	"CancelMessageContactUpdate":             {mutating: true, handle: (*Emulator).cancelMessageContactUpdate},
	"ListMessageContactVerifications":        {handle: (*Emulator).listMessageContactVerifications},
	// The directory's tree (tree.go).
	"GetResourceDirectory": {handle: (*Emulator).getResourceDirectory},
	"ListAccounts":         {handle: (*Emulator).listAccounts},
	"ListFoldersForParent": {handle: (*Emulator).listFoldersForParent},
	"ListAncestors":        {handle: (*Emulator).listAncestors},
}

// The handlers below run with e.mu held. They validate a call and read the
// store; every change goes through a store method.

// existing finds a contact for any operation; hidden reports whether a
// read-after-create delay still hides it from Get and List.
func (e *Emulator) existing(id string, now time.Time) (c *contact, hidden bool, aerr *apiError) {
	c, ok := e.store.contacts[id]
	if !ok {
		return nil, false, fail(codeContactNotFound)
	}
	return c, now.Before(c.created.Add(e.cfg.settings.ReadAfterCreateDelay)), nil
}

// mutable finds a contact that a mutating call may change.
func (e *Emulator) mutable(id string, now time.Time) (*contact, *apiError) {
	c, _, aerr := e.existing(id, now)
	if aerr != nil {
		return nil, aerr
	}
	if c.deleting {
		return nil, failf(codeStatusMismatch, "The contact is being deleted.")
	}
	return c, nil
}

// contactParams are the string parameters of Add and Update, in the order
// they are checked: a validator, and the code Add answers without one
// (empty for optional ones).
var contactParams = []struct {
	name     string
	validate func(string) *apiError
	missing  code
}{
	{"Name", validateName, codeMissingName},
	{"EmailAddress", validateEmail, codeMissingEmail},
	{"PhoneNumber", validatePhone, ""},
	{"Title", validateTitle, codeMissingTitle},
}

// contactValues reads and validates contactParams; with required (Add),
// an absent or empty required one is an error.
func contactValues(p url.Values, required bool) (map[string]string, *apiError) {
	vals := make(map[string]string, len(contactParams))
	for _, cp := range contactParams {
		v, _ := lookup(p, cp.name)
		if v == "" {
			if required && cp.missing != "" {
				return nil, fail(cp.missing)
			}
			continue
		}
		if aerr := cp.validate(v); aerr != nil {
			return nil, aerr
		}
		vals[cp.name] = v
	}
	return vals, nil
}

func (e *Emulator) addMessageContact(c *call) (any, *apiError) {
	p := c.params
	vals, aerr := contactValues(p, true)
	if aerr != nil {
		return nil, aerr
	}
	types, present, aerr := messageTypesParam(p)
	if aerr != nil {
		return nil, aerr
	}
	if !present {
		return nil, fail(codeMissingMessageTypes)
	}
	if e.store.nameTaken(vals["Name"], "") {
		return nil, fail(codeNameAlreadyUsed)
	}
	ct := e.store.add(vals["Name"], vals["Title"], types, vals["EmailAddress"], vals["PhoneNumber"], c.now)
	out := addContactResponse{RequestID: c.requestID}
	out.Contact.ContactID = ct.id
	out.Contact.CreateDate = e.cfg.settings.apiDate(ct.created)
	return out, nil
}

func (e *Emulator) updateMessageContact(c *call) (any, *apiError) {
	p := c.params
	id, aerr := contactIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	vals, aerr := contactValues(p, false)
	if aerr != nil {
		return nil, aerr
	}
	name, email, phone, title := vals["Name"], vals["EmailAddress"], vals["PhoneNumber"], vals["Title"]
	_, phoneSent := lookup(p, "PhoneNumber")
	types, typesSent, aerr := messageTypesParam(p)
	if aerr != nil {
		return nil, aerr
	}
	ct, aerr := e.mutable(id, c.now)
	if aerr != nil {
		return nil, aerr
	}
	if name != "" && e.store.nameTaken(name, id) {
		return nil, fail(codeNameAlreadyUsed)
	}
	e.store.update(ct, contactChange{
		name: name, title: title, email: email, phone: phone,
		messageTypes: types, messageTypesSent: typesSent,
		// An explicitly empty PhoneNumber removes the phone (assumption).
		removePhone: phoneSent && phone == "",
	})
	return requestIDOnly{RequestID: c.requestID}, nil
}

func (e *Emulator) getMessageContact(c *call) (any, *apiError) {
	id, aerr := contactIDParam(c.params)
	if aerr != nil {
		return nil, aerr
	}
	ct, hidden, aerr := e.existing(id, c.now)
	if aerr != nil {
		return nil, aerr
	}
	if hidden {
		return nil, fail(codeContactNotFound)
	}
	out := getContactResponse{RequestID: c.requestID, Contact: ct.wire(e.cfg.settings)}
	e.store.observed(ct, e.cfg.settings.AsyncDelete)
	return out, nil
}

func (e *Emulator) listMessageContacts(c *call) (any, *apiError) {
	p := c.params
	number, size, aerr := pageParams(p)
	if aerr != nil {
		return nil, aerr
	}
	onlyID, _ := lookup(p, "ContactId")
	if onlyID != "" && !contactIDPattern.MatchString(onlyID) {
		return nil, fail(codeInvalidContactID)
	}
	member, _ := lookup(p, "Member")
	if member != "" {
		if !wellFormedMemberID(member) {
			return nil, fail(codeInvalidMemberFilter)
		}
		if !e.cfg.directory.contains(member) {
			return nil, fail(codeMemberNotFound)
		}
	}
	if onlyID != "" {
		if _, hidden, aerr := e.existing(onlyID, c.now); aerr != nil || hidden {
			return nil, fail(codeContactNotFound)
		}
	}
	var matched []*contact
	var rows []wireContact
	for _, ct := range e.store.order {
		if onlyID != "" && ct.id != onlyID {
			continue
		}
		if c.now.Before(ct.created.Add(e.cfg.settings.ReadAfterCreateDelay)) {
			continue
		}
		w := ct.wire(e.cfg.settings)
		if member != "" {
			b, ok := ct.binding(member)
			if !ok {
				continue
			}
			w.AssociatedDate = e.cfg.settings.apiDate(b.at)
		}
		matched = append(matched, ct)
		rows = append(rows, w)
	}
	out := listContactsResponse{
		RequestID:  c.requestID,
		TotalCount: len(rows),
		PageNumber: number,
		PageSize:   size,
		Contacts:   page(rows, number, size),
	}
	for _, ct := range page(matched, number, size) {
		e.store.observed(ct, e.cfg.settings.AsyncDelete)
	}
	return out, nil
}

func (e *Emulator) deleteMessageContact(c *call) (any, *apiError) {
	id, aerr := contactIDParam(c.params)
	if aerr != nil {
		return nil, aerr
	}
	retain := true
	if v, ok := lookup(c.params, "RetainContactInMembers"); ok && v != "" {
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return nil, fail(codeInvalidRetain)
		}
		retain = b
	}
	ct, _, aerr := e.existing(id, c.now)
	if aerr != nil {
		return nil, aerr
	}
	if ct.deleting {
		return deleteContactResponse{RequestID: c.requestID, Status: statusDeleting}, nil
	}
	if retain && e.cfg.settings.RetainedDeletion == RetainedSync {
		e.store.remove(id)
		return deleteContactResponse{RequestID: c.requestID, Status: statusDeleted}, nil
	}
	e.store.startDeletion(ct, c.now, !retain)
	return deleteContactResponse{RequestID: c.requestID, Status: statusDeleting}, nil
}

func (e *Emulator) getMessageContactDeletionStatus(c *call) (any, *apiError) {
	id, aerr := contactIDParam(c.params)
	if aerr != nil {
		return nil, aerr
	}
	ct, _, aerr := e.existing(id, c.now)
	if aerr != nil {
		return nil, aerr
	}
	out := deletionStatusResponse{RequestID: c.requestID}
	out.ContactDeletionStatus.ContactID = id
	out.ContactDeletionStatus.FailReasonList = []wireFailReason{}
	switch {
	case ct.deleting:
		out.ContactDeletionStatus.Status = statusDeleting
		e.store.observed(ct, e.cfg.settings.AsyncDelete)
	case ct.lastFailure != nil:
		out.ContactDeletionStatus.Status = statusFailed
		for _, r := range ct.lastFailure {
			out.ContactDeletionStatus.FailReasonList = append(out.ContactDeletionStatus.FailReasonList,
				wireFailReason{AccountID: r.AccountID, MessageTypes: slices.Clone(r.MessageTypes)})
		}
	default:
		// No deletion was ever started for this contact (assumption).
		return nil, failf(codeContactNotFound, "No deletion task exists for this contact.")
	}
	return out, nil
}

// sendVerification implements both Send*VerificationForMessageContact
// operations; isEmail selects the channel.
func (e *Emulator) sendVerification(c *call, isEmail bool) (any, *apiError) {
	id, aerr := contactIDParam(c.params)
	if aerr != nil {
		return nil, aerr
	}
	param, missing, validate := "PhoneNumber", codeMissingPhone, validatePhone
	if isEmail {
		param, missing, validate = "EmailAddress", codeMissingEmail, validateEmail
	}
	target, _ := lookup(c.params, param)
	if target == "" {
		return nil, fail(missing)
	}
	if aerr := validate(target); aerr != nil {
		return nil, aerr
	}
	ct, aerr := e.mutable(id, c.now)
	if aerr != nil {
		return nil, aerr
	}
	pending := ct.pendingPhone
	if isEmail {
		pending = ct.pendingEmail
	}
	if pending == "" || pending != target {
		return nil, fail(codeVerificationNotFound)
	}
	if !e.store.send(ct, isEmail, c.now, e.cfg.settings.DailySendLimit) {
		return nil, fail(codeSendLimit)
	}
	return requestIDOnly{RequestID: c.requestID}, nil
}

func (e *Emulator) sendEmailVerification(c *call) (any, *apiError) {
	return e.sendVerification(c, true)
}

func (e *Emulator) sendPhoneVerification(c *call) (any, *apiError) {
	return e.sendVerification(c, false)
}

// membersCall reads the contact and the members of Associate/Disassociate.
func (e *Emulator) membersCall(c *call) (*contact, []string, *apiError) {
	id, aerr := contactIDParam(c.params)
	if aerr != nil {
		return nil, nil, aerr
	}
	members, aerr := membersParam(c.params, e.cfg.directory)
	if aerr != nil {
		return nil, nil, aerr
	}
	ct, aerr := e.mutable(id, c.now)
	if aerr != nil {
		return nil, nil, aerr
	}
	return ct, members, nil
}

func (e *Emulator) associateMembers(c *call) (any, *apiError) {
	ct, members, aerr := e.membersCall(c)
	if aerr != nil {
		return nil, aerr
	}
	id := ct.id
	added := 0
	for _, m := range members {
		if _, ok := ct.binding(m); !ok {
			added++
		}
	}
	if limit := e.cfg.settings.MaxMembersPerContact; limit > 0 && len(ct.bindings)+added > limit {
		return nil, failf(codeContactMembersLimit, "A contact can be bound to at most %d objects.", limit)
	}
	out := membersResponse{RequestID: c.requestID, Members: []wireMemberBinding{}}
	for _, b := range e.store.bind(ct, members, c.now) {
		out.Members = append(out.Members, wireMemberBinding{ContactID: id, MemberID: b.id, ModifyDate: e.cfg.settings.apiDate(b.at)})
	}
	return out, nil
}

func (e *Emulator) disassociateMembers(c *call) (any, *apiError) {
	ct, members, aerr := e.membersCall(c)
	if aerr != nil {
		return nil, aerr
	}
	id := ct.id
	// Unbinding an object that is not bound succeeds without change
	// (assumption).
	e.store.unbind(ct, members)
	out := membersResponse{RequestID: c.requestID, Members: []wireMemberBinding{}}
	for _, m := range members {
		out.Members = append(out.Members, wireMemberBinding{ContactID: id, MemberID: m, ModifyDate: e.cfg.settings.apiDate(c.now)})
	}
	return out, nil
}

func (e *Emulator) cancelMessageContactUpdate(c *call) (any, *apiError) {
	id, aerr := contactIDParam(c.params)
	if aerr != nil {
		return nil, aerr
	}
	email, _ := lookup(c.params, "EmailAddress")
	if email != "" {
		if aerr := validateEmail(email); aerr != nil {
			return nil, aerr
		}
	}
	phone, _ := lookup(c.params, "PhoneNumber")
	if phone != "" {
		if aerr := validatePhone(phone); aerr != nil {
			return nil, aerr
		}
	}
	ct, aerr := e.mutable(id, c.now)
	if aerr != nil {
		return nil, aerr
	}
	if ct.pendingEmail == "" && ct.pendingPhone == "" {
		return nil, failf(codeStatusMismatch, "The contact has no pending change.")
	}
	dropEmail, dropPhone := email != "", phone != ""
	if !dropEmail && !dropPhone {
		dropEmail, dropPhone = ct.pendingEmail != "", ct.pendingPhone != ""
	}
	if dropEmail {
		if ct.pendingEmail == "" || (email != "" && ct.pendingEmail != email) {
			return nil, failf(codeStatusMismatch, "The email address is not waiting for verification.")
		}
		if ct.email == "" {
			return nil, failf(codeStatusMismatch, "The contact has no verified email address to fall back to.")
		}
	}
	if dropPhone && (ct.pendingPhone == "" || (phone != "" && ct.pendingPhone != phone)) {
		return nil, failf(codeStatusMismatch, "The phone number is not waiting for verification.")
	}
	e.store.cancelPending(ct, dropEmail, dropPhone)
	return requestIDOnly{RequestID: c.requestID}, nil
}

func (e *Emulator) listMessageContactVerifications(c *call) (any, *apiError) {
	number, size, aerr := pageParams(c.params)
	if aerr != nil {
		return nil, aerr
	}
	onlyID, _ := lookup(c.params, "ContactId")
	if onlyID != "" {
		if !contactIDPattern.MatchString(onlyID) {
			return nil, fail(codeInvalidContactID)
		}
		if _, _, aerr := e.existing(onlyID, c.now); aerr != nil {
			return nil, aerr
		}
	}
	var rows []wireVerification
	for _, ct := range e.store.order {
		if onlyID != "" && ct.id != onlyID {
			continue
		}
		masked := e.cfg.settings.VerificationTargets == TargetsMasked
		for _, target := range []string{ct.pendingEmail, ct.pendingPhone} {
			if target == "" {
				continue
			}
			if masked {
				target = maskTarget(target)
			}
			rows = append(rows, wireVerification{ContactID: ct.id, Target: target})
		}
	}
	return verificationsResponse{
		RequestID:            c.requestID,
		TotalCount:           len(rows),
		PageNumber:           number,
		PageSize:             size,
		ContactVerifications: page(rows, number, size),
	}, nil
}

// Actions returns the API actions the emulator serves, sorted.
func Actions() []string { return slices.Sorted(maps.Keys(operations)) }

// maskTarget masks an email address or phone number in the shape of the API
// reference's examples: the first half of an address's local part, then
// "***", then "@" and the domain ("someone***@example.com"); a phone
// number's country code and first three digits, a "*" for each hidden
// digit, and its last four ("86-139****1234").
func maskTarget(target string) string {
	if local, domain, ok := strings.Cut(target, "@"); ok {
		return local[:(len(local)+1)/2] + "***@" + domain
	}
	code, number, ok := strings.Cut(target, "-")
	if !ok || len(number) <= 7 {
		return target
	}
	return code + "-" + number[:3] + strings.Repeat("*", len(number)-7) + number[len(number)-4:]
}
