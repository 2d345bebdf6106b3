package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Batched reads.
//
// A Terraform operation (plan, apply, refresh) runs one provider process,
// which reads every contact, binding and member set in it: one
// GetMessageContact each, plus one ListMessageContactVerifications per
// contact still Verifying. With batching on, the client serves those reads
// from a snapshot of the whole directory built from ListMessageContacts
// pages (and, only if some contact is not Active, unfiltered
// ListMessageContactVerifications pages): 500 contacts cost 5 calls, not
// 500, and leave the account's GetMessageContact quota to others.
//
// The snapshot is a cache of one operation and is kept correct by:
//   - age: it is never used when older than Options.SnapshotMaxAge (default
//     DefaultSnapshotMaxAge), counted from the moment its first page was
//     requested;
//   - writes: every write of this client marks the contact it touched, and
//     a marked contact is read fresh (GetMessageContact) until a snapshot
//     built after the write replaces the current one; an Add or a Delete
//     changes the set of contacts, so whole-directory reads (Contacts)
//     rebuild the snapshot after any write;
//   - absence: a contact missing from the snapshot is read with
//     GetMessageContact before the caller is told it is gone (offset pages
//     shift when others create or delete contacts while they are read);
//   - coalescing: concurrent reads wait for one build in flight, so no page
//     is fetched twice; the build is cancelled only when every reader
//     waiting for it has gone.
//
// Imports read from a snapshot too (ImportedContact), under one more rule:
// the snapshot must have been started at or after the first import read of
// the process, so that a contact deleted after an earlier read of the same
// operation (the plural data source that an adoption's import blocks
// iterate over) is not imported from a view that predates its deletion.
//
// What a call needs fresh (the read after a write, after a create) goes to
// ReadContact instead.

// DefaultSnapshotMaxAge bounds the age of a batched-read snapshot. The
// snapshot is the cache of one operation: Terraform starts a provider
// process per plan, apply or refresh, and a plan's refresh reads every
// resource in one burst, so one snapshot should serve the whole burst. The
// bound is therefore set by the longest refresh rather than by a clock: a
// refresh of 1000 resources took 36 s on a loaded two-core machine (which
// outlived an earlier 30 s bound and cost a second snapshot), and five
// minutes covers several thousand. A change made outside Terraform during
// the operation is seen by the next one, as when every resource is read in
// turn; a process that lives longer (a long apply) builds a new snapshot
// for the reads that come after the bound.
const DefaultSnapshotMaxAge = 5 * time.Minute

// snapshotBuildTimeout bounds one snapshot build, which runs detached from
// the context of the read that started it (other reads wait for it too).
const snapshotBuildTimeout = 5 * time.Minute

// pageSizeSteps are the page sizes tried, largest first, when the API
// refuses one with InvalidParameter.PageSize. The maximum is undocumented;
// MaxPageSize is what the other Resource Directory list operations accept.
var pageSizeSteps = []int{MaxPageSize, 50, 20, 10}

// Snapshot serves contact reads of one operation; get it with
// Client.Snapshot. With batching off (Options.BatchReads false) every
// method reads from the API directly. It is safe for concurrent use.
type Snapshot struct {
	c      *Client
	on     bool
	maxAge time.Duration

	// listSize and verifySize are the page sizes that worked last (0: not
	// yet known); verifyPerContact records that the API refused an
	// unfiltered ListMessageContactVerifications.
	listSize         atomic.Int64
	verifySize       atomic.Int64
	verifyPerContact atomic.Bool

	mu sync.Mutex
	// gen counts writes; touched holds, per contact, the gen of its latest
	// write (the key "" stands for writes that add contacts).
	gen     uint64
	touched map[string]uint64
	// unbinds holds, per contact, the run of successful DisassociateMembers
	// calls that are its latest writes (see Bindings).
	unbinds map[string]*unbindRun
	cur     *snapshot
	pending *snapshotBuild
	// broken is set when listing was refused (for example not permitted):
	// reads then go to the API one by one, as with batching off.
	broken bool
	// builds counts the builds started; importFloor, set by the first
	// import read, is the number started before it: an import is served
	// only by a later build.
	builds      uint64
	importFloor uint64
	importing   bool
}

// snapshot is one build: every contact of the directory, with its pending
// targets.
type snapshot struct {
	gen uint64
	// seq numbers the builds of one Snapshot from 1.
	seq      uint64
	at       time.Time
	contacts map[string]*Contact
	order    []string
}

