package rdapi

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
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
// the rule and the window it leaves ("ambiguous creates").
//
// The evidence of time comes from the Date headers of the replies to the
// Add's own attempts and to one read of the holder, and nothing else: a
// call that is not an Add pays nothing for it.

const (
	// clockTolerance is how far the clock that stamps CreateDate may run
	// behind the one that writes the Date header (they may be different
	// machines). NTP keeps a datacentre's clocks within milliseconds of
	// each other; this allows a hundred.
	clockTolerance = 100 * time.Millisecond
	// nearMiss: a holder whose creation second ended less than this before
	// this create's first attempt could have reached the server is reported
	// as undecided rather than as someone else's, because that conclusion
	// rests on clockTolerance and on the one-second Date header.
	nearMiss = 2 * time.Second
	// maxDrift bounds how fast the server's clock and the local monotonic
	// clock drift apart (100 ppm, twice a cheap quartz's error).
	maxDrift = 100e-6
	// assumedDateZone is the time zone CreateDate is read in until a reply
	// shows the real one: the API's dates carry no zone and are believed to
	// be China time (UTC+8).
	assumedDateZone = 8 * time.Hour
	// createDateLayout is the API's "yyyy-MM-dd HH:mm:ss".
	createDateLayout = "2006-01-02 15:04:05"
)

// InterruptGrace is the one grace a write gets after its operation was
// interrupted or timed out while the API may have committed it: the time,
// in all, spent finding out what happened, so that a contact that exists
// is recorded (an Add's look-up of its name) or one that is gone leaves the
// state (a delete's look at its contact). Nothing else runs after an
// interrupt.
const InterruptGrace = 5 * time.Second

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

// adoptions is what a client's successful Adds taught it: the zone of the
// API's dates, and the contacts it has already handed out.
type adoptions struct {
	mu sync.Mutex
	// zone is the offset of CreateDate from UTC; zoneKnown is false until
	// a successful Add shows it (assumedDateZone applies).
	zone      time.Duration
	zoneKnown bool
	// handed holds the IDs this client's Adds returned, so that a look-up
	// never hands one contact to two resources.
	handed map[string]struct{}
}

// handOut records a contact an Add returned.
func (a *adoptions) handOut(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.handed == nil {
		a.handed = map[string]struct{}{}
	}
	a.handed[id] = struct{}{}
}

