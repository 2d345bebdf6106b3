package rdapi_test

import (
	"context"
	"testing"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestResolveMasked(t *testing.T) {
	for _, tt := range []struct {
		masked     string
		candidates []string
		want       string
	}{
		{"someone***@example.com", []string{"other@example.com", "someone.else@example.com"}, "someone.else@example.com"},
		{"some***@Example.com", []string{"SOMEONE@example.COM"}, "SOMEONE@example.COM"},
		{"some***@example.com", []string{"someone@example.org"}, ""},
		{"86-139****1234", []string{"86-13912341234"}, "86-13912341234"},
		{"86-139****1234", []string{"86-139123412345", "86-1391231234"}, ""},
		{"someone@example.com", nil, "someone@example.com"},
		{"someone***@example.com", []string{""}, ""},
	} {
		if got := rdapi.ResolveMasked(tt.masked, tt.candidates...); got != tt.want {
			t.Errorf("ResolveMasked(%q, %q) = %q, want %q", tt.masked, tt.candidates, got, tt.want)
		}
	}
}

// TestPending_maskedTargets: with the emulator masking verification
// targets, single reads and snapshots alike give the pending targets in
// full when the contact's own value fits the mask (a new contact, and any
// change under the submitted read mode), and the mask otherwise (a change
// under the verified read mode), with the mask kept for the caller.
func TestPending_maskedTargets(t *testing.T) {
	for _, mode := range []emulator.ReadMode{emulator.ReadSubmitted, emulator.ReadVerified} {
		t.Run(mode.String(), func(t *testing.T) {
			ctx := context.Background()
			emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) {
				s.VerificationTargets = emulator.TargetsMasked
				s.ReadMode = mode
			}))
			for _, batch := range []bool{false, true} {
				c := newClient(t, emu, func(o *rdapi.Options) { o.BatchReads = batch })
				read := func(id string) *rdapi.Contact {
					t.Helper()
					v, err := c.Snapshot().Contact(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					return v
				}
				name := map[bool]string{false: "single", true: "batched"}[batch]
				id := mustAdd(t, c, addInput(name))
				if v := read(id); v.PendingEmailAddress != name+"@example.com" || v.PendingPhoneNumber != "86-13900001234" ||
					v.PendingEmailMask == "" || v.PendingPhoneMask != "86-139****1234" {
					t.Errorf("%s: new contact's pending targets %+v, want them in full, with the masks kept", name, v)
				}
				if err := emu.Verify(id, name+"@example.com"); err != nil {
					t.Fatal(err)
				}
				if err := c.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{ContactID: id, EmailAddress: new("ann@example.org")}); err != nil {
					t.Fatal(err)
				}
				v := read(id)
				want := "ann@example.org"
				if mode == emulator.ReadVerified {
					want = "an***@example.org" // the API shows the verified address; nothing known fits
				}
				if v.PendingEmailAddress != want || v.PendingEmailMask != "an***@example.org" || v.LatestEmailAddress() != want {
					t.Errorf("%s: after a change, pending %q (mask %q, latest %q), want %q", name, v.PendingEmailAddress,
						v.PendingEmailMask, v.LatestEmailAddress(), want)
				}
			}
		})
	}
}
