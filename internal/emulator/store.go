package emulator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Contact statuses (Data model in the fidelity contract, doc.go).
const (
	statusVerifying = "Verifying"
	statusActive    = "Active"
	statusDeleting  = "Deleting"
	statusDeleted   = "Deleted"
	statusFailed    = "Failed"
)

// dateLayout is the API's "yyyy-MM-dd HH:mm:ss"; the emulator renders it in
// Settings.CreateDateZone, UTC+8 by default (an assumption, see the package
// doc), with Settings.apiDate.
const dateLayout = "2006-01-02 15:04:05"

// chinaTime is the zone of the daily send limit's calendar day.
var chinaTime = time.FixedZone("UTC+8", 8*60*60)

// Contact is a snapshot of one contact, including what the API does not
// show: the verified and pending email address and phone number.
type Contact struct {
	ID           string    `json:"contact_id"`
	Name         string    `json:"name"`
	Title        string    `json:"title"`
	MessageTypes []string  `json:"message_types"`
	Email        string    `json:"email_address"` // verified; "" if never verified
	Phone        string    `json:"phone_number"`  // verified; "" if never verified or none
	PendingEmail string    `json:"pending_email_address"`
	PendingPhone string    `json:"pending_phone_number"`
	Members      []string  `json:"members"`
	Status       string    `json:"status"`
	CreateDate   time.Time `json:"create_date"`
	// EmailVerificationsSent and PhoneVerificationsSent count successful
	// Send*VerificationForMessageContact calls for this contact.
	EmailVerificationsSent int `json:"email_verifications_sent"`
	PhoneVerificationsSent int `json:"phone_verifications_sent"`
	// LastDeletionFailure is the FailReasonList of the last failed
	// asynchronous deletion, if any.
	LastDeletionFailure []FailReason `json:"last_deletion_failure,omitempty"`
}

// FailReason is one entry of GetMessageContactDeletionStatus's
// FailReasonList: a member account whose clean-up failed.
type FailReason struct {
	AccountID    string   `json:"account_id"`
	MessageTypes []string `json:"message_types"`
}

type binding struct {
	id string
	at time.Time
}

// contact is the stored form of a contact.
type contact struct {
	id, name, title            string
	messageTypes               []string
	email, phone               string // verified
	pendingEmail, pendingPhone string
	bindings                   []binding
	created                    time.Time
	emailSends, phoneSends     int

	deleting       bool
	deleteStarted  time.Time
	deleteFailWith []FailReason // non-nil: the running deletion will fail
	lastFailure    []FailReason // the last failed deletion's reasons
}

func (c *contact) status() string {
	switch {
	case c.deleting:
		return statusDeleting
	case c.pendingEmail != "" || c.pendingPhone != "":
		return statusVerifying
	default:
		return statusActive
	}
}

func (c *contact) memberIDs() []string {
	ids := make([]string, 0, len(c.bindings))
	for _, b := range c.bindings {
		ids = append(ids, b.id)
	}
	return ids
}

func (c *contact) binding(id string) (binding, bool) {
	for _, b := range c.bindings {
		if b.id == id {
			return b, true
		}
	}
	return binding{}, false
}

// wire renders the contact as Get/List return it under the settings.
func (c *contact) wire(s Settings) wireContact {
	mode := s.ReadMode
	types := slices.Clone(c.messageTypes)
	if s.MessageTypesOrder == MessageTypesSorted {
		slices.Sort(types)
	}
	email, phone := c.pendingEmail, c.pendingPhone
	if email == "" || (mode == ReadVerified && c.email != "") {
		email = c.email
	}
	if phone == "" || (mode == ReadVerified && c.phone != "") {
		phone = c.phone
	}
	return wireContact{
		ContactID:    c.id,
		Name:         c.name,
		EmailAddress: email,
		PhoneNumber:  phone,
		Title:        c.title,
		MessageTypes: types,
		Members:      c.memberIDs(),
		Status:       c.status(),
		CreateDate:   s.apiDate(c.created),
	}
}

