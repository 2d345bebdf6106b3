package rdapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Ambiguous creates.
//
// The API has no ClientToken, so when an AddMessageContact attempt fails
// after the request may have reached the server (a lost reply, a reset, a
// per-attempt timeout, a 5xx, the caller's context ending mid-flight), the
// client cannot know whether the contact was committed. Names are unique in
// the resource directory, so the contact, if it exists, is the one holding
// the name; but another configuration (or a person) may hold that name with
// the same attributes. The client therefore adopts the holder only on
// evidence (judgeHolder), and otherwise fails with an *AmbiguousCreateError
// that names the contact and says why it was not adopted. DESIGN.md states
// the rule and its failure modes.

const (
	// clockTolerance absorbs the difference between the clock that stamps
	// CreateDate and the one that writes the Date header (they may be
	// different machines) on top of both fields' one-second resolution.
	clockTolerance = 2 * time.Second
	// assumedDateZone is the time zone CreateDate is read in until a reply
	// shows the real one: the API's dates carry no zone and are believed to
	// be China time (UTC+8).
	assumedDateZone = 8 * time.Hour
	// recoveryGrace bounds the look-up after the caller's context has ended
	// (a create timeout or an interrupt while an Add was in flight).
	recoveryGrace = 15 * time.Second
	// createDateLayout is the API's "yyyy-MM-dd HH:mm:ss".
	createDateLayout = "2006-01-02 15:04:05"
)

// AmbiguousCreateError reports an AddMessageContact that may have created
// the contact while the evidence could not show that the contact holding
// the name is the one this call created. ContactID is the holder, or empty
// when none was visible.
type AmbiguousCreateError struct {
	Name      string
	ContactID string
	// Reason says why the holder was not adopted.
	Reason string
	// Err is the failure of the Add itself.
	Err error
}

func (e *AmbiguousCreateError) Error() string {
	if e.ContactID != "" {
		return fmt.Sprintf("%s: an attempt may have created contact %q, and contact %s now holds the name, but it was not "+
			"adopted: %s; last failure: %v", actionAdd, e.Name, e.ContactID, e.Reason, e.Err)
	}
	return fmt.Sprintf("%s: an attempt may have created contact %q, but %s; last failure: %v", actionAdd, e.Name, e.Reason, e.Err)
}

func (e *AmbiguousCreateError) Unwrap() error { return e.Err }

// serverClock is what the client knows about the server's clock and the
// time zone of its dates.
type serverClock struct {
	mu sync.Mutex
	// sample is the latest reply with a Date header.
	sample clockSample
	// zone is the offset of CreateDate from UTC, learnt from a successful
	// Add; zoneKnown is false until then (assumedDateZone applies).
	zone      time.Duration
	zoneKnown bool
	// created holds the IDs this client's Adds returned, so that a look-up
	// never hands one contact to two resources.
	created map[string]struct{}
}

// clockSample pairs a reply's Date header with the local (monotonic) time
// the reply arrived. The server wrote the header at a server time in
// [date, date+1s), before received.
type clockSample struct {
	date     time.Time
	received time.Time
}

func (s clockSample) ok() bool { return !s.date.IsZero() }

// serverTimeAtLeast is a lower bound of the server's clock at local time t
// (with a monotonic reading): the server wrote date no later than received.
func (s clockSample) serverTimeAtLeast(t time.Time) time.Time {
	return s.date.Add(-s.received.Sub(t))
}

// observe records the Date header of a reply that arrived at received.
func (sc *serverClock) observe(h http.Header, received time.Time) clockSample {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return clockSample{}
	}
	s := clockSample{date: d.UTC(), received: received}
	sc.mu.Lock()
	sc.sample = s
	sc.mu.Unlock()
	return s
}

func (sc *serverClock) latest() clockSample {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.sample
}

// calibrate learns the zone of CreateDate from a successful Add: the
// contact was created just before the reply's Date, so their difference,
// rounded to a quarter of an hour, is the zone offset.
func (sc *serverClock) calibrate(createDate string, s clockSample) {
	if !s.ok() {
		return
	}
	local, err := time.ParseInLocation(createDateLayout, createDate, time.UTC)
	if err != nil {
		return
	}
	off := local.Sub(s.date).Round(15 * time.Minute)
	if off < -12*time.Hour || off > 14*time.Hour {
		return
	}
	sc.mu.Lock()
	sc.zone, sc.zoneKnown = off, true
	sc.mu.Unlock()
}

