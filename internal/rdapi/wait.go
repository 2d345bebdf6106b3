package rdapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Polling intervals of ReadNewContact and WaitForDeletion: they start short
// (the API is usually quick) and back off to the cap.
const (
	pollMin = 250 * time.Millisecond
	pollMax = 5 * time.Second
)

// poll calls step until it reports done or fails, pausing between calls
// (pollMin, doubling up to pollMax) with the client's sleeper. When ctx ends
// during a pause, poll returns expired(ctx's error).
func (c *Client) poll(ctx context.Context, step func() (done bool, err error), expired func(error) error) error {
	wait := pollMin
	for {
		done, err := step()
		if done || err != nil {
			return err
		}
		if err := c.sleep(ctx, wait); err != nil {
			return expired(err)
		}
		wait = min(wait*2, pollMax)
	}
}

// sleepCtx waits for d or until ctx ends: the client's default sleeper, for
// retries and polls.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ReadNewContact reads a contact just created, polling while the API does
// not show it yet (eventual consistency), until ctx ends.
func (c *Client) ReadNewContact(ctx context.Context, contactID string) (*Contact, error) {
	var (
		v       *Contact
		lastErr error
	)
	err := c.poll(ctx, func() (bool, error) {
		var err error
		v, err = c.ReadContact(ctx, contactID)
		if err == nil || !IsNotFound(err) {
			return true, err
		}
		lastErr = err
		return false, nil
	}, func(ctxErr error) error {
		return fmt.Errorf("%w (gave up waiting: %w)", lastErr, ctxErr)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// DeletionFailedError is an asynchronous deletion that the API reports as
// Failed: the contact still exists.
type DeletionFailedError struct {
	ContactID string
	// Reasons names the member accounts whose contact settings could not be
	// cleaned up; the API may give none.
	Reasons []DeletionFailReason
}

func (e *DeletionFailedError) Error() string {
	accounts := make([]string, 0, len(e.Reasons))
	for _, r := range e.Reasons {
		accounts = append(accounts, r.AccountID)
	}
	return fmt.Sprintf("the deletion of message contact %s failed (member accounts: %s)", e.ContactID, strings.Join(accounts, ", "))
}

// WaitForDeletion waits for an asynchronous deletion (DeleteMessageContact
// with Status Deleting) until the contact is gone, the API reports it
// Failed (a *DeletionFailedError), or ctx ends. It returns the contact as a
// listing last showed it during the wait (nil if none did), for what it
// was still bound to.
//
// With batched reads on, every deletion of the client in flight is
// observed together (see deletionWatch): one ListMessageContacts round
// answers for all of them. Off, each polls GetMessageContactDeletionStatus.
func (c *Client) WaitForDeletion(ctx context.Context, contactID string) (*MessageContact, error) {
	if c.snapshot.batching() {
		return c.deletions.wait(ctx, c, contactID)
	}
	return nil, c.waitForDeletionAlone(ctx, contactID)
}

// deletionExpired is the error of a wait whose context ended.
func deletionExpired(status string, err error) error {
	return fmt.Errorf("still %s when the delete timeout expired: %w", status, err)
}

// waitForDeletionAlone polls one deletion's status.
func (c *Client) waitForDeletionAlone(ctx context.Context, contactID string) error {
	status := DeletionStatusDeleting
	expired := func(err error) error { return deletionExpired(status, err) }
	// seen records that the status call has shown the deletion task: once
	// it has, the task's disappearance means the deletion finished (a
	// failed one stays, as Failed).
	seen := false
	// The delete has just answered Deleting: the first look comes after a
	// pause, not at once (it would only say Deleting again).
	if err := c.sleep(ctx, pollMin); err != nil {
		return expired(err)
	}
	return c.poll(ctx, func() (bool, error) {
		st, err := c.GetMessageContactDeletionStatus(ctx, contactID)
		switch {
		case err == nil:
			seen = true
		case IsNotFound(err) && seen:
			return true, nil
		case IsNotFound(err):
			// No deletion task yet: either the contact is already gone, or
			// (so the API may say) the task is not visible yet. Ask for the
			// contact itself.
			mc, getErr := c.GetMessageContact(ctx, contactID)
			switch {
			case IsNotFound(getErr):
				return true, nil
			case getErr != nil && outOfTime(ctx):
				return false, expired(getErr)
			case getErr != nil:
				return false, getErr
			case mc.Status != StatusDeleting:
				return false, deletionEndedError(contactID, mc.Status)
			}
			st, err = &ContactDeletionStatus{ContactID: contactID, Status: DeletionStatusDeleting}, nil
		}
		switch {
		case err != nil && outOfTime(ctx):
			// The time ran out during a call rather than between two.
			return false, expired(err)
		case err != nil:
			return false, err
		case st.Status == DeletionStatusFailed:
			return false, &DeletionFailedError{ContactID: contactID, Reasons: st.FailReasons}
		}
		status = st.Status
		return false, nil
	}, expired)
}

func deletionEndedError(contactID, status string) error {
	return fmt.Errorf("the deletion ended but message contact %s still exists (status %s)", contactID, status)
}

// DeletionStatusBound is how long a contact may stay Deleting in the
// listings before a batched wait also asks GetMessageContactDeletionStatus
// about it (then at most every pollMax): the listing cannot tell a slow
// deletion from one the API failed but still lists as Deleting. The
// member clean-up of a deletion takes seconds, so half a minute leaves the
// common case to the listings alone and bounds how late a failure that the
// listings hide is reported.
const DeletionStatusBound = 30 * time.Second

// deletionWatch observes the asynchronous deletions of one client
// together. A Terraform destroy deletes each contact in its own call, and
// each waits for its deletion; rather than each polling its status (two
// calls per contact at least), the waits share rounds of
// ListMessageContacts pages, one round at a time, the first pollMin after
// the earliest delete answered and then every pollMin while the rounds
// settle something, backing off to pollMax while they do not. In a round:
//   - a contact listed as Deleting is still being deleted;
//   - a contact listed with another status ended its deletion and exists:
//     GetMessageContactDeletionStatus says why (Failed and its
//     FailReasonList), the one thing a listing cannot;
//   - a contact not listed is gone only if a reply shows where it would be
//     (between two contacts that came before and after it in an earlier
//     listing, before the first contact of page 1, or after the last of a
//     short last page): offset pages shift while contacts disappear, and
//     a contact at a page boundary may have moved onto a page already read;
//     it is then looked for again in the next round. A contact the
//     listings never placed is confirmed with GetMessageContact, as reads
//     confirm absence, and so is every absence of a round whose replies
//     contradict the earlier order (the API's order is undocumented; the
//     rule relies on contacts keeping their relative order);
//   - past DeletionStatusBound, a contact still Deleting is also asked
//     about with GetMessageContactDeletionStatus.
type deletionWatch struct {
	mu      sync.Mutex
	waiters map[string][]*deletionWaiter
	// rank is the position of each contact in the first listing that
	// showed it: where a contact no longer listed would sit.
	rank     map[string]int
	nextRank int
	loop     *struct{ cancel context.CancelFunc }
	// fresh reports a waiter that no round has seen yet; wake, set while
	// the loop sleeps longer than pollMin, ends that sleep.
	fresh bool
	wake  context.CancelFunc
}

// errWaitAlone tells the waits of a round that listing was refused for
// good: each polls its own deletion status instead.
var errWaitAlone = errors.New("listing refused: waiting for the deletion alone")

type deletionWaiter struct {
	id    string
	since time.Time
	done  chan struct{}
	err   error
	// seen is the contact as a round last listed it; askedAt is when
	// GetMessageContactDeletionStatus was last asked about it.
	seen    *MessageContact
	askedAt time.Time
	// unplaced counts the rounds in a row that could not place it.
	unplaced int
}

func (w *deletionWaiter) finish(err error) {
	w.err = err
	close(w.done)
}

// wait registers a waiter for contactID and waits for a round to settle
// it, or for ctx to end.
func (d *deletionWatch) wait(ctx context.Context, c *Client, contactID string) (*MessageContact, error) {
	w := &deletionWaiter{id: contactID, since: c.now(), done: make(chan struct{})}
	d.mu.Lock()
	if d.waiters == nil {
		d.waiters = map[string][]*deletionWaiter{}
		d.rank = map[string]int{}
	}
	d.waiters[contactID] = append(d.waiters[contactID], w)
	d.fresh = true
	if d.wake != nil {
		// The loop is backing off: the new deletion's first look comes
		// pollMin after its delete, not after the back-off.
		d.wake()
		d.wake = nil
	}
	if d.loop == nil {
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		loop := &struct{ cancel context.CancelFunc }{cancel}
		d.loop = loop
		go d.run(lctx, c, loop)
	}
	d.mu.Unlock()

	select {
	case <-w.done:
		if errors.Is(w.err, errWaitAlone) {
			return w.seen, c.waitForDeletionAlone(ctx, contactID)
		}
		return w.seen, w.err
	case <-ctx.Done():
		d.mu.Lock()
		d.waiters[contactID] = slices.DeleteFunc(d.waiters[contactID], func(o *deletionWaiter) bool { return o == w })
		if len(d.waiters[contactID]) == 0 {
			delete(d.waiters, contactID)
		}
		if len(d.waiters) == 0 && d.loop != nil {
			d.loop.cancel()
			d.loop = nil
		}
		seen := w.seen
		d.mu.Unlock()
		select {
		case <-w.done: // settled meanwhile
			if !errors.Is(w.err, errWaitAlone) {
				return seen, w.err
			}
		default:
		}
		return seen, deletionExpired(DeletionStatusDeleting, ctx.Err())
	}
}

// run plays rounds while anyone waits.
func (d *deletionWatch) run(ctx context.Context, c *Client, self *struct{ cancel context.CancelFunc }) {
	defer self.cancel()
	interval := pollMin
	for {
		d.mu.Lock()
		if d.loop != self {
			d.mu.Unlock()
			return
		}
		if len(d.waiters) == 0 {
			d.loop = nil
			d.mu.Unlock()
			return
		}
		// The first look at a deletion comes pollMin after its delete
		// answered Deleting (at once it would only say Deleting again).
		earliest := time.Time{}
		for _, ws := range d.waiters {
			for _, w := range ws {
				if earliest.IsZero() || w.since.Before(earliest) {
					earliest = w.since
				}
			}
		}
		if d.fresh {
			interval = pollMin
		}
		wait := max(interval, pollMin-c.now().Sub(earliest))
		sleepCtx, wake := context.WithCancel(ctx)
		if wait > pollMin {
			d.wake = wake
		}
		d.mu.Unlock()
		err := c.sleep(sleepCtx, wait)
		wake()
		d.mu.Lock()
		d.wake = nil
		d.mu.Unlock()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			continue // woken by a new deletion
		}
		if d.round(ctx, c) {
			interval = pollMin
		} else {
			interval = min(interval*2, pollMax)
		}
	}
}

// round lists the directory once and settles what it can; it reports
// whether it settled any wait.
func (d *deletionWatch) round(ctx context.Context, c *Client) bool {
	d.mu.Lock()
	d.fresh = false
	ids := make([]string, 0, len(d.waiters))
	for id := range d.waiters {
		ids = append(ids, id)
	}
	if len(d.rank) == 0 {
		// Start from the order of the operation's snapshot, if it has one:
		// it places contacts deleted before the first round.
		if snap := c.snapshot.current(); snap != nil {
			for _, id := range snap.order {
				d.rank[id] = d.nextRank
				d.nextRank++
			}
		}
	}
	d.mu.Unlock()

	var (
		replies [][]MessageContact
		ended   bool
	)
	listed := map[string]MessageContact{}
	s := c.snapshot
	err := s.withPageSize(&s.listSize, func(size int) error {
		replies, listed = replies[:0], map[string]MessageContact{}
		in := ListMessageContactsInput{PageSize: size, ahead: snapshotPagesAhead,
			replies: func(r []MessageContact) { replies = append(replies, r) }}
		for mc, err := range c.ListMessageContacts(ctx, in) {
			if err != nil {
				return err
			}
			listed[mc.ContactID] = mc
		}
		// A short last reply shows where the list ended at that instant.
		n := len(replies)
		ended = n > 0 && len(replies[n-1]) > 0 && len(replies[n-1]) < min(size, MaxPageSize)
		return nil
	})
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return false
	case s.fallback(err):
		// Listing is refused for good (batching is now off): each wait
		// polls its own status.
		d.settleAll(errWaitAlone)
		return true
	default:
		// Whoever waits is told; a later wait starts a new round.
		d.settleAll(err)
		return true
	}

	d.mu.Lock()
	for _, r := range replies {
		for _, mc := range r {
			if _, ok := d.rank[mc.ContactID]; !ok {
				d.rank[mc.ContactID] = d.nextRank
				d.nextRank++
			}
		}
	}
	ordered := d.ordered(replies)
	rank := maps.Clone(d.rank)
	d.mu.Unlock()

	settled := false
	for _, id := range ids {
		mc, isListed := listed[id]
		var (
			done bool
			err  error
			seen *MessageContact
		)
		switch {
		case isListed && mc.Status == StatusDeleting:
			seen = &mc
			done, err = d.pastBound(ctx, c, id)
		case isListed:
			seen = &mc
			done, err = true, c.deletionEnded(ctx, id, mc.Status)
		case ordered && placed(rank, id, replies, ended):
			done = true
		case !ordered || !hasRank(rank, id) || d.unplacedAgain(id):
			done, err = c.confirmDeleted(ctx, id)
		}
		if ctx.Err() != nil {
			return settled
		}
		d.mu.Lock()
		for _, w := range d.waiters[id] {
			if seen != nil {
				w.seen = seen
				w.unplaced = 0
			}
			if done || err != nil {
				w.finish(err)
			}
		}
		if done || err != nil {
			delete(d.waiters, id)
			settled = true
		}
		d.mu.Unlock()
	}
	return settled
}

// unplacedAgain counts a round that neither listed contact id nor showed
// where it would be, and reports whether the round before did the same: a
// contact at a page boundary of a directory that no longer changes is
// never placed, so the second such round confirms it with
// GetMessageContact (a contact that shifting pages skipped is usually
// listed by the next round).
func (d *deletionWatch) unplacedAgain(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	again := false
	for _, w := range d.waiters[id] {
		w.unplaced++
		again = again || w.unplaced >= 2
	}
	return again
}

// settleAll ends every wait with err.
func (d *deletionWatch) settleAll(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, ws := range d.waiters {
		for _, w := range ws {
			w.finish(err)
		}
		delete(d.waiters, id)
	}
}

// ordered reports whether every reply lists the contacts it shares with
// earlier listings in their earlier order. It runs with d.mu held.
func (d *deletionWatch) ordered(replies [][]MessageContact) bool {
	for _, r := range replies {
		last := -1
		for _, mc := range r {
			k := d.rank[mc.ContactID]
			if k < last {
				return false
			}
			last = k
		}
	}
	return true
}

func hasRank(rank map[string]int, id string) bool {
	_, ok := rank[id]
	return ok
}

// placed reports whether one of replies shows where contact id would be,
// had it been there when the reply was made: between two consecutive
// contacts ranked before and after it, before the first contact of page 1
// (or on an empty page 1), or after the last contact of the last reply when
// the list ended there.
func placed(rank map[string]int, id string, replies [][]MessageContact, ended bool) bool {
	k, ok := rank[id]
	if !ok || len(replies) == 0 {
		return false
	}
	if first := replies[0]; len(first) == 0 || rank[first[0].ContactID] > k {
		return true
	}
	for _, r := range replies {
		for j := 0; j+1 < len(r); j++ {
			if rank[r[j].ContactID] < k && rank[r[j+1].ContactID] > k {
				return true
			}
		}
	}
	last := replies[len(replies)-1]
	return ended && rank[last[len(last)-1].ContactID] < k
}

// pastBound asks GetMessageContactDeletionStatus about a contact still
// Deleting once its wait has passed DeletionStatusBound (then at most every
// pollMax).
func (d *deletionWatch) pastBound(ctx context.Context, c *Client, id string) (bool, error) {
	now := c.now()
	d.mu.Lock()
	ask := false
	for _, w := range d.waiters[id] {
		if now.Sub(w.since) >= DeletionStatusBound && now.Sub(w.askedAt) >= pollMax {
			ask = true
			w.askedAt = now
		}
	}
	d.mu.Unlock()
	if !ask {
		return false, nil
	}
	if st, err := c.GetMessageContactDeletionStatus(ctx, id); err == nil && st.Status == DeletionStatusFailed {
		return true, &DeletionFailedError{ContactID: id, Reasons: st.FailReasons}
	}
	// Deleting; not found (the listing says Deleting: the next round
	// tells); or no answer (asked again past the next interval, and the
	// listing still answers meanwhile).
	return false, nil
}

// deletionEnded explains a contact listed again with status after its
// deletion: the status call has the FailReasonList of a failed deletion.
func (c *Client) deletionEnded(ctx context.Context, id, status string) error {
	st, err := c.GetMessageContactDeletionStatus(ctx, id)
	switch {
	case err == nil && st.Status == DeletionStatusFailed:
		return &DeletionFailedError{ContactID: id, Reasons: st.FailReasons}
	case err == nil || IsNotFound(err):
		return deletionEndedError(id, status)
	default:
		return err
	}
}

// confirmDeleted reads a contact that a round could not place: gone, still
// Deleting, or back with another status (the deletion ended without
// removing it).
func (c *Client) confirmDeleted(ctx context.Context, id string) (bool, error) {
	mc, err := c.GetMessageContact(ctx, id)
	switch {
	case IsNotFound(err):
		return true, nil
	case err == nil && mc.Status != StatusDeleting:
		return true, c.deletionEnded(ctx, id, mc.Status)
	}
	// Still Deleting, or no answer now: the next round looks again.
	return false, nil
}

// outOfTime reports whether ctx has ended or its deadline has passed (the
// context's timer may fire late on a loaded machine).
func outOfTime(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && !time.Now().Before(deadline)
}
