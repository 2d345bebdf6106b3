package rdapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeDirectory serves the list, get and write operations the snapshot
// uses over an in-memory list of contacts, with offset paging, and records
// every call.
type fakeDirectory struct {
	mu       sync.Mutex
	contacts []MessageContact
	pending  map[string][]string // contact ID → targets awaiting verification
	// maxPageSize makes larger PageSize values fail with
	// InvalidParameter.PageSize (0: no limit).
	maxPageSize int
	// verifyNeedsContactID makes an unfiltered
	// ListMessageContactVerifications fail with MissingParameter.ContactId.
	verifyNeedsContactID bool
	// listRefused answers every ListMessageContacts with this code (403).
	listRefused string
	// refuseBinds answers AssociateMembers and DisassociateMembers with
	// this code (400).
	refuseBinds string
	// beforeList runs (unlocked) before a ListMessageContacts page is
	// served, with its page number.
	beforeList func(page int)
	// Deletions: DeleteMessageContact marks a contact Deleting; a list
	// page that shows it Deleting completes the deletion after it is
	// served (as the emulator's default does), unless the contact is
	// stuck, or fails (it comes back Active with failReasons).
	stuck       map[string]bool
	fail        map[string]bool
	failed      map[string]bool
	failReasons []map[string]any

	calls map[string]int // action → calls
	pages map[string]int // "action page size" → calls that were served
}

func newFakeDirectory(n, verifying int) *fakeDirectory {
	d := &fakeDirectory{pending: map[string][]string{}, calls: map[string]int{}, pages: map[string]int{},
		stuck: map[string]bool{}, fail: map[string]bool{}, failed: map[string]bool{}}
	for i := range n {
		d.contacts = append(d.contacts, fakeContact(i, i < verifying))
		if i < verifying {
			d.pending[d.contacts[i].ContactID] = []string{fmt.Sprintf("new%d@example.com", i), "86-13900000000"}
		}
	}
	return d
}

func fakeContact(i int, verifying bool) MessageContact {
	status := StatusActive
	if verifying {
		status = StatusVerifying
	}
	return MessageContact{
		ContactID: fmt.Sprintf("c-%016d", i), Name: fmt.Sprintf("n%d", i), EmailAddress: fmt.Sprintf("n%d@example.com", i),
		Title: "CEO", MessageTypes: []string{"AccountExpenses"}, Members: []string{"rd-k3Ux9d"}, Status: status,
	}
}

func (d *fakeDirectory) count(action string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[action]
}

// repeatedPages lists the pages that were served more than once.
func (d *fakeDirectory) repeatedPages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for k, n := range d.pages {
		if n > 1 {
			out = append(out, k)
		}
	}
	return out
}

// finishDeletion ends the deletion of contact id, which the list showed
// Deleting. It runs with d.mu held.
func (d *fakeDirectory) finishDeletion(id string) {
	switch {
	case d.stuck[id]:
	case d.fail[id]:
		d.contacts[d.index(id)].Status = StatusActive
		d.failed[id] = true
		delete(d.fail, id)
	default:
		d.contacts = slices.DeleteFunc(d.contacts, func(mc MessageContact) bool { return mc.ContactID == id })
	}
}

func (d *fakeDirectory) index(id string) int {
	return slices.IndexFunc(d.contacts, func(mc MessageContact) bool { return mc.ContactID == id })
}