func (sc *serverClock) dateZone() (time.Duration, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.zoneKnown {
		return sc.zone, true
	}
	return assumedDateZone, false
}

func (sc *serverClock) remember(id string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.created == nil {
		sc.created = map[string]struct{}{}
	}
	sc.created[id] = struct{}{}
}

func (sc *serverClock) handedOut(id string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	_, ok := sc.created[id]
	return ok
}

// verdict is the outcome of judgeHolder.
type verdict int

const (
	// verdictOurs: the holder is the contact the ambiguous Add created.
	verdictOurs verdict = iota
	// verdictForeign: the holder is certainly not ours, so no attempt of
	// ours committed (the name was taken).
	verdictForeign
	// verdictUndecided: the holder could be ours, but the evidence does not
	// show it.
	verdictUndecided
)

// holderEvidence is what judgeHolder weighs besides the contact itself.
type holderEvidence struct {
	// since is a lower bound of the server's clock when the first attempt
	// that may have committed was sent; until an upper bound of the
	// server's clock when the holder was listed. Both are zero when no
	// reply carried a Date header.
	since, until time.Time
	// zone is the offset of CreateDate from UTC; zoneKnown says whether it
	// was observed or assumed.
	zone      time.Duration
	zoneKnown bool
	// handedOut: this client already returned the holder from another Add.
	handedOut bool
}

// judgeHolder decides whether mc, the contact holding in.Name, is the one
// an ambiguous Add created. The rule (DESIGN.md, "ambiguous creates"):
//
//  1. every declared attribute matches: email address (letter case aside),
//     phone number, title and the set of message types;
//  2. it has no bindings (a contact created seconds ago has none) and this
//     client has not returned it from another Add;
//  3. its CreateDate, read in the zone of the API's dates, lies between the
//     server's clock when the first attempt that may have committed was
//     sent and the server's clock when it was listed (± clockTolerance).
//
// A holder failing 1, 2, or created clearly before the window, is foreign:
// our Add cannot have committed, because the name was already taken. A
// holder that passes 1 and 2 but whose time cannot be placed in the window
// (no Date header, an unreadable CreateDate, a creation time after the
// look-up, or before the window while the zone is only assumed and the gap
// could be a zone error) is undecided.
func judgeHolder(in AddMessageContactInput, mc MessageContact, ev holderEvidence) (verdict, string) {
	if diff := attributeDifferences(in, mc); len(diff) > 0 {
		return verdictForeign, "its " + strings.Join(diff, ", ") + " differ from the configuration"
	}
	if len(mc.Members) > 0 {
		return verdictForeign, fmt.Sprintf("it is already bound to %d object(s); a contact created moments ago has no bindings", len(mc.Members))
	}
	if ev.handedOut {
		return verdictForeign, "another create of this provider already created it"
	}
	if ev.since.IsZero() || ev.until.IsZero() {
		return verdictUndecided, "the server's replies carry no Date header, so its creation time cannot be compared with this create's attempts"
	}
	local, err := time.ParseInLocation(createDateLayout, mc.CreateDate, time.UTC)
	if err != nil {
		return verdictUndecided, fmt.Sprintf("its CreateDate %q cannot be read", Printable(mc.CreateDate, 64))
	}
	created := local.Add(-ev.zone) // in UTC; the true instant is in [created, created+1s)
	zone := "UTC" + formatOffset(ev.zone)
	if !ev.zoneKnown {
		zone += ", assumed"
	}
	switch {
	case created.Add(time.Second + clockTolerance).Before(ev.since):
		reason := fmt.Sprintf("it was created at %s (%s), before this create's first attempt that could have created it "+
			"(server time %s UTC)", mc.CreateDate, zone, ev.since.Format(createDateLayout))
		if !ev.zoneKnown && zoneShiftFits(created, ev.since, ev.until) {
			return verdictUndecided, reason + "; the API's dates carry no time zone and none has been observed yet, so a zone " +
				"other than the assumed one could place it inside the window"
		}
		return verdictForeign, reason
	case created.Add(-clockTolerance).After(ev.until):
		return verdictUndecided, fmt.Sprintf("its CreateDate %s (%s) is later than the server's clock when it was listed "+
			"(%s UTC), so the API's dates and its clock disagree", mc.CreateDate, zone, ev.until.Format(createDateLayout))
	}
	return verdictOurs, ""
}