type snapshotBuild struct {
	seq     uint64
	done    chan struct{}
	snap    *snapshot
	err     error
	waiters int
	cancel  context.CancelFunc
}

func newSnapshot(c *Client, on bool, maxAge time.Duration) *Snapshot {
	if maxAge <= 0 {
		maxAge = DefaultSnapshotMaxAge
	}
	return &Snapshot{c: c, on: on, maxAge: maxAge, touched: map[string]uint64{}, unbinds: map[string]*unbindRun{}}
}

// unbindRun is a run of writes to one contact that were all successful
// unbinds: every write of it after gen since, up to its latest, removed
// members. Any other write of the contact ends the run (touch).
type unbindRun struct {
	since   uint64
	members []string
}

// Snapshot returns the client's batched-read snapshot.
func (c *Client) Snapshot() *Snapshot { return c.snapshot }

// Enabled reports whether reads are batched.
func (s *Snapshot) Enabled() bool { return s.on }

// touch records a write of contactID ("" for a write that adds a contact).
// The client calls it after every write, whatever its outcome: a failed
// write may have been committed. unbound names the members a
// DisassociateMembers call certainly removed (it succeeded); nil for any
// other write.
func (s *Snapshot) touch(contactID string, unbound []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.touched[contactID]
	s.gen++
	s.touched[contactID] = s.gen
	if len(unbound) == 0 {
		delete(s.unbinds, contactID)
		return
	}
	run := s.unbinds[contactID]
	if run == nil {
		run = &unbindRun{since: prev}
		s.unbinds[contactID] = run
	}
	run.members = append(run.members, unbound...)
}

// BindingsMaxAge bounds the age of the listing that Bindings answers from.
// A binding made by someone else after that listing is not in its answer:
// the bound keeps that window short (a destroy of 500 contacts takes about
// half a minute at the API's quota, so one listing serves it), and a
// longer operation lists again.
const BindingsMaxAge = 30 * time.Second