func (d *fakeDirectory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get(headerAction)
	q := r.URL.Query()
	d.mu.Lock()
	d.calls[action]++
	hook := d.beforeList
	d.mu.Unlock()
	page, _ := strconv.Atoi(q.Get("PageNumber"))
	size, _ := strconv.Atoi(q.Get("PageSize"))
	if action == actionList && hook != nil {
		hook(page)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	pageOf := func(n int) (int, int) {
		return min((page-1)*size, n), min(page*size, n)
	}
	switch action {
	case actionList, actionListVerification:
		switch {
		case action == actionList && d.listRefused != "":
			apiFail(w, http.StatusForbidden, d.listRefused)
			return
		case d.maxPageSize > 0 && size > d.maxPageSize:
			apiFail(w, http.StatusBadRequest, CodeInvalidPageSize)
			return
		case action == actionListVerification && q.Get("ContactId") == "" && d.verifyNeedsContactID:
			apiFail(w, http.StatusBadRequest, CodeMissingContactID)
			return
		}
		d.pages[fmt.Sprintf("%s %d %d", action, page, size)]++
		if action == actionList {
			from, to := pageOf(len(d.contacts))
			served := slices.Clone(d.contacts[from:to])
			writeJSON(w, 200, map[string]any{"RequestId": "L", "TotalCount": len(d.contacts), "PageNumber": page,
				"PageSize": size, "Contacts": served})
			for _, mc := range served {
				if mc.Status == StatusDeleting {
					d.finishDeletion(mc.ContactID)
				}
			}
			return
		}
		var rows []ContactVerification
		for _, mc := range d.contacts {
			if only := q.Get("ContactId"); only != "" && mc.ContactID != only {
				continue
			}
			for _, t := range d.pending[mc.ContactID] {
				rows = append(rows, ContactVerification{ContactID: mc.ContactID, Target: t})
			}
		}
		from, to := pageOf(len(rows))
		writeJSON(w, 200, map[string]any{"RequestId": "V", "TotalCount": len(rows), "PageNumber": page,
			"PageSize": size, "ContactVerifications": rows[from:to]})
	case actionGet:
		i := d.index(q.Get("ContactId"))
		if i < 0 {
			apiFail(w, http.StatusNotFound, CodeContactNotFound)
			return
		}
		writeJSON(w, 200, map[string]any{"RequestId": "G", "Contact": d.contacts[i]})
	case actionUpdate:
		i := d.index(q.Get("ContactId"))
		if i < 0 {
			apiFail(w, http.StatusNotFound, CodeContactNotFound)
			return
		}
		if n := q.Get("Name"); n != "" {
			d.contacts[i].Name = n
		}
		writeJSON(w, 200, map[string]any{"RequestId": "U"})
	case actionDelete:
		i := d.index(q.Get("ContactId"))
		if i < 0 {
			apiFail(w, http.StatusNotFound, CodeContactNotFound)
			return
		}
		d.contacts[i].Status = StatusDeleting
		delete(d.failed, d.contacts[i].ContactID)
		writeJSON(w, 200, map[string]any{"RequestId": "D", "Status": DeletionStatusDeleting})
	case actionDeletionStatus:
		id := q.Get("ContactId")
		i := d.index(id)
		switch {
		case i >= 0 && d.contacts[i].Status == StatusDeleting:
			writeJSON(w, 200, map[string]any{"RequestId": "S", "ContactDeletionStatus": map[string]any{"ContactId": id, "Status": "Deleting"}})
		case i >= 0 && d.failed[id]:
			writeJSON(w, 200, map[string]any{"RequestId": "S", "ContactDeletionStatus": map[string]any{"ContactId": id,
				"Status": "Failed", "FailReasonList": d.failReasons}})
		default:
			apiFail(w, http.StatusNotFound, CodeContactNotFound)
		}
	case actionAssociate, actionDisassociate:
		i := d.index(q.Get("ContactId"))
		if i < 0 {
			apiFail(w, http.StatusNotFound, CodeContactNotFound)
			return
		}
		if d.refuseBinds != "" {
			apiFail(w, http.StatusBadRequest, d.refuseBinds)
			return
		}
		for n := 1; q.Get(fmt.Sprintf("Members.%d", n)) != ""; n++ {
			m := q.Get(fmt.Sprintf("Members.%d", n))
			c := &d.contacts[i]
			c.Members = slices.DeleteFunc(slices.Clone(c.Members), func(b string) bool { return b == m })
			if action == actionAssociate {
				c.Members = append(c.Members, m)
			}
		}
		writeJSON(w, 200, map[string]any{"RequestId": "B"})
	case actionAdd:
		mc := fakeContact(10000+len(d.contacts), false)
		mc.Name = q.Get("Name")
		d.contacts = append(d.contacts, mc)
		writeJSON(w, 200, map[string]any{"RequestId": "A", "Contact": map[string]any{"ContactId": mc.ContactID, "CreateDate": "2026-12-02 10:00:00"}})
	default:
		apiFail(w, http.StatusBadRequest, "Unsupported."+action)
	}
}

// newBatchingClient returns a client with batching on for d, with pacing
// off; mutate adjusts the options.
func newBatchingClient(t *testing.T, d *fakeDirectory, mutate ...func(*Options)) *Client {
	t.Helper()
	return newTestClient(t, d.ServeHTTP, append([]func(*Options){func(o *Options) {
		o.BatchReads = true
		o.RateLimit = -1
	}}, mutate...)...)
}

func TestSnapshot_onePassServesEveryRead(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(250, 25)
	s := newBatchingClient(t, d).Snapshot()

	for i := range 250 {
		v, err := s.Contact(ctx, fmt.Sprintf("c-%016d", i))
		if err != nil {
			t.Fatalf("contact %d: %v", i, err)
		}
		wantEmail := ""
		if i < 25 {
			wantEmail = fmt.Sprintf("new%d@example.com", i)
		}
		if v.Name != fmt.Sprintf("n%d", i) || v.PendingEmailAddress != wantEmail || (i < 25) != (v.PendingPhoneNumber != "") {
			t.Fatalf("contact %d = %+v, want name n%d and pending email %q", i, v, i, wantEmail)
		}
	}
	byName, err := s.ContactByName(ctx, "n42")
	if err != nil || byName == nil || byName.ContactID != fmt.Sprintf("c-%016d", 42) {
		t.Fatalf("ContactByName(n42) = %+v, %v", byName, err)
	}
	all, err := s.Contacts(ctx, nil)
	if err != nil || len(all) != 250 {
		t.Fatalf("Contacts: %d contacts, %v; want 250", len(all), err)
	}
	if got := d.count(actionList); got != 3 {
		t.Errorf("%d ListMessageContacts calls for 250 contacts, want 3 pages of 100", got)
	}
	if got := d.count(actionListVerification); got != 1 {
		t.Errorf("%d ListMessageContactVerifications calls for 50 pending targets, want 1", got)
	}
	if got := d.count(actionGet); got != 0 {
		t.Errorf("%d GetMessageContact calls, want 0: every read is in the snapshot", got)
	}
}

func TestSnapshot_allActiveNeedsNoVerifications(t *testing.T) {
	d := newFakeDirectory(30, 0)
	s := newBatchingClient(t, d).Snapshot()
	if _, err := s.Contact(context.Background(), fmt.Sprintf("c-%016d", 3)); err != nil {
		t.Fatal(err)
	}
	if got := d.count(actionListVerification); got != 0 {
		t.Errorf("%d ListMessageContactVerifications calls although every contact is Active, want 0", got)
	}
}

func TestSnapshot_concurrentReadsCoalesce(t *testing.T) {
	d := newFakeDirectory(120, 10)
	release := make(chan struct{})
	var once sync.Once
	started := make(chan struct{})
	d.beforeList = func(page int) {
		if page == 1 {
			once.Do(func() { close(started) })
			<-release
		}
	}
	s := newBatchingClient(t, d).Snapshot()

	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for i := range 60 {
		wg.Go(func() {
			v, err := s.Contact(context.Background(), fmt.Sprintf("c-%016d", i))
			if err == nil && v.Name != fmt.Sprintf("n%d", i) {
				err = fmt.Errorf("contact %d has name %s", i, v.Name)
			}
			errs <- err
		})
	}
	<-started
	time.Sleep(50 * time.Millisecond) // let the other readers queue behind the build
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := d.count(actionList); got != 2 {
		t.Errorf("60 concurrent reads made %d ListMessageContacts calls, want 2 (one build of 2 pages)", got)
	}
	if r := d.repeatedPages(); len(r) > 0 {
		t.Errorf("pages fetched more than once: %v", r)
	}
}

func TestSnapshot_readerLeavingDoesNotFailOthers(t *testing.T) {
	d := newFakeDirectory(10, 0)
	release := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	d.beforeList = func(int) {
		once.Do(func() { close(started) })
		<-release
	}
	s := newBatchingClient(t, d).Snapshot()

	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := s.Contact(first, fmt.Sprintf("c-%016d", 1))
		firstErr <- err
	}()
	<-started
	second := make(chan error, 1)
	go func() {
		_, err := s.Contact(context.Background(), fmt.Sprintf("c-%016d", 2))
		second <- err
	}()
	waitForReaders(s, 2) // the second reader has joined the build in flight
	cancel()
	if err := <-firstErr; err == nil {
		t.Error("the cancelled reader got no error")
	}
	close(release)
	if err := <-second; err != nil {
		t.Errorf("a reader still waiting failed when another left: %v", err)
	}
	if got := d.count(actionList); got != 1 {
		t.Errorf("%d list calls, want 1", got)
	}
}