func (c *contact) snapshot() Contact {
	return Contact{
		ID:                     c.id,
		Name:                   c.name,
		Title:                  c.title,
		MessageTypes:           slices.Clone(c.messageTypes),
		Email:                  c.email,
		Phone:                  c.phone,
		PendingEmail:           c.pendingEmail,
		PendingPhone:           c.pendingPhone,
		Members:                c.memberIDs(),
		Status:                 c.status(),
		CreateDate:             c.created,
		EmailVerificationsSent: c.emailSends,
		PhoneVerificationsSent: c.phoneSends,
		LastDeletionFailure:    cloneReasons(c.lastFailure),
	}
}

func cloneReasons(in []FailReason) []FailReason {
	if in == nil {
		return nil
	}
	out := make([]FailReason, len(in))
	for i, r := range in {
		out[i] = FailReason{AccountID: r.AccountID, MessageTypes: slices.Clone(r.MessageTypes)}
	}
	return out
}

// store is the emulator's state. It knows nothing about HTTP; every method
// runs with Emulator.mu held.
type store struct {
	contacts map[string]*contact
	order    []*contact // creation order
	// sends counts verification messages per UTC+8 calendar day.
	sends map[string]int
	// failNextDeletion is armed by FailNextDeletion.
	failNextDeletion []FailReason
	rng              *rand.Rand
}

func newStore(seed uint64) *store {
	return &store{
		contacts: map[string]*contact{},
		sends:    map[string]int{},
		rng:      rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15)),
	}
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *store) newContactID() string {
	for {
		b := make([]byte, 16)
		for i := range b {
			b[i] = idAlphabet[s.rng.IntN(len(idAlphabet))]
		}
		id := "c-" + string(b)
		if _, taken := s.contacts[id]; !taken {
			return id
		}
	}
}

// newRequestID returns an uppercase UUID (version 4 layout).
func (s *store) newRequestID() string {
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 36)
	for i := range b {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
		case 14:
			b[i] = '4'
		case 19:
			b[i] = hexDigits[8+s.rng.IntN(4)]
		default:
			b[i] = hexDigits[s.rng.IntN(16)]
		}
	}
	return string(b)
}

// add stores a new contact whose email and phone wait for verification.
func (s *store) add(name, title string, messageTypes []string, email, phone string, now time.Time) *contact {
	c := &contact{
		id:           s.newContactID(),
		name:         name,
		title:        title,
		messageTypes: messageTypes,
		pendingEmail: email,
		pendingPhone: phone,
		created:      now,
	}
	s.contacts[c.id] = c
	s.order = append(s.order, c)
	return c
}

// contactChange is what one UpdateMessageContact call changes: empty
// strings and an unsent MessageTypes leave a field as it is.
type contactChange struct {
	name, title, email, phone string
	messageTypes              []string
	messageTypesSent          bool
	removePhone               bool // drop the phone, verified and pending
}

func (s *store) update(c *contact, ch contactChange) {
	if ch.name != "" {
		c.name = ch.name
	}
	if ch.title != "" {
		c.title = ch.title
	}
	if ch.messageTypesSent {
		c.messageTypes = ch.messageTypes
	}
	if ch.email != "" {
		c.email, c.pendingEmail = submitTarget(c.email, c.pendingEmail, ch.email)
	}
	switch {
	case ch.removePhone:
		c.phone, c.pendingPhone = "", ""
	case ch.phone != "":
		c.phone, c.pendingPhone = submitTarget(c.phone, c.pendingPhone, ch.phone)
	}
}

// submitTarget applies a submitted email or phone: the verified value clears
// any pending change, the pending value is a no-op, anything else becomes
// the new pending value.
func submitTarget(verified, pending, submitted string) (string, string) {
	switch submitted {
	case verified:
		return verified, ""
	case pending:
		return verified, pending
	default:
		return verified, submitted
	}
}

// verify makes target, pending on contact id, its verified value.
func (s *store) verify(id, target string) error {
	c, ok := s.contacts[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrContactNotFound, id)
	}
	switch {
	case target != "" && target == c.pendingEmail:
		c.email, c.pendingEmail = target, ""
	case target != "" && target == c.pendingPhone:
		c.phone, c.pendingPhone = target, ""
	default:
		return fmt.Errorf("%w: %q on %s", ErrNotPending, target, id)
	}
	return nil
}