// zoneShiftFits reports whether reading CreateDate in another real time zone
// (offsets are multiples of a quarter hour, at most 26 hours apart) would
// move a creation time that precedes the window into it.
func zoneShiftFits(created, since, until time.Time) bool {
	for k := 1; k <= 26*4; k++ {
		t := created.Add(time.Duration(k) * 15 * time.Minute)
		if !t.Add(time.Second+clockTolerance).Before(since) && !t.Add(-clockTolerance).After(until) {
			return true
		}
	}
	return false
}

// attributeDifferences names the declared attributes of in that mc does not
// have.
func attributeDifferences(in AddMessageContactInput, mc MessageContact) []string {
	var diff []string
	if !strings.EqualFold(mc.EmailAddress, in.EmailAddress) {
		diff = append(diff, "email address")
	}
	if mc.PhoneNumber != in.PhoneNumber {
		diff = append(diff, "phone number")
	}
	if mc.Title != in.Title {
		diff = append(diff, "title")
	}
	a, b := slices.Clone(in.MessageTypes), slices.Clone(mc.MessageTypes)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(slices.Compact(a), slices.Compact(b)) {
		diff = append(diff, "message types")
	}
	return diff
}

func formatOffset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if m == 0 {
		return fmt.Sprintf("%s%d", sign, h)
	}
	return fmt.Sprintf("%s%d:%02d", sign, h, m)
}

// resolveAmbiguousAdd looks for the contact an ambiguous Add may have
// created. nameTaken reports that a later attempt was refused with
// InvalidParameter.Name.AlreadyUsed, so some contact holds the name even if
// the API does not list it yet. It returns the adopted contact, or the error
// to report.
func (c *Client) resolveAmbiguousAdd(ctx context.Context, in AddMessageContactInput, out outcome, addErr error, nameTaken bool) (*AddMessageContactOutput, error) {
	if ctx.Err() != nil {
		// The create timed out or was interrupted while an attempt was in
		// flight: look once more, briefly, so the contact is not orphaned.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), recoveryGrace)
		defer cancel()
	}
	var (
		result *AddMessageContactOutput
		failed error
	)
	err := c.poll(ctx, func() (bool, error) {
		mc, err := c.FindContactByName(ctx, in.Name)
		if err != nil {
			return true, &AmbiguousCreateError{Name: in.Name, Err: addErr,
				Reason: fmt.Sprintf("looking it up by name failed: %v", err)}
		}
		if mc == nil {
			if !nameTaken {
				failed = fmt.Errorf("%w (an attempt may have reached the server, but no contact named %q is listed, so "+
					"none was created; applying again is safe: if the API lists new contacts only after a delay, the "+
					"name will be reported as taken and the holder named)", addErr, in.Name)
				return true, nil
			}
			// The API refused the name, yet lists no holder: the contact
			// is being created and not visible yet (read-after-create
			// delay). Wait for it as long as the caller allows.
			return false, nil
		}
		switch v, reason := judgeHolder(in, *mc, c.evidence(out, mc.ContactID)); v {
		case verdictOurs:
			c.clock.remember(mc.ContactID)
			result = &AddMessageContactOutput{ContactID: mc.ContactID, CreateDate: mc.CreateDate, Recovered: true, Contact: mc}
		case verdictForeign:
			failed = fmt.Errorf("%w (the name is held by contact %s, which is not this create's: %s)", addErr, Printable(mc.ContactID, 64), reason)
		default:
			failed = &AmbiguousCreateError{Name: in.Name, ContactID: Printable(mc.ContactID, 64), Reason: reason, Err: addErr}
		}
		return true, nil
	}, func(error) error {
		return &AmbiguousCreateError{Name: in.Name, Err: addErr,
			Reason: "the API says the name is in use, but no contact with that name became visible before the timeout"}
	})
	switch {
	case err != nil:
		return nil, err
	case failed != nil:
		return nil, failed
	}
	return result, nil
}

// evidence assembles holderEvidence for a holder listed just now.
func (c *Client) evidence(out outcome, id string) holderEvidence {
	ev := holderEvidence{handedOut: c.clock.handedOut(id)}
	ev.zone, ev.zoneKnown = c.clock.dateZone()
	if s := c.clock.latest(); s.ok() && !out.uncertainSince.IsZero() {
		ev.since = s.serverTimeAtLeast(out.uncertainSince)
		ev.until = s.date.Add(time.Second)
	}
	return ev
}
