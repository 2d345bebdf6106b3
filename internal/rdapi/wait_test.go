package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// newWaitClient is a batching client for d whose sleeper advances a fake
// clock instead of waiting; it returns the client and the clock.
func newWaitClient(t *testing.T, handler http.HandlerFunc, clock func() time.Time, advance func(time.Duration)) *Client {
	t.Helper()
	return newTestClient(t, handler, func(o *Options) {
		o.BatchReads = true
		o.RateLimit = -1
		o.now = clock
		o.sleep = func(ctx context.Context, d time.Duration) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			advance(max(d, time.Millisecond))
			return nil
		}
	})
}

// deleteAndWait deletes ids and waits for them concurrently, as the
// resources of a destroy do; it returns each wait's error.
func deleteAndWait(t *testing.T, ctx context.Context, c *Client, ids []string) map[string]error {
	t.Helper()
	var (
		mu   sync.Mutex
		errs = map[string]error{}
		wg   sync.WaitGroup
	)
	for _, id := range ids {
		wg.Go(func() {
			retain := false
			_, err := c.DeleteMessageContact(ctx, DeleteMessageContactInput{ContactID: id, RetainContactInMembers: &retain})
			if err == nil {
				_, err = c.WaitForDeletion(ctx, id)
			}
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errs
}

// TestWaitForDeletion_batched: the waits of many deletions share
// ListMessageContacts rounds (no status call, no GetMessageContact), and a
// contact is declared gone only where a reply shows its absence: the pages
// shift as deletions complete during a round, and no wait ends early.
func TestWaitForDeletion_batched(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(250, 0)
	clock, advance := fakeClock()
	c := newWaitClient(t, d.ServeHTTP, clock, advance)
	// The destroy's first look-ups build the snapshot.
	if _, err := c.Snapshot().Contacts(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 250; i += 5 {
		ids = append(ids, fmt.Sprintf("c-%016d", i))
	}
	// The rounds start once every wait has begun (the destroy's waits
	// overlap; here they start together, so the count below is the
	// rounds', not the scheduler's).
	gate := make(chan struct{})
	sleep := c.sleep
	c.sleep = func(ctx context.Context, d time.Duration) error {
		<-gate
		return sleep(ctx, d)
	}
	go func() {
		for {
			c.deletions.mu.Lock()
			n := len(c.deletions.waiters)
			c.deletions.mu.Unlock()
			if n == len(ids) {
				close(gate)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var early []string
	var mu sync.Mutex
	errs := deleteAndWait(t, ctx, c, ids)
	for id, err := range errs {
		if err != nil {
			t.Errorf("wait for %s: %v", id, err)
		}
		d.mu.Lock()
		if d.index(id) >= 0 {
			mu.Lock()
			early = append(early, id)
			mu.Unlock()
		}
		d.mu.Unlock()
	}
	if len(early) > 0 {
		t.Errorf("waits ended while their contacts were still listed: %v", early)
	}
	// The listings answer, except for a contact that ends up at a page
	// boundary once the others are gone (c-…125, between pages 1 and 2 of
	// the 200 left): two rounds cannot place it, and a Get confirms it.
	if got := d.count(actionDeletionStatus); got != 0 {
		t.Errorf("%d status calls, want none", got)
	}
	if got := d.count(actionGet); got < 1 || got > 2 {
		t.Errorf("%d GetMessageContact calls, want 1 or 2 (contacts at a page boundary)", got)
	}
	// 3 pages for the snapshot, then rounds of at most 3 pages.
	if got := d.count(actionList); got > 3+4*3 {
		t.Errorf("%d list pages for 50 deletions, want at most 15 (the snapshot and four rounds)", got)
	}
}

// TestWaitForDeletion_failed: a deletion that the API fails brings the
// contact back with its old status; the next round sees it and asks
// GetMessageContactDeletionStatus for the FailReasonList, once.
func TestWaitForDeletion_failed(t *testing.T) {
	ctx := context.Background()
	d := newFakeDirectory(30, 0)
	d.failReasons = []map[string]any{{"AccountId": "1500000000000002", "MessageTypes": []string{"AccountExpenses"}}}
	failing, fine := fmt.Sprintf("c-%016d", 4), fmt.Sprintf("c-%016d", 9)
	d.fail[failing] = true
	clock, advance := fakeClock()
	c := newWaitClient(t, d.ServeHTTP, clock, advance)
	errs := deleteAndWait(t, ctx, c, []string{failing, fine})
	failed, ok := errors.AsType[*DeletionFailedError](errs[failing])
	if !ok || len(failed.Reasons) != 1 || failed.Reasons[0].AccountID != "1500000000000002" ||
		strings.Join(failed.Reasons[0].MessageTypes, ",") != "AccountExpenses" {
		t.Errorf("the failed deletion's wait: %v, want a *DeletionFailedError with its FailReasonList", errs[failing])
	}
	if errs[fine] != nil {
		t.Errorf("the other deletion's wait: %v", errs[fine])
	}
	if got := d.count(actionDeletionStatus); got != 1 {
		t.Errorf("%d status calls, want 1 (the failed deletion's reasons)", got)
	}
}

// TestWaitForDeletion_stuckAndInterrupted: a contact still Deleting is
// asked about with GetMessageContactDeletionStatus only past
// DeletionStatusBound; interrupting its wait ends that wait alone, with the
// error that says it was still deleting, while the others finish.
func TestWaitForDeletion_stuckAndInterrupted(t *testing.T) {
	d := newFakeDirectory(30, 0)
	stuck, fine := fmt.Sprintf("c-%016d", 2), fmt.Sprintf("c-%016d", 20)
	d.stuck[stuck] = true
	clock, advance := fakeClock()
	start := clock()
	var (
		mu        sync.Mutex
		firstAsk  time.Time
		interrupt = make(chan struct{})
		once      sync.Once
	)
	c := newWaitClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(headerAction) == actionDeletionStatus {
			mu.Lock()
			if firstAsk.IsZero() {
				firstAsk = clock()
			}
			mu.Unlock()
			once.Do(func() { close(interrupt) })
		}
		d.ServeHTTP(w, r)
	}, clock, advance)

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-interrupt; cancel() }()
	var wg sync.WaitGroup
	var stuckErr, fineErr error
	wg.Go(func() { stuckErr = deleteAndWait(t, ctx, c, []string{stuck})[stuck] })
	wg.Go(func() { fineErr = deleteAndWait(t, context.Background(), c, []string{fine})[fine] })
	wg.Wait()

	if fineErr != nil {
		t.Errorf("the other deletion's wait: %v", fineErr)
	}
	if stuckErr == nil || !strings.Contains(stuckErr.Error(), "still Deleting when the delete timeout expired") ||
		!errors.Is(stuckErr, context.Canceled) {
		t.Errorf("the interrupted wait: %v, want it to say the deletion was still running, and the interrupt", stuckErr)
	}
	mu.Lock()
	defer mu.Unlock()
	if firstAsk.IsZero() || firstAsk.Sub(start) < DeletionStatusBound {
		t.Errorf("the first status call came %s after the deletion, want at least %s", firstAsk.Sub(start), DeletionStatusBound)
	}
}