// waitForReaders waits until n readers wait for the snapshot's build in
// flight.
func waitForReaders(s *Snapshot, n int) {
	for {
		s.mu.Lock()
		joined := s.pending != nil && s.pending.waiters >= n
		s.mu.Unlock()
		if joined {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSnapshot_pageSizeStepsDownAndIsRemembered(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(45, 45)
	d.maxPageSize = 20
	clock, advance := fakeClock()
	s := newBatchingClient(t, d, func(o *Options) { o.now = clock }).Snapshot()

	if _, err := s.Contact(ctx, fmt.Sprintf("c-%016d", 44)); err != nil {
		t.Fatal(err)
	}
	// 100 and 50 refused, then 3 pages of 20; the same for 90 targets
	// (100 and 50 refused, 5 pages of 20).
	if got := d.count(actionList); got != 2+3 {
		t.Errorf("first build: %d ListMessageContacts calls, want 5 (2 refused sizes, 3 pages)", got)
	}
	if got := d.count(actionListVerification); got != 2+5 {
		t.Errorf("first build: %d ListMessageContactVerifications calls, want 7 (2 refused sizes, 5 pages)", got)
	}

	advance(DefaultSnapshotMaxAge)
	if _, err := s.Contact(ctx, fmt.Sprintf("c-%016d", 44)); err != nil {
		t.Fatal(err)
	}
	if got := d.count(actionList); got != 5+3 {
		t.Errorf("after the snapshot expired: %d ListMessageContacts calls in all, want 8 (3 more pages of the size that worked)", got)
	}
	if got := d.count(actionListVerification); got != 7+5 {
		t.Errorf("after the snapshot expired: %d ListMessageContactVerifications calls in all, want 12", got)
	}
}

func TestSnapshot_noPageSizeAccepted(t *testing.T) {
	d := newFakeDirectory(5, 0)
	d.maxPageSize = 5
	c := newBatchingClient(t, d)
	// No step is accepted: batching gives way to direct reads, for good.
	v, err := c.Snapshot().Contact(context.Background(), fmt.Sprintf("c-%016d", 1))
	if err != nil || v.Name != "n1" {
		t.Fatalf("Contact = %+v, %v; want n1 read directly", v, err)
	}
	if _, err := c.Snapshot().Contact(context.Background(), fmt.Sprintf("c-%016d", 2)); err != nil {
		t.Fatal(err)
	}
	if got, want := d.count(actionList), len(pageSizeSteps); got != want {
		t.Errorf("%d list calls, want %d (each step once, then no more attempts)", got, want)
	}
	if got := d.count(actionGet); got != 2 {
		t.Errorf("%d GetMessageContact calls, want 2", got)
	}
}

func TestSnapshot_pageShifts(t *testing.T) {
	ctx := context.Background()

	t.Run("a contact skipped by a deletion is confirmed with Get", func(t *testing.T) {
		d := newFakeDirectory(150, 0)
		skipped := d.contacts[100].ContactID
		d.beforeList = func(page int) {
			if page == 2 {
				// Someone deletes the first contact between the pages:
				// contact 100 moves to page 1, which was already read.
				d.mu.Lock()
				d.contacts = d.contacts[1:]
				d.mu.Unlock()
			}
		}
		s := newBatchingClient(t, d).Snapshot()
		v, err := s.Contact(ctx, skipped)
		if err != nil || v.ContactID != skipped {
			t.Fatalf("Contact(%s) = %+v, %v; want it found", skipped, v, err)
		}
		if got := d.count(actionGet); got != 1 {
			t.Errorf("%d GetMessageContact calls, want 1 (the confirmation)", got)
		}
		// Gone for real: the confirmation says so.
		if _, err := s.Contact(ctx, "c-0000000000009999"); !IsNotFound(err) {
			t.Errorf("Contact of a missing contact: %v, want a not-found error", err)
		}
	})

	t.Run("a contact repeated by an insertion is one contact", func(t *testing.T) {
		d := newFakeDirectory(150, 0)
		d.beforeList = func(page int) {
			if page == 2 {
				d.mu.Lock()
				d.contacts = append([]MessageContact{fakeContact(5000, false)}, d.contacts...)
				d.mu.Unlock()
			}
		}
		s := newBatchingClient(t, d).Snapshot()
		all, err := s.Contacts(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, v := range all {
			if seen[v.ContactID] {
				t.Errorf("%s listed twice", v.ContactID)
			}
			seen[v.ContactID] = true
		}
		if len(all) != 150 {
			t.Errorf("%d contacts, want 150 (the one inserted at the front came after page 1)", len(all))
		}
	})
}

func TestSnapshot_writesInvalidate(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(20, 0)
	c := newBatchingClient(t, d)
	s := c.Snapshot()
	written, other := fmt.Sprintf("c-%016d", 3), fmt.Sprintf("c-%016d", 4)
	if _, err := s.Contact(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateMessageContact(ctx, UpdateMessageContactInput{ContactID: written, Name: new("renamed")}); err != nil {
		t.Fatal(err)
	}

	v, err := s.Contact(ctx, written)
	if err != nil || v.Name != "renamed" {
		t.Fatalf("after the update, Contact = %+v, %v; want the new name", v, err)
	}
	if got := d.count(actionGet); got != 1 {
		t.Errorf("%d GetMessageContact calls, want 1: the written contact is read fresh", got)
	}
	if _, err := s.Contact(ctx, other); err != nil {
		t.Fatal(err)
	}
	if got := d.count(actionGet); got != 1 || d.count(actionList) != 1 {
		t.Errorf("an untouched contact cost %d gets and %d lists in all, want 1 and 1 (served from the snapshot)", got, d.count(actionList))
	}

	// Listing everything reflects every write, an Add included.
	if _, err := c.AddMessageContact(ctx, AddMessageContactInput{Name: "added", EmailAddress: "a@example.com", Title: "CEO", MessageTypes: []string{"AccountExpenses"}}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Contacts(ctx, func(mc *MessageContact) bool { return mc.Name == "added" || mc.Name == "renamed" })
	if err != nil || len(all) != 2 {
		t.Fatalf("Contacts after the writes = %d, %v; want the renamed and the added contact", len(all), err)
	}
	if got := d.count(actionList); got != 2 {
		t.Errorf("%d list calls, want 2 (a rebuild after the writes)", got)
	}
}

func TestSnapshot_maxAge(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(5, 0)
	clock, advance := fakeClock()
	s := newBatchingClient(t, d, func(o *Options) { o.now = clock; o.SnapshotMaxAge = 10 * time.Second }).Snapshot()
	id := fmt.Sprintf("c-%016d", 1)
	for _, step := range []struct {
		advance   time.Duration
		wantLists int
	}{{0, 1}, {9 * time.Second, 1}, {time.Second, 2}, {5 * time.Second, 2}} {
		advance(step.advance)
		if _, err := s.Contact(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := d.count(actionList); got != step.wantLists {
			t.Fatalf("after %s more: %d list calls, want %d", step.advance, got, step.wantLists)
		}
	}
}

func TestSnapshot_verificationsPerContactWhenRequired(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(10, 3)
	d.verifyNeedsContactID = true
	clock, advance := fakeClock()
	s := newBatchingClient(t, d, func(o *Options) { o.now = clock }).Snapshot()
	for round := range 2 {
		v, err := s.Contact(ctx, fmt.Sprintf("c-%016d", 2))
		if err != nil || v.PendingEmailAddress != "new2@example.com" {
			t.Fatalf("round %d: Contact = %+v, %v; want the pending email", round, v, err)
		}
		advance(time.Hour)
	}
	// Round 1: one refused unfiltered call and 3 per-contact calls; round
	// 2: only the 3 per-contact calls.
	if got := d.count(actionListVerification); got != 1+3+3 {
		t.Errorf("%d ListMessageContactVerifications calls, want 7", got)
	}
}

func TestSnapshot_listRefusedFallsBackToDirectReads(t *testing.T) {
	d := newFakeDirectory(5, 0)
	d.listRefused = "Forbidden.RAM"
	s := newBatchingClient(t, d).Snapshot()
	for i := range 3 {
		if _, err := s.Contact(context.Background(), fmt.Sprintf("c-%016d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if d.count(actionList) != 1 || d.count(actionGet) != 3 {
		t.Errorf("%d list and %d get calls, want 1 refused list and then direct reads", d.count(actionList), d.count(actionGet))
	}
}

func TestSnapshot_off(t *testing.T) {
	d := newFakeDirectory(5, 2)
	s := newTestClient(t, d.ServeHTTP, func(o *Options) { o.RateLimit = -1 }).Snapshot()
	for i := range 5 {
		if _, err := s.Contact(context.Background(), fmt.Sprintf("c-%016d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if d.count(actionList) != 0 || d.count(actionGet) != 5 || d.count(actionListVerification) != 2 {
		t.Errorf("batching off: %d list, %d get, %d verification calls; want 0, 5, 2",
			d.count(actionList), d.count(actionGet), d.count(actionListVerification))
	}
}

// TestSnapshot_defaultMaxAgeOutlastsALongRefresh: by default one snapshot
// serves a refresh that reads for minutes (1000 resources took 36 s on a
// loaded machine, which outlived an earlier 30 s bound and cost a second
// snapshot); past DefaultSnapshotMaxAge it is rebuilt.
func TestSnapshot_defaultMaxAgeOutlastsALongRefresh(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(5, 0)
	clock, advance := fakeClock()
	s := newBatchingClient(t, d, func(o *Options) { o.now = clock }).Snapshot()
	for i, step := range []struct {
		advance   time.Duration
		wantLists int
	}{{0, 1}, {40 * time.Second, 1}, {2 * time.Minute, 1}, {DefaultSnapshotMaxAge - 2*time.Minute - 40*time.Second, 2}} {
		advance(step.advance)
		if _, err := s.Contact(ctx, fmt.Sprintf("c-%016d", i+1)); err != nil {
			t.Fatal(err)
		}
		if got := d.count(actionList); got != step.wantLists {
			t.Fatalf("after %s more: %d list calls, want %d", step.advance, got, step.wantLists)
		}
	}
}

// TestSnapshot_bindings: what a contact is bound to is known without a
// call from a listing at most BindingsMaxAge old, less what this client
// unbound since; any other write since, or an unbind that failed, leaves
// only GetMessageContact to tell, and an older listing is listed again.
func TestSnapshot_bindings(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(5, 0)
	d.contacts[1].Members = []string{"rd-k3Ux9d", "fd-prod", "1234567890"}
	clock, advance := fakeClock()
	c := newBatchingClient(t, d, func(o *Options) { o.now = clock })
	s := c.Snapshot()
	id, other := d.contacts[1].ContactID, d.contacts[2].ContactID
	expect := func(id string, wantOK bool, want ...string) {
		t.Helper()
		got, ok := s.Bindings(ctx, id)
		slices.Sort(got)
		slices.Sort(want)
		if ok != wantOK || (ok && !slices.Equal(got, want)) {
			t.Fatalf("Bindings(%s) = %v, %t; want %v, %t", id, got, ok, want, wantOK)
		}
	}

	expect(id, true, "rd-k3Ux9d", "fd-prod", "1234567890")
	// What this client unbinds is taken off, one call or several.
	if err := c.DisassociateMembers(ctx, id, []string{"rd-k3Ux9d"}); err != nil {
		t.Fatal(err)
	}
	expect(id, true, "fd-prod", "1234567890")
	if err := c.DisassociateMembers(ctx, id, []string{"fd-prod", "1234567890"}); err != nil {
		t.Fatal(err)
	}
	expect(id, true)
	if got := d.count(actionList) + d.count(actionGet); got != 1 {
		t.Errorf("%d list and get calls, want 1 (the listing)", got)
	}

	// A bind since the listing: only a read can tell.
	if err := c.AssociateMembers(ctx, other, []string{"fd-prod"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DisassociateMembers(ctx, other, []string{"rd-k3Ux9d"}); err != nil {
		t.Fatal(err)
	}
	expect(other, false)
	// So does an unbind that failed (it may have been committed in part),
	// even after one that succeeded.
	third := d.contacts[3].ContactID
	if err := c.DisassociateMembers(ctx, third, []string{"rd-k3Ux9d"}); err != nil {
		t.Fatal(err)
	}
	d.refuseBinds = "InvalidParameter.Members"
	if err := c.DisassociateMembers(ctx, third, []string{"fd-prod"}); err == nil {
		t.Fatal("the refused unbind succeeded")
	}
	expect(third, false)
	d.refuseBinds = ""

	// An older listing is not trusted: the next answer lists again, and
	// shows what the API now holds (the bind above included).
	advance(BindingsMaxAge)
	expect(other, true, "fd-prod")
	if got := d.count(actionList); got != 2 {
		t.Errorf("%d list calls, want 2 (the listing had passed BindingsMaxAge)", got)
	}
	expect(d.contacts[4].ContactID, true, "rd-k3Ux9d")
	if _, ok := s.Bindings(ctx, "c-0000000000009999"); ok {
		t.Error("Bindings of a contact the listing does not show reported ok")
	}

	off := newTestClient(t, d.ServeHTTP, func(o *Options) { o.RateLimit = -1 }).Snapshot()
	if _, ok := off.Bindings(ctx, id); ok {
		t.Error("Bindings with batching off reported ok")
	}
}

// fakeClock is a clock for Options.now that moves only when advance is
// called.
func fakeClock() (now func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	t := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return t },
		func(by time.Duration) { mu.Lock(); t = t.Add(by); mu.Unlock() }
}

// TestSnapshot_imports: the reads after imports share one snapshot started
// at the first of them, never one that an earlier read of the operation
// started (the plural data source of an adoption): a contact deleted in
// between is not found, and a contact skipped by shifting pages is
// confirmed with Get.
func TestSnapshot_imports(t *testing.T) {
	ctx := context.Background()
	id := func(i int) string { return fmt.Sprintf("c-%016d", i) }

	t.Run("deleted after the data source's read", func(t *testing.T) {
		d := newFakeDirectory(250, 0)
		s := newBatchingClient(t, d).Snapshot()
		// The data source lists everything (one snapshot).
		if all, err := s.Contacts(ctx, nil); err != nil || len(all) != 250 {
			t.Fatalf("Contacts = %d, %v", len(all), err)
		}
		lists := d.count(actionList)
		d.mu.Lock()
		d.contacts = slices.Delete(d.contacts, 7, 8) // contact 7 deleted by someone else
		d.mu.Unlock()

		if _, err := s.ImportedContact(ctx, id(7)); !IsNotFound(err) {
			t.Fatalf("import of the deleted contact: %v, want a not-found error", err)
		}
		if got := d.count(actionList) - lists; got != 3 {
			t.Errorf("the imports' snapshot cost %d list pages, want 3 (a new snapshot of 249 contacts)", got)
		}
		for i := 8; i < 250; i++ {
			v, err := s.ImportedContact(ctx, id(i))
			if err != nil || v.ContactID != id(i) {
				t.Fatalf("import of %s = %+v, %v", id(i), v, err)
			}
		}
		if got := d.count(actionList) - lists; got != 3 {
			t.Errorf("242 imports cost %d list pages in all, want 3: they share the imports' snapshot", got)
		}
		if got := d.count(actionGet); got != 1 {
			t.Errorf("%d GetMessageContact calls, want 1 (the deleted contact's confirmation)", got)
		}
		// Reads that are not imports keep using the newest snapshot.
		if _, err := s.Contact(ctx, id(9)); err != nil || d.count(actionList)-lists != 3 {
			t.Errorf("a refresh after the imports: %v, %d list pages, want none more", err, d.count(actionList)-lists)
		}
	})

	t.Run("a page shift between the list and the import", func(t *testing.T) {
		d := newFakeDirectory(150, 0)
		s := newBatchingClient(t, d).Snapshot()
		if _, err := s.Contacts(ctx, nil); err != nil {
			t.Fatal(err)
		}
		d.beforeList = func(page int) {
			if page == 2 {
				// The first contact goes between the pages of the imports'
				// snapshot: contact 100 moves to page 1, already read.
				d.mu.Lock()
				if d.contacts[0].ContactID == id(0) {
					d.contacts = d.contacts[1:]
				}
				d.mu.Unlock()
			}
		}
		v, err := s.ImportedContact(ctx, id(100))
		if err != nil || v.ContactID != id(100) {
			t.Fatalf("import of a contact the pages skipped = %+v, %v; want it found", v, err)
		}
		if got := d.count(actionGet); got != 1 {
			t.Errorf("%d GetMessageContact calls, want 1 (the confirmation)", got)
		}
	})

	t.Run("a write since the snapshot reads fresh", func(t *testing.T) {
		d := newFakeDirectory(20, 0)
		c := newBatchingClient(t, d)
		if _, err := c.Snapshot().ImportedContact(ctx, id(1)); err != nil {
			t.Fatal(err)
		}
		if err := c.UpdateMessageContact(ctx, UpdateMessageContactInput{ContactID: id(2), Name: new("renamed")}); err != nil {
			t.Fatal(err)
		}
		v, err := c.Snapshot().ImportedContact(ctx, id(2))
		if err != nil || v.Name != "renamed" {
			t.Fatalf("import after a write = %+v, %v; want the new name", v, err)
		}
		if d.count(actionGet) != 1 || d.count(actionList) != 1 {
			t.Errorf("%d gets and %d lists, want 1 and 1", d.count(actionGet), d.count(actionList))
		}
	})
}