// learnZone learns the zone of CreateDate from a successful Add whose
// reply's Date header is the last of dates: the contact was created just
// before it, so their difference, rounded to a quarter of an hour, is the
// zone.
func (a *adoptions) learnZone(createDate string, dates []clockSample) {
	if len(dates) == 0 {
		return
	}
	local, err := time.ParseInLocation(createDateLayout, createDate, time.UTC)
	off := local.Sub(dates[len(dates)-1].date).Round(15 * time.Minute)
	if err != nil || off < -12*time.Hour || off > 14*time.Hour {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.zone, a.zoneKnown = off, true
}

// Created reports whether an AddMessageContact of this client created
// contact id (a provider instance uses one client for a whole plan or
// apply).
func (c *Client) Created(id string) bool {
	c.adoptions.mu.Lock()
	defer c.adoptions.mu.Unlock()
	_, ok := c.adoptions.handed[id]
	return ok
}

// evidence is what adoptions says about a holder.
func (a *adoptions) evidence(id string) holderEvidence {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, handed := a.handed[id]
	ev := holderEvidence{zone: assumedDateZone, zoneKnown: a.zoneKnown, handedOut: handed}
	if a.zoneKnown {
		ev.zone = a.zone
	}
	return ev
}

// clockSample pairs a reply's Date header with the local (monotonic) times
// its attempt started and its reply arrived. The server wrote the header
// at a server time in [date, date+1s), between sent and received.
type clockSample struct {
	date     time.Time
	sent     time.Time
	received time.Time
}

// observeDate records the Date header of the reply to x's attempt in
// flight, which arrived at received.
func (x *exchange) observeDate(h http.Header, received time.Time) {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	x.dates = append(x.dates, clockSample{date: d.UTC(), sent: x.started, received: received})
}

// at bounds the server's clock at local instant t (a monotonic reading) by
// what s says: it lies in [lo, hi).
func (s clockSample) at(t time.Time) (lo, hi time.Time) {
	lo = s.date.Add(t.Sub(s.received))
	hi = s.date.Add(time.Second + t.Sub(s.sent))
	return lo.Add(-drift(t.Sub(s.received))), hi.Add(drift(t.Sub(s.sent)))
}

// drift is the most the two clocks can drift apart over d.
func drift(d time.Duration) time.Duration {
	return time.Duration(math.Abs(float64(d)) * maxDrift)
}

// serverTime intersects what samples say of the server's clock at local
// instant t: it lay in [lo, hi). Replies on either side of a tick of the
// Date second place it within about a round trip; one reply, within a
// second and a round trip. ok is false without samples.
func serverTime(samples []clockSample, t time.Time) (lo, hi time.Time, ok bool) {
	for i, s := range samples {
		l, h := s.at(t)
		if i == 0 || l.After(lo) {
			lo = l
		}
		if i == 0 || h.Before(hi) {
			hi = h
		}
	}
	return lo, hi, len(samples) > 0
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
	// since bounds from below the server's clock (the one behind the Date
	// header) when the first attempt that may have committed was sent;
	// sinceHi from above. until is an upper bound of that clock when the
	// holder was read. All are zero when no reply carried a Date header.
	since, sinceHi, until time.Time
	// zone is the offset of CreateDate from UTC; zoneKnown says whether it
	// was observed or assumed.
	zone      time.Duration
	zoneKnown bool
	// handedOut: this client already returned the holder from another Add.
	handedOut bool
}

// zones are the offsets CreateDate may be read in: the observed one, or,
// until one is observed, the assumed China time and then UTC (the API's two
// plausible zones).
func (ev holderEvidence) zones() []time.Duration {
	if ev.zoneKnown || ev.zone == 0 {
		return []time.Duration{ev.zone}
	}
	return []time.Duration{ev.zone, 0}
}

// createdSecond reads mc's CreateDate in zone: the holder was created
// within the second that starts at the time returned (UTC).
func createdSecond(mc MessageContact, zone time.Duration) (time.Time, error) {
	local, err := time.ParseInLocation(createDateLayout, mc.CreateDate, time.UTC)
	return local.Add(-zone), err
}

// judgeHolder decides whether mc, the contact holding in.Name, is the one
// an ambiguous Add created. The rule (DESIGN.md, "ambiguous creates"):
//
//  1. every declared attribute matches: email address (letter case aside),
//     phone number, title and the set of message types;
//  2. it has no bindings (a contact created seconds ago has none) and this
//     client has not returned it from another Add;
//  3. its CreateDate, read in the zone of the API's dates, is a second that
//     ends after the earliest server time at which the first attempt that
//     may have committed can have been sent, less clockTolerance
//     (CreateDate's clock may lag the Date header's), and that does not
//     start after the server's clock when it was read.
//
// The server can only have created our contact after it received our
// attempt, so 3 never refuses our own contact; how many identical contacts
// created just before it pass depends on how well ev.since is known. A
// holder failing 1, 2, or created well before the window, is foreign: our
// Add cannot have committed, because the name was already taken. A holder
// that passes 1 and 2 but whose time cannot be placed in the window (no
// Date header, an unreadable CreateDate, a creation time after the read,
// within nearMiss before the window, or further before it while the zone
// is only assumed and the gap could be a zone error) is undecided. While
// the zone is assumed, CreateDate is read both as China time and as UTC,
// and the reading most in the holder's favour counts.
//
// For a verdict of "ours" it also returns the start of the holder's
// creation second in the reading that placed it in the window.
func judgeHolder(in AddMessageContactInput, mc MessageContact, ev holderEvidence) (verdict, string, time.Time) {
	if diff := attributeDifferences(in, mc); len(diff) > 0 {
		return verdictForeign, "its " + strings.Join(diff, ", ") + " differ from the configuration", time.Time{}
	}
	if len(mc.Members) > 0 {
		return verdictForeign, fmt.Sprintf("it is already bound to %d object(s); a contact created moments ago has no bindings", len(mc.Members)), time.Time{}
	}
	if ev.handedOut {
		return verdictForeign, "another create of this provider already created it", time.Time{}
	}
	if ev.since.IsZero() || ev.until.IsZero() {
		return verdictUndecided, "the server's replies carry no Date header, so its creation time cannot be compared with this create's attempts", time.Time{}
	}
	// A reading that puts the holder after the read is refuted (that zone
	// is not the API's) unless every reading does.
	var best verdict
	var bestReason, future string
	for _, zone := range ev.zones() {
		created, err := createdSecond(mc, zone)
		if err != nil {
			return verdictUndecided, fmt.Sprintf("its CreateDate %q cannot be read", Printable(mc.CreateDate, 64)), time.Time{}
		}
		if created.Add(-clockTolerance).After(ev.until) {
			if future == "" {
				future = fmt.Sprintf("its CreateDate %s (%s) is later than the server's clock when it was read "+
					"(%s UTC), so the API's dates and its clock disagree", mc.CreateDate, zoneName(zone, ev.zoneKnown), ev.until.Format(createDateLayout))
			}
			continue
		}
		v, reason := judgeCreated(mc, ev, zone, created)
		if v == verdictOurs {
			return v, "", created
		}
		if bestReason == "" || v == verdictUndecided && best == verdictForeign {
			best, bestReason = v, reason
		}
	}
	if bestReason == "" {
		return verdictUndecided, future, time.Time{}
	}
	return best, bestReason, time.Time{}
}

// beyondDoubt reports whether no sharper reading of the server's clock
// could refuse a holder created in the second starting at created: even at
// the latest possible server time of the first attempt, the holder's second
// ends no earlier than clockTolerance before it.
func (ev holderEvidence) beyondDoubt(created time.Time) bool {
	return !ev.sinceHi.IsZero() && !created.Add(time.Second+clockTolerance).Before(ev.sinceHi)
}

// zoneName names zone for an error message, saying whether it was observed.
func zoneName(zone time.Duration, known bool) string {
	if known {
		return "UTC" + formatOffset(zone)
	}
	return "UTC" + formatOffset(zone) + ", assumed"
}

// judgeCreated is rule 3 of judgeHolder for a holder created in the
// second that starts at created, CreateDate read in zone, and no later
// than the read.
func judgeCreated(mc MessageContact, ev holderEvidence, zone time.Duration, created time.Time) (verdict, string) {
	earliest := ev.since.Add(-clockTolerance) // of our contact's creation, on CreateDate's clock
	end := created.Add(time.Second)
	if end.After(earliest) {
		return verdictOurs, ""
	}
	reason := fmt.Sprintf("it was created at %s (%s), before this create's first attempt that could have created it "+
		"was sent (server time %s UTC", mc.CreateDate, zoneName(zone, ev.zoneKnown), ev.since.Format(createDateLayout+".000"))
	if !ev.sinceHi.IsZero() {
		reason += ", known to within " + ev.sinceHi.Sub(ev.since).Round(time.Millisecond).String()
	}
	reason += ")"
	switch {
	case !ev.zoneKnown && zoneShiftFits(created, earliest, ev.until):
		return verdictUndecided, reason + "; the API's dates carry no time zone and none has been observed yet, so a zone " +
			"other than the assumed one could place it inside the window"
	case end.Add(nearMiss).After(earliest):
		return verdictUndecided, reason + fmt.Sprintf("; it is identical to the configuration and only %s older, so the "+
			"provider does not call it someone else's either", earliest.Sub(end).Round(time.Millisecond))
	}
	return verdictForeign, reason
}

// zoneShiftFits reports whether reading CreateDate in another real time zone
// (offsets are multiples of a quarter hour, at most 26 hours apart) would
// move a creation second that ends before earliest into the window
// [earliest, until].
func zoneShiftFits(created, earliest, until time.Time) bool {
	for k := 1; k <= 26*4; k++ {
		t := created.Add(time.Duration(k) * 15 * time.Minute)
		if t.Add(time.Second).After(earliest) && !t.Add(-clockTolerance).After(until) {
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

// resolveAmbiguousAdd looks for the contact an ambiguous Add (its exchange
// add) may have created. nameTaken reports that a later attempt was refused
// with InvalidParameter.Name.AlreadyUsed, so some contact holds the name
// even if the API does not list it yet. It returns the adopted contact, or
// the error to report.
func (c *Client) resolveAmbiguousAdd(ctx context.Context, in AddMessageContactInput, add *exchange, addErr error, nameTaken bool) (*AddMessageContactOutput, error) {
	if ctx.Err() != nil {
		// The create timed out or was interrupted while an attempt was in
		// flight: look once more, within the grace, so the contact is not
		// orphaned.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), InterruptGrace)
		defer cancel()
	}
	var (
		result *AddMessageContactOutput
		failed error
	)
	err := c.poll(ctx, func() (bool, error) {
		listed, err := c.FindContactByName(ctx, in.Name)
		if err == nil && listed != nil {
			// Read the holder fresh, timing the server's clock by the
			// reply: the one call of this rule beyond the look-up.
			listed, err = c.readHolder(ctx, listed.ContactID, add)
		}
		if err != nil {
			return true, &AmbiguousCreateError{Name: in.Name, Err: addErr,
				Reason: fmt.Sprintf("looking it up by name failed: %v", err)}
		}
		mc := listed
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
		switch v, reason := c.judge(ctx, in, mc, add); v {
		case verdictOurs:
			c.adoptions.handOut(mc.ContactID)
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

// readHolder reads the holder of an ambiguous Add's name with
// GetMessageContact, adding its reply's Date header to the Add's.
func (c *Client) readHolder(ctx context.Context, id string, add *exchange) (*MessageContact, error) {
	x := &exchange{action: actionGet, timed: true}
	r, err := send[getReply](ctx, c, x, url.Values{"ContactId": {id}})
	add.dates = append(add.dates, x.dates...)
	if err != nil {
		return nil, err
	}
	if r.Contact == nil || r.Contact.ContactID == "" {
		return nil, fmt.Errorf("%s: reply has no Contact (RequestId %q)", actionGet, r.RequestID)
	}
	return r.Contact, nil
}

// evidence assembles what judgeHolder weighs for holder id, from what the
// client's Adds showed and the Date headers of the ambiguous Add's replies
// and reads.
func (c *Client) evidence(add *exchange, id string) holderEvidence {
	ev := c.adoptions.evidence(id)
	if lo, hi, ok := serverTime(add.dates, add.uncertainSince); ok {
		_, until, _ := serverTime(add.dates, time.Now())
		ev.since, ev.sinceHi, ev.until = lo, hi, until
	}
	return ev
}

// maxProbes bounds the reads judge times to place the server's clock when
// the verdict on a holder depends on it (each waits up to a second).
const maxProbes = 4

// judge decides on mc, the holder of in.Name. When mc would be adopted but
// a sharper reading of the server's clock could still refuse it, judge
// reads it again at the one instant that decides it (probeTime), at most
// maxProbes times; mc is updated with what the reads return. If they leave
// the verdict in doubt, mc is adopted only if they bracketed the moment
// that decides it to within the lead of the early reads (the measurement's
// limit, about a round trip); otherwise it is undecided. The reads run
// under ctx: after an interrupt, within InterruptGrace.
func (c *Client) judge(ctx context.Context, in AddMessageContactInput, mc *MessageContact, add *exchange) (verdict, string) {
	var rtt, lead time.Duration
	for n := 0; ; n++ {
		ev := c.evidence(add, mc.ContactID)
		v, reason, created := judgeHolder(in, *mc, ev)
		switch {
		case v != verdictOurs || ev.beyondDoubt(created):
			return v, reason
		case n == maxProbes || ctx.Err() != nil:
			if lead > 0 && ev.beyondDoubt(created.Add(lead)) {
				return v, reason
			}
			return verdictUndecided, fmt.Sprintf("it was created at %s, and the server's clock could not be read precisely "+
				"enough (it is known to within %s at this create's first attempt) to tell whether that was before the "+
				"attempt could have reached the server", mc.CreateDate, ev.sinceHi.Sub(ev.since).Round(time.Millisecond))
		}
		// The first read is sent a little late, to settle a verdict of
		// "ours"; it can fail to only by showing the next second, as it
		// does for a holder older than the window, so the later ones are
		// sent early by twice the best round trip seen, then four and
		// eight times (a loaded server answers late): a reply showing the
		// next second and arriving in time proves the holder older, and
		// one showing the previous second brackets the moment.
		margin := time.Millisecond + drift(time.Since(add.uncertainSince)+maxProbes*time.Second)
		next := -margin
		if n > 0 {
			next = 2*rtt<<(n-1) + margin
			lead = max(lead, next)
		}
		if err := c.sleep(ctx, time.Until(probeTime(add.uncertainSince, next, time.Now()))); err != nil {
			continue // out of time: judged as it stands above
		}
		start := time.Now()
		got, err := c.readHolder(ctx, mc.ContactID, add)
		if err == nil {
			*mc = *got
		}
		if d := time.Since(start); rtt == 0 || d < rtt {
			rtt = d
		}
	}
}

// probeTime is the first local instant after now at which a read best
// tests whether the server's clock was, at local instant since, at least
// clockTolerance past the end of the holder's creation second: the
// instants since + k s − clockTolerance (k whole; CreateDate and Date have
// whole seconds), at which the Date header's second ticks over exactly if
// the server's clock was just that. A reply still showing the previous
// second bounds it above; one showing the next second and arriving before
// that instant bounds it below. lead moves the read earlier (a negative
// lead later).
func probeTime(since time.Time, lead time.Duration, now time.Time) time.Time {
	at := since.Add(-clockTolerance - lead)
	if wait := now.Add(5 * time.Millisecond).Sub(at); wait > 0 {
		at = at.Add(wait.Truncate(time.Second) + time.Second)
	}
	return at
}