// Bindings returns the objects contact id is bound to as far as this
// operation knows without reading the contact alone: its Members in a
// listing at most BindingsMaxAge old, less the members that this client's
// DisassociateMembers calls removed since. ok is false when only
// GetMessageContact could tell: batching is off, the listing does not show
// the contact, or this client wrote it since in any other way (a bind, a
// failed unbind, an update).
func (s *Snapshot) Bindings(ctx context.Context, id string) (members []string, ok bool) {
	snap, err := s.get(ctx, need{maxAge: BindingsMaxAge})
	if snap == nil || err != nil {
		return nil, false
	}
	v, listed := snap.contacts[id]
	if !listed {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.touched[id] <= snap.gen {
		return slices.Clone(v.Members), true
	}
	run := s.unbinds[id]
	if run == nil || run.since > snap.gen {
		return nil, false
	}
	// The listing may or may not show the unbinds that overlap its build:
	// removing them again is harmless.
	return slices.DeleteFunc(slices.Clone(v.Members), func(m string) bool { return slices.Contains(run.members, m) }), true
}

// Contact returns contact id with its pending targets, from the snapshot
// when batching is on. A contact absent from the snapshot is confirmed
// with GetMessageContact; a missing contact is an error that satisfies
// IsNotFound, as from ReadContact.
func (s *Snapshot) Contact(ctx context.Context, id string) (*Contact, error) {
	return s.contact(ctx, id, 0)
}

// ImportedContact is Contact for the read that follows an import: it is
// served only by a snapshot started at or after the first import read of
// this Snapshot (a contact deleted after an earlier read of the same
// operation then fails its import, as with a fresh read). Every import of
// an operation shares that one snapshot.
func (s *Snapshot) ImportedContact(ctx context.Context, id string) (*Contact, error) {
	s.mu.Lock()
	if !s.importing {
		s.importing = true
		s.importFloor = s.builds
	}
	floor := s.importFloor
	s.mu.Unlock()
	return s.contact(ctx, id, floor)
}

// contact serves Contact from a snapshot whose build number is above
// floor.
func (s *Snapshot) contact(ctx context.Context, id string, floor uint64) (*Contact, error) {
	if id == "" {
		return nil, errNoContactID(actionGet)
	}
	snap, err := s.get(ctx, need{floor: floor})
	if snap == nil || err != nil {
		if err != nil && !s.fallback(err) {
			return nil, err
		}
		return s.c.ReadContact(ctx, id)
	}
	s.mu.Lock()
	written := s.touched[id] > snap.gen
	s.mu.Unlock()
	if v, ok := snap.contacts[id]; ok && !written {
		out := *v
		return &out, nil
	}
	return s.c.ReadContact(ctx, id)
}

// ContactByName returns the contact named name, or nil when none is (names
// are unique within a resource directory).
func (s *Snapshot) ContactByName(ctx context.Context, name string) (*Contact, error) {
	found, err := s.Contacts(ctx, func(mc *MessageContact) bool { return mc.Name == name })
	switch {
	case err != nil:
		return nil, err
	case len(found) > 0:
		return found[0], nil
	case !s.batching():
		return nil, nil
	}
	// Not in the snapshot: look again without it (the contact may have
	// been created since, or skipped by shifting pages).
	mc, err := s.c.FindContactByName(ctx, name)
	if err != nil || mc == nil {
		return nil, err
	}
	return s.c.WithPending(ctx, *mc)
}

// Contacts returns the contacts of the directory that keep accepts (nil
// keeps all), in the API's order, with their pending targets. With
// batching on it reuses the snapshot unless this client wrote since it was
// built; with batching off it lists the contacts and reads the pending
// targets of the kept ones.
func (s *Snapshot) Contacts(ctx context.Context, keep func(*MessageContact) bool) ([]*Contact, error) {
	snap, err := s.get(ctx, need{whole: true})
	if err != nil && !s.fallback(err) {
		return nil, err
	}
	var out []*Contact
	if snap == nil {
		for mc, err := range s.c.ListMessageContacts(ctx, ListMessageContactsInput{}) {
			if err != nil {
				return nil, err
			}
			if keep != nil && !keep(&mc) {
				continue
			}
			v, err := s.c.WithPending(ctx, mc)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	for _, id := range snap.order {
		v := *snap.contacts[id]
		if keep == nil || keep(&v.MessageContact) {
			out = append(out, &v)
		}
	}
	return out, nil
}

// batching reports whether reads are served from snapshots: batching is on
// and has not been given up.
func (s *Snapshot) batching() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.on && !s.broken
}

// fallback reports whether a failed build should give way to direct reads:
// the API refused the listing for a reason retries cannot fix (a permission
// the caller lacks, a page size no step accepts). Batching stays off for
// the rest of the client's life.
func (s *Snapshot) fallback(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	if !ok || IsThrottled(err) || e.StatusCode >= http.StatusInternalServerError {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken = true
	return true
}

// need says what a read needs of a snapshot beyond the usual age bound.
type need struct {
	// whole asks for one that reflects every write of this client, as
	// listing the whole directory needs.
	whole bool
	// floor asks for one whose build number is above it (imports).
	floor uint64
	// maxAge, when set, is a tighter age bound than the snapshot's own.
	maxAge time.Duration
}

// get returns a snapshot fit for use, building one if needed; nil (and no
// error) when batching is off.
func (s *Snapshot) get(ctx context.Context, n need) (*snapshot, error) {
	if !s.on {
		return nil, nil
	}
	s.mu.Lock()
	if s.broken {
		s.mu.Unlock()
		return nil, nil
	}
	maxAge := s.maxAge
	if n.maxAge > 0 {
		maxAge = min(maxAge, n.maxAge)
	}
	if cur := s.cur; cur != nil && s.c.now().Sub(cur.at) < maxAge && (!n.whole || cur.gen == s.gen) && cur.seq > n.floor {
		s.mu.Unlock()
		return cur, nil
	}
	b := s.pending
	if b == nil || b.seq <= n.floor {
		// None in flight, or one started too early for this read: start
		// another (the earlier one still serves its own readers).
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotBuildTimeout)
		s.builds++
		b = &snapshotBuild{seq: s.builds, done: make(chan struct{}), cancel: cancel}
		s.pending = b
		gen := s.gen
		go s.build(bctx, b, gen)
	}
	b.waiters++
	s.mu.Unlock()

	select {
	case <-b.done:
		return b.snap, b.err
	case <-ctx.Done():
		s.mu.Lock()
		b.waiters--
		last := b.waiters == 0
		if last {
			// Nobody waits any more: stop, and let the next read start
			// afresh rather than join a cancelled build.
			b.cancel()
			if s.pending == b {
				s.pending = nil
			}
		}
		s.mu.Unlock()
		if last {
			// The build stops promptly once cancelled; its error carries the
			// API's last answer (a refresh that ran out of time under 5xx
			// says ServiceUnavailable, not just "context deadline exceeded").
			select {
			case <-b.done:
				if b.err != nil {
					return nil, fmt.Errorf("%w (%w)", b.err, ctx.Err())
				}
			case <-time.After(cancelledBuildWait):
			}
		}
		return nil, ctx.Err()
	}
}

// cancelledBuildWait bounds how long a reader whose time ran out waits for
// the cancelled build to report why it had not finished.
const cancelledBuildWait = 2 * time.Second

func (s *Snapshot) build(ctx context.Context, b *snapshotBuild, gen uint64) {
	defer b.cancel()
	snap, err := s.fetch(ctx, gen)
	s.mu.Lock()
	if snap != nil {
		snap.seq = b.seq
	}
	b.snap, b.err = snap, err
	if err == nil && (s.cur == nil || s.cur.seq < snap.seq) {
		s.cur = snap
	}
	if s.pending == b {
		s.pending = nil
	}
	s.mu.Unlock()
	close(b.done)
}

// snapshotPagesAhead is how many ListMessageContacts pages a snapshot
// fetches ahead of the one it is reading: 500 contacts (five pages) take two
// round trips instead of five, well inside the action's quota of 20 calls/s.
const snapshotPagesAhead = 4

// fetch reads every contact, then, if some contact is not Active, every
// pending target.
func (s *Snapshot) fetch(ctx context.Context, gen uint64) (*snapshot, error) {
	snap := &snapshot{gen: gen, at: s.c.now(), contacts: map[string]*Contact{}}
	err := s.withPageSize(&s.listSize, func(size int) error {
		clear(snap.contacts)
		snap.order = snap.order[:0]
		for mc, err := range s.c.ListMessageContacts(ctx, ListMessageContactsInput{PageSize: size, ahead: snapshotPagesAhead}) {
			if err != nil {
				return err
			}
			snap.contacts[mc.ContactID] = &Contact{MessageContact: mc}
			snap.order = append(snap.order, mc.ContactID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var unverified []*Contact
	for _, id := range snap.order {
		if v := snap.contacts[id]; v.Status != StatusActive {
			unverified = append(unverified, v)
		}
	}
	if len(unverified) == 0 {
		return snap, nil
	}
	if !s.verifyPerContact.Load() {
		targets := map[string][]string{}
		err := s.withPageSize(&s.verifySize, func(size int) error {
			clear(targets)
			for cv, err := range s.c.listVerifications(ctx, "", size) {
				if err != nil {
					return err
				}
				targets[cv.ContactID] = append(targets[cv.ContactID], cv.Target)
			}
			return nil
		})
		switch {
		case err == nil:
			for _, v := range unverified {
				v.setPending(targets[v.ContactID])
			}
			return snap, nil
		case IsCode(err, CodeMissingContactID, CodeInvalidContactID):
			// The API wants a ContactId after all: ask per contact from
			// now on.
			s.verifyPerContact.Store(true)
		default:
			return nil, err
		}
	}
	for _, v := range unverified {
		full, err := s.c.WithPending(ctx, v.MessageContact)
		if err != nil {
			return nil, err
		}
		*v = *full
	}
	return snap, nil
}

// withPageSize runs list with the largest page size the API accepts,
// starting from the one that worked last, and remembers it.
func (s *Snapshot) withPageSize(known *atomic.Int64, list func(size int) error) error {
	steps := pageSizeSteps
	if k := int(known.Load()); k > 0 {
		for i, n := range steps {
			if n == k {
				steps = steps[i:]
				break
			}
		}
	}
	var err error
	for _, size := range steps {
		if err = list(size); !IsCode(err, CodeInvalidPageSize) {
			if err == nil {
				known.Store(int64(size))
			}
			return err
		}
	}
	return fmt.Errorf("no page size from %d down to %d was accepted: %w", steps[0], steps[len(steps)-1], err)
}

// current returns the newest snapshot, whatever its age, or nil.
func (s *Snapshot) current() *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// Batching reports whether reads are served from snapshots: batching is
// on and has not been given up.
func (s *Snapshot) Batching() bool { return s.batching() }
