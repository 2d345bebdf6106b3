package rdapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestJudgeHolder(t *testing.T) {
	in := AddMessageContactInput{Name: "tom", EmailAddress: "tom@example.com", PhoneNumber: "86-13900001234", Title: "CEO",
		MessageTypes: []string{"FaultMessage", "AccountExpenses"}}
	cst := time.FixedZone("", 8*3600)
	since := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	until := since.Add(20 * time.Second)
	holder := func(created time.Time, zone *time.Location, mutate func(*MessageContact)) MessageContact {
		mc := MessageContact{ContactID: "c-1", Name: "tom", EmailAddress: "Tom@Example.com", PhoneNumber: "86-13900001234",
			Title: "CEO", MessageTypes: []string{"AccountExpenses", "FaultMessage"}, CreateDate: created.In(zone).Format(createDateLayout)}
		if mutate != nil {
			mutate(&mc)
		}
		return mc
	}
	assumed := holderEvidence{since: since, until: until, zone: assumedDateZone}
	known := func(zone time.Duration) holderEvidence {
		return holderEvidence{since: since, until: until, zone: zone, zoneKnown: true}
	}
	tests := []struct {
		name   string
		mc     MessageContact
		ev     holderEvidence
		want   verdict
		reason string
	}{
		{"inside the window", holder(since.Add(3*time.Second), cst, nil), assumed, verdictOurs, ""},
		{"one second before the window (resolution)", holder(since.Add(-time.Second), cst, nil), assumed, verdictOurs, ""},
		{"an hour before, zone observed", holder(since.Add(-time.Hour), cst, nil), known(8 * time.Hour), verdictForeign, "before this create's"},
		{"ten minutes before, zone assumed", holder(since.Add(-10*time.Minute), cst, nil), assumed, verdictForeign, "before this create's"},
		{"an hour before, zone assumed", holder(since.Add(-time.Hour), cst, nil), assumed, verdictUndecided, "no time zone"},
		{"a week before, zone assumed", holder(since.Add(-7*24*time.Hour), cst, nil), assumed, verdictForeign, "before this create's"},
		{"after the look-up", holder(until.Add(time.Minute), cst, nil), assumed, verdictUndecided, "later than the server's clock"},
		{"UTC dates, zone observed", holder(since.Add(time.Second), time.UTC, nil), known(0), verdictOurs, ""},
		{"UTC dates, zone assumed", holder(since.Add(time.Second), time.UTC, nil), assumed, verdictOurs, ""},
		{"UTC+5:30 dates, zone assumed", holder(since.Add(time.Second), time.FixedZone("", 330*60), nil), assumed, verdictUndecided, "no time zone"},
		{"in the second before the window's, zone observed", holder(since.Add(-1100*time.Millisecond), cst, nil), known(8 * time.Hour),
			verdictUndecided, "only 900ms older"},
		{"in the second before the window's, UTC dates, zone assumed", holder(since.Add(-1100*time.Millisecond), time.UTC, nil), assumed,
			verdictUndecided, "(UTC+0, assumed), before this create's"},
		{"four seconds before, zone observed", holder(since.Add(-4*time.Second), cst, nil), known(8 * time.Hour), verdictForeign, "before this create's"},
		{"different email", holder(since, cst, func(m *MessageContact) { m.EmailAddress = "x@example.com" }), assumed, verdictForeign, "email address"},
		{"different phone", holder(since, cst, func(m *MessageContact) { m.PhoneNumber = "" }), assumed, verdictForeign, "phone number"},
		{"different title", holder(since, cst, func(m *MessageContact) { m.Title = "Other" }), assumed, verdictForeign, "title"},
		{"fewer message types", holder(since, cst, func(m *MessageContact) { m.MessageTypes = m.MessageTypes[:1] }), assumed, verdictForeign, "message types"},
		{"bound", holder(since, cst, func(m *MessageContact) { m.Members = []string{"fd-1"} }), assumed, verdictForeign, "bound"},
		{"handed out", holder(since, cst, nil), holderEvidence{since: since, until: until, zone: assumedDateZone, handedOut: true}, verdictForeign, "already created it"},
		{"no Date header", holder(since, cst, nil), holderEvidence{zone: assumedDateZone}, verdictUndecided, "no Date header"},
		{"unreadable CreateDate", holder(since, cst, func(m *MessageContact) { m.CreateDate = "yesterday\x1b[2J" }), assumed, verdictUndecided, `\x1b[2J`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason, _ := judgeHolder(in, tt.mc, tt.ev)
			if got != tt.want || !strings.Contains(reason, tt.reason) {
				t.Errorf("judgeHolder = %v, %q; want %v containing %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestAdoptions_learnZone(t *testing.T) {
	var a adoptions
	if ev := a.evidence("c-1"); ev.zoneKnown || ev.zone != assumedDateZone || ev.handedOut {
		t.Fatalf("evidence = %+v before any Add", ev)
	}
	date := time.Date(2026, 12, 2, 3, 0, 7, 0, time.UTC)
	for _, tt := range []struct {
		createDate string
		want       time.Duration
	}{
		{"2026-12-02 03:00:06", 0},
		{"2026-12-02 11:00:06", 8 * time.Hour},
		{"2026-12-01 22:00:05", -5 * time.Hour},
		{"2026-12-02 08:45:07", 5*time.Hour + 45*time.Minute},
	} {
		a.learnZone(tt.createDate, []clockSample{{date: date}})
		if ev := a.evidence("c-1"); !ev.zoneKnown || ev.zone != tt.want {
			t.Errorf("learnZone(%s): zone %v, %v; want %v", tt.createDate, ev.zone, ev.zoneKnown, tt.want)
		}
	}
	a.handOut("c-1")
	if ev := a.evidence("c-1"); !ev.handedOut {
		t.Error("a contact handed out is not remembered")
	}
}

// TestCheckRetry_contextEndsInFlight: an attempt cut off by the caller's
// context counts as possibly committed (issue 8: checkRetry used to return
// on the context error first).
func TestCheckRetry_contextEndsInFlight(t *testing.T) {
	c := &Client{retryMax: 3, retryWaitMin: time.Millisecond, retryWaitMax: 2 * time.Millisecond, now: time.Now, jitter: defaultJitter}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	started := time.Now()
	x := &exchange{action: actionAdd, attempt: 1, started: started}
	retry, err := c.checkRetry(inExchange(ctx, x), nil, &url.Error{Op: "Post", URL: "http://x/", Err: context.Canceled})
	if retry || !errors.Is(err, context.Canceled) {
		t.Errorf("checkRetry = %v, %v", retry, err)
	}
	if !x.ambiguous || !x.uncertainSince.Equal(started) {
		t.Errorf("ambiguous = %v since %v; want true since %v", x.ambiguous, x.uncertainSince, started)
	}
}

// TestAdd_noDateHeaderIsUndecided: without the server's clock the holder's
// age cannot be judged; the error names it rather than adopting it.
func TestAdd_noDateHeaderIsUndecided(t *testing.T) {
	var calls atomic.Int32
	in := AddMessageContactInput{Name: "tom", EmailAddress: "tom@example.com", PhoneNumber: "86-13900001234", Title: "CEO",
		MessageTypes: []string{"AccountExpenses"}}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		switch n := calls.Add(1); {
		case n == 1:
			hijackClose(t, w)
		case r.Header.Get("x-acs-action") == actionAdd:
			apiFail(w, 400, CodeNameAlreadyUsed)
		default:
			m := contactJSON("c-tom", "tom")
			m["CreateDate"] = "2026-12-02 11:00:10"
			writeJSON(w, 200, map[string]any{"RequestId": "L", "TotalCount": 1, "PageNumber": 1, "PageSize": 50,
				"Contacts": []any{m}, "Contact": m})
		}
	})
	_, err := c.AddMessageContact(context.Background(), in)
	amb, ok := errors.AsType[*AmbiguousCreateError](err)
	if !ok || amb.ContactID != "c-tom" || !strings.Contains(amb.Reason, "no Date header") || !IsCode(err, CodeNameAlreadyUsed) {
		t.Errorf("err = %v", err)
	}
}

// TestServerTime: each reply bounds the server's clock by its Date second
// and the local times its attempt left and its reply arrived; replies on
// either side of a tick of the Date second narrow it to about a round trip.
func TestServerTime(t *testing.T) {
	t0 := time.Now()
	d := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var samples []clockSample
	reply := func(date time.Time, sent, received time.Duration) {
		x := &exchange{started: t0.Add(sent)}
		x.observeDate(http.Header{"Date": {date.Format(http.TimeFormat)}}, t0.Add(received))
		samples = append(samples, x.dates...)
	}
	check := func(step string, at time.Time, wantLo, wantHi time.Time) {
		t.Helper()
		lo, hi, ok := serverTime(samples, at)
		if !ok || lo.Sub(wantLo).Abs() > ms(1) || hi.Sub(wantHi).Abs() > ms(1) {
			t.Errorf("%s: server time in [%s, %s), want [%s, %s)", step, lo.Format(time.StampMilli), hi.Format(time.StampMilli),
				wantLo.Format(time.StampMilli), wantHi.Format(time.StampMilli))
		}
	}
	if _, _, ok := serverTime(samples, t0); ok {
		t.Fatal("bounds without any reply")
	}
	reply(d, 0, ms(10))
	check("one reply", t0, d.Add(-ms(10)), d.Add(time.Second))
	reply(d.Add(time.Second), ms(500), ms(510))
	check("after the tick", t0, d.Add(ms(490)), d.Add(time.Second))
	reply(d, ms(480), ms(490))
	check("before the tick", t0, d.Add(ms(490)), d.Add(ms(520)))
	check("an hour later, drift", t0.Add(time.Hour), d.Add(time.Hour+ms(490-360)), d.Add(time.Hour+ms(520+360)))
	x := &exchange{started: t0}
	x.observeDate(http.Header{}, t0)
	if len(x.dates) != 0 {
		t.Error("a reply without a Date header was sampled")
	}
}
func TestProbeTime(t *testing.T) {
	since := time.Now()
	for _, tt := range []struct {
		lead, after, want time.Duration
	}{
		{0, 2300 * time.Millisecond, 2900 * time.Millisecond},
		{-time.Millisecond, 2300 * time.Millisecond, 2901 * time.Millisecond},
		{30 * time.Millisecond, 2300 * time.Millisecond, 2870 * time.Millisecond},
		{0, 2896 * time.Millisecond, 3900 * time.Millisecond}, // too close to send in time
		{0, 0, 900 * time.Millisecond},
	} {
		if got := probeTime(since, tt.lead, since.Add(tt.after)).Sub(since); got != tt.want {
			t.Errorf("probeTime(lead %s, now +%s) = +%s, want +%s", tt.lead, tt.after, got, tt.want)
		}
	}
}