// pendingOn returns the IDs of the contacts on which target is pending, in
// creation order.
func (s *store) pendingOn(target string) []string {
	var ids []string
	for _, c := range s.order {
		if target != "" && (c.pendingEmail == target || c.pendingPhone == target) {
			ids = append(ids, c.id)
		}
	}
	return ids
}

// cancelPending drops the pending email and/or phone.
func (s *store) cancelPending(c *contact, email, phone bool) {
	if email {
		c.pendingEmail = ""
	}
	if phone {
		c.pendingPhone = ""
	}
}

// send counts one verification message, unless the account has sent
// dailyLimit (if positive) on now's UTC+8 day already.
func (s *store) send(c *contact, isEmail bool, now time.Time, dailyLimit int) bool {
	day := now.In(chinaTime).Format(time.DateOnly)
	if dailyLimit > 0 && s.sends[day] >= dailyLimit {
		return false
	}
	for d := range s.sends {
		if d != day {
			delete(s.sends, d) // a past day's count limits nothing any more
		}
	}
	s.sends[day]++
	if isEmail {
		c.emailSends++
	} else {
		c.phoneSends++
	}
	return true
}

// bind binds c to members (already bound ones keep their time) and returns
// the bindings of members.
func (s *store) bind(c *contact, members []string, now time.Time) []binding {
	out := make([]binding, 0, len(members))
	for _, m := range members {
		b, ok := c.binding(m)
		if !ok {
			b = binding{id: m, at: now}
			c.bindings = append(c.bindings, b)
		}
		out = append(out, b)
	}
	return out
}

func (s *store) unbind(c *contact, members []string) {
	c.bindings = slices.DeleteFunc(c.bindings, func(b binding) bool { return slices.Contains(members, b.id) })
}

// startDeletion starts an asynchronous deletion. One that removes the
// contact from its members (purge) is armed to fail if armDeletionFailure
// was called; one that keeps it there cannot fail.
func (s *store) startDeletion(c *contact, now time.Time, purge bool) {
	c.deleting = true
	c.deleteStarted = now
	c.lastFailure = nil
	c.deleteFailWith = nil
	if purge {
		c.deleteFailWith = s.failNextDeletion
		s.failNextDeletion = nil
	}
}

// armDeletionFailure makes the next asynchronous deletion fail with reasons.
func (s *store) armDeletionFailure(reasons []FailReason) {
	if reasons == nil {
		reasons = []FailReason{}
	}
	s.failNextDeletion = cloneReasons(reasons)
}

func (s *store) remove(id string) {
	delete(s.contacts, id)
	s.order = slices.DeleteFunc(s.order, func(c *contact) bool { return c.id == id })
}

// resolve finds a contact by its ID or, failing that, its name.
func (s *store) resolve(ref string) (string, bool) {
	if _, ok := s.contacts[ref]; ok {
		return ref, true
	}
	for _, c := range s.order {
		if ref != "" && c.name == ref {
			return c.id, true
		}
	}
	return "", false
}

func (s *store) nameTaken(name, exceptID string) bool {
	for _, c := range s.order {
		if c.name == name && c.id != exceptID {
			return true
		}
	}
	return false
}

// advance completes asynchronous deletions whose time has come.
func (s *store) advance(now time.Time, asyncDelete time.Duration) {
	if asyncDelete <= 0 {
		return // zero-delay deletions complete when first observed
	}
	for _, c := range slices.Clone(s.order) {
		if c.deleting && !now.Before(c.deleteStarted.Add(asyncDelete)) {
			s.finishDeletion(c)
		}
	}
}

// observed is called after a read has reported c; with a zero async delay
// that first observation completes the deletion.
func (s *store) observed(c *contact, asyncDelete time.Duration) {
	if c.deleting && asyncDelete <= 0 {
		s.finishDeletion(c)
	}
}

func (s *store) finishDeletion(c *contact) {
	if c.deleteFailWith != nil {
		c.deleting = false
		c.lastFailure = c.deleteFailWith
		c.deleteFailWith = nil
		return
	}
	s.remove(c.id)
}

func (s *store) reset() {
	s.contacts = map[string]*contact{}
	s.order = nil
	s.sends = map[string]int{}
	s.failNextDeletion = nil
}
