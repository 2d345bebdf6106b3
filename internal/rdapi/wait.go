package rdapi

import (
	"context"
	"fmt"
	"strings"
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

// WaitForDeletion polls an asynchronous deletion (DeleteMessageContact with
// Status Deleting) until the contact is gone, the API reports it Failed (a
// *DeletionFailedError), or ctx ends.
func (c *Client) WaitForDeletion(ctx context.Context, contactID string) error {
	status := DeletionStatusDeleting
	expired := func(err error) error {
		return fmt.Errorf("still %s when the delete timeout expired: %w", status, err)
	}
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
				return false, fmt.Errorf("the deletion ended but message contact %s still exists (status %s)", contactID, mc.Status)
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

// outOfTime reports whether ctx has ended or its deadline has passed (the
// context's timer may fire late on a loaded machine).
func outOfTime(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && !time.Now().Before(deadline)
}
