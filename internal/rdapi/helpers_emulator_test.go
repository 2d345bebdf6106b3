package rdapi_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// newClient returns a client for emu with fast retries; mutate adjusts the
// options.
func newClient(t *testing.T, emu *emulator.Server, mutate ...func(*rdapi.Options)) *rdapi.Client {
	t.Helper()
	o := rdapi.Options{
		Endpoint:     emu.URL,
		Credentials:  rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		UserAgent:    "rdapi-test",
	}
	for _, m := range mutate {
		m(&o)
	}
	c, err := rdapi.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func addInput(name string) rdapi.AddMessageContactInput {
	return rdapi.AddMessageContactInput{
		Name:         name,
		EmailAddress: name + "@example.com",
		PhoneNumber:  "86-13900001234",
		Title:        "TechnicalDirector",
		MessageTypes: []string{"AccountExpenses", "FaultMessage"},
	}
}

func mustAdd(t *testing.T, c *rdapi.Client, in rdapi.AddMessageContactInput) string {
	t.Helper()
	out, err := c.AddMessageContact(context.Background(), in)
	if err != nil {
		t.Fatalf("AddMessageContact(%s): %v", in.Name, err)
	}
	return out.ContactID
}

func pending(t *testing.T, c *rdapi.Client, id string) []string {
	t.Helper()
	var targets []string
	for v, err := range c.ListMessageContactVerifications(context.Background(), id) {
		if err != nil {
			t.Fatal(err)
		}
		if v.ContactID != id {
			t.Errorf("verification row for %s, want %s", v.ContactID, id)
		}
		targets = append(targets, v.Target)
	}
	slices.Sort(targets)
	return targets
}

func mustGet(t *testing.T, c *rdapi.Client, id string) *rdapi.MessageContact {
	t.Helper()
	mc, err := c.GetMessageContact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return mc
}

// waitDeleted polls GetMessageContactDeletionStatus until the contact is
// gone; the emulator's default makes exactly one read observe Deleting.
func waitDeleted(t *testing.T, c *rdapi.Client, id string) {
	t.Helper()
	for range 10 {
		st, err := c.GetMessageContactDeletionStatus(context.Background(), id)
		if rdapi.IsNotFound(err) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.ContactID != id || st.Status != rdapi.DeletionStatusDeleting {
			t.Fatalf("deletion status = %+v", st)
		}
	}
	t.Fatal("contact still deleting after 10 polls")
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// benchName returns a valid, unique contact name (letters only, 2–12
// characters): prefix followed by i written in three base-26 letters.
func benchName(prefix string, i int) string {
	return fmt.Sprintf("%s%c%c%c", prefix, 'a'+i/676%26, 'a'+i/26%26, 'a'+i%26)
}

// benchClient returns a client for emu with the production defaults
// (retries, backoff, write limit) unless mutate changes them.
func benchClient(b *testing.B, emu *emulator.Server, mutate ...func(*rdapi.Options)) *rdapi.Client {
	b.Helper()
	o := rdapi.Options{
		Endpoint:    emu.URL,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
		UserAgent:   "rdapi-bench",
	}
	for _, m := range mutate {
		m(&o)
	}
	c, err := rdapi.New(o)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchAdd creates n contacts named prefix… one after another and returns
// their IDs.
func benchAdd(b *testing.B, c *rdapi.Client, prefix string, n int) []string {
	b.Helper()
	ids := make([]string, n)
	for i := range ids {
		out, err := c.AddMessageContact(context.Background(), addInput(benchName(prefix, i)))
		if err != nil {
			b.Fatalf("AddMessageContact #%d: %v", i, err)
		}
		ids[i] = out.ContactID
	}
	return ids
}
