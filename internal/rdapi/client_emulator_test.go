package rdapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// TestEmulator_operations drives all twelve operations end to end.
func TestEmulator_operations(t *testing.T) {
	emu := emulator.NewServer(t)
	c := newClient(t, emu)
	ctx := context.Background()
	dir := emulator.DefaultDirectory()
	in := addInput("tom")

	// AddMessageContact, GetMessageContact.
	added, err := c.AddMessageContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if added.ContactID == "" || added.RequestID == "" || added.CreateDate == "" || added.Recovered {
		t.Errorf("Add output = %+v", added)
	}
	id := added.ContactID
	got := mustGet(t, c, id)
	want := rdapi.MessageContact{
		ContactID: id, Name: "tom", EmailAddress: in.EmailAddress, PhoneNumber: in.PhoneNumber,
		Title: in.Title, MessageTypes: in.MessageTypes, Status: rdapi.StatusVerifying, CreateDate: added.CreateDate,
	}
	if diff := cmp.Diff(want, *got, cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) })); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}

	// ListMessageContactVerifications, Send*Verification.
	if diff := cmp.Diff([]string{"86-13900001234", "tom@example.com"}, pending(t, c, id)); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
	if err := c.SendEmailVerificationForMessageContact(ctx, id, in.EmailAddress); err != nil {
		t.Fatal(err)
	}
	if err := c.SendPhoneVerificationForMessageContact(ctx, id, in.PhoneNumber); err != nil {
		t.Fatal(err)
	}
	if snap, _ := emu.Contact(id); snap.EmailVerificationsSent != 1 || snap.PhoneVerificationsSent != 1 {
		t.Errorf("sends recorded: email %d phone %d", snap.EmailVerificationsSent, snap.PhoneVerificationsSent)
	}
	err = c.SendEmailVerificationForMessageContact(ctx, id, "other@example.com")
	if !rdapi.IsCode(err, rdapi.CodeVerificationNotFound) || rdapi.IsNotFound(err) {
		t.Errorf("send to a non-pending address: %v", err)
	}

	// Verification completes out of band.
	for _, target := range []string{in.EmailAddress, in.PhoneNumber} {
		if err := emu.Verify(id, target); err != nil {
			t.Fatal(err)
		}
	}
	if st := mustGet(t, c, id).Status; st != rdapi.StatusActive {
		t.Errorf("status after verification = %s", st)
	}

	// UpdateMessageContact sends only what is set.
	newEmail, newTitle := "tom.new@example.com", "CEO"
	if err := c.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{
		ContactID: id, EmailAddress: &newEmail, Title: &newTitle, MessageTypes: []string{"SecurityMessage"},
	}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	got = mustGet(t, c, id)
	if got.Title != "CEO" || !slices.Equal(got.MessageTypes, []string{"SecurityMessage"}) || got.PhoneNumber != in.PhoneNumber ||
		got.Name != "tom" || got.Status != rdapi.StatusVerifying {
		t.Errorf("after update: %+v", got)
	}
	if diff := cmp.Diff([]string{newEmail}, pending(t, c, id)); diff != "" {
		t.Errorf("pending after update (-want +got):\n%s", diff)
	}

	// CancelMessageContactUpdate drops the pending address.
	if err := c.CancelMessageContactUpdate(ctx, rdapi.CancelMessageContactUpdateInput{ContactID: id, EmailAddress: newEmail}); err != nil {
		t.Fatal(err)
	}
	if p := pending(t, c, id); len(p) != 0 {
		t.Errorf("pending after cancel: %v", p)
	}
	if got := mustGet(t, c, id); got.EmailAddress != in.EmailAddress || got.Status != rdapi.StatusActive {
		t.Errorf("after cancel: %+v", got)
	}
	err = c.CancelMessageContactUpdate(ctx, rdapi.CancelMessageContactUpdateInput{ContactID: id, EmailAddress: newEmail})
	if !rdapi.IsCode(err, rdapi.CodeStatusMismatch) {
		t.Errorf("cancel with nothing pending: %v", err)
	}

	// AssociateMembers, DisassociateMembers, ListMessageContacts by member.
	folder := dir.Folders[0].ID
	account := dir.Accounts[1].ID
	if err := c.AssociateMembers(ctx, id, []string{dir.RootID, folder, account}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedCopy([]string{dir.RootID, folder, account}), sortedCopy(mustGet(t, c, id).Members)); diff != "" {
		t.Errorf("bound (-want +got):\n%s", diff)
	}
	var byMember []rdapi.MessageContact
	for mc, err := range c.ListMessageContacts(ctx, rdapi.ListMessageContactsInput{Member: folder}) {
		if err != nil {
			t.Fatal(err)
		}
		byMember = append(byMember, mc)
	}
	if len(byMember) != 1 || byMember[0].ContactID != id || byMember[0].AssociatedDate == "" {
		t.Errorf("contacts bound to %s: %+v", folder, byMember)
	}
	if err := c.DisassociateMembers(ctx, id, []string{folder}); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, c, id).Members; !slices.Equal(sortedCopy(got), sortedCopy([]string{dir.RootID, account})) {
		t.Errorf("members after unbinding: %v", got)
	}
	if err := c.AssociateMembers(ctx, id, []string{"1599999999999999"}); !rdapi.IsCode(err, rdapi.CodeInvalidMember) {
		t.Errorf("binding an unknown account: %v", err)
	}
	for _, err := range c.ListMessageContacts(ctx, rdapi.ListMessageContactsInput{Member: "fd-Missing1"}) {
		if !rdapi.IsCode(err, rdapi.CodeMemberNotFound) || !rdapi.IsNotFound(err) {
			t.Errorf("listing by an unknown folder: %v", err)
		}
	}

	// A taken name is a plain error: nothing was lost in transit.
	if _, err := c.AddMessageContact(ctx, in); !rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) {
		t.Errorf("duplicate name: %v", err)
	}

	// DeleteMessageContact (asynchronous) and GetMessageContactDeletionStatus.
	retain := false
	del, err := c.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: id, RetainContactInMembers: &retain})
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != rdapi.DeletionStatusDeleting || del.RequestID == "" {
		t.Errorf("Delete output = %+v", del)
	}
	waitDeleted(t, c, id)
	if _, err := c.GetMessageContact(ctx, id); !rdapi.IsNotFound(err) || !rdapi.IsCode(err, rdapi.CodeContactNotFound) {
		t.Errorf("Get after delete: %v", err)
	}

	// Synchronous deletion (the API default keeps the contact in members).
	other := mustAdd(t, c, addInput("jerry"))
	del, err = c.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: other})
	if err != nil || del.Status != rdapi.DeletionStatusDeleted {
		t.Errorf("Delete(retain) = %+v, %v", del, err)
	}
	if emu.Len() != 0 {
		t.Errorf("%d contacts left", emu.Len())
	}
}

func TestEmulator_deletionFailure(t *testing.T) {
	emu := emulator.NewServer(t)
	c := newClient(t, emu)
	id := mustAdd(t, c, addInput("tom"))
	emu.FailNextDeletion([]emulator.FailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}})
	retain := false
	if _, err := c.DeleteMessageContact(context.Background(), rdapi.DeleteMessageContactInput{ContactID: id, RetainContactInMembers: &retain}); err != nil {
		t.Fatal(err)
	}
	var st *rdapi.ContactDeletionStatus
	for range 10 {
		var err error
		if st, err = c.GetMessageContactDeletionStatus(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if st.Status != rdapi.DeletionStatusDeleting {
			break
		}
	}
	want := &rdapi.ContactDeletionStatus{ContactID: id, Status: rdapi.DeletionStatusFailed,
		FailReasons: []rdapi.DeletionFailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("deletion status (-want +got):\n%s", diff)
	}
}

// TestEmulator_retries: injected 429, throttling and 5xx replies are
// retried until the call succeeds; other errors are not.
func TestEmulator_retries(t *testing.T) {
	tests := []struct {
		code      string
		action    string
		failures  int
		wantCalls int
		wantErr   bool
	}{
		{rdapi.CodeConcurrentCall, "UpdateMessageContact", 2, 3, false},
		{"Throttling.User", "GetMessageContact", 2, 3, false},
		{"Throttling", "UpdateMessageContact", 1, 2, false},
		{rdapi.CodeServiceUnavailable, "GetMessageContact", 2, 3, false},
		{"InternalError", "UpdateMessageContact", 1, 2, false},
		{"InvalidParameter.Name", "UpdateMessageContact", 1, 1, true},
		{"Forbidden.RAM", "GetMessageContact", 1, 1, true},
		{rdapi.CodeConcurrentCall, "GetMessageContact", 20, 9, true}, // 1 + DefaultMaxRetries
	}
	for _, tt := range tests {
		t.Run(tt.action+"/"+tt.code, func(t *testing.T) {
			emu := emulator.NewServer(t)
			c := newClient(t, emu, rdapi.SkipWaits)
			id := mustAdd(t, c, addInput("tom"))
			emu.ResetStats()
			emu.FailNext(tt.action, tt.code, tt.failures)

			var err error
			switch tt.action {
			case "GetMessageContact":
				_, err = c.GetMessageContact(context.Background(), id)
			case "UpdateMessageContact":
				title := "CEO"
				err = c.UpdateMessageContact(context.Background(), rdapi.UpdateMessageContactInput{ContactID: id, Title: &title})
			}
			if tt.wantErr != (err != nil) {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !rdapi.IsCode(err, tt.code) {
				t.Errorf("err = %v, want code %s", err, tt.code)
			}
			if calls := emu.Stats().Calls[tt.action]; calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
		})
	}
}

// TestEmulator_rateLimit: the emulator's token bucket answers
// Throttling.User with a TimeLeft header; the client waits and succeeds.
func TestEmulator_rateLimit(t *testing.T) {
	emu := emulator.NewServer(t, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.RateLimit = 3 }))
	var throttled int
	var mu sync.Mutex
	c := newClient(t, emu, func(o *rdapi.Options) {
		o.Logger = func(_ context.Context, ev rdapi.LogEvent) {
			if ev.Code == "Throttling.User" {
				mu.Lock()
				throttled++
				mu.Unlock()
				if !ev.Retrying || ev.Wait <= 0 {
					t.Errorf("throttled attempt not retried: %+v", ev)
				}
			}
		}
	})
	id := mustAdd(t, c, addInput("tom"))
	for range 8 {
		mustGet(t, c, id)
	}
	if throttled == 0 || emu.Stats().Throttled["GetMessageContact"] != throttled {
		t.Errorf("client saw %d throttles, emulator counted %v", throttled, emu.Stats().Throttled)
	}
}

// TestEmulator_lostReplies: the emulator commits a mutation, then drops the
// connection. Add finds the contact it created instead of failing or
// duplicating it; Delete, Cancel and Update end in the intended state.
func TestEmulator_lostReplies(t *testing.T) {
	for _, mode := range []emulator.ReadMode{emulator.ReadSubmitted, emulator.ReadVerified} {
		t.Run(mode.String(), func(t *testing.T) {
			emu := emulator.NewServer(t, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.ReadMode = mode }))
			c := newClient(t, emu)
			ctx := context.Background()

			emu.DropNext("AddMessageContact", 1)
			out, err := c.AddMessageContact(ctx, addInput("tom"))
			if err != nil {
				t.Fatal(err)
			}
			if !out.Recovered || emu.Len() != 1 {
				t.Fatalf("out = %+v, %d contacts", out, emu.Len())
			}
			if snap, ok := emu.Contact(out.ContactID); !ok || snap.Name != "tom" {
				t.Errorf("recovered ID %s does not name the stored contact", out.ContactID)
			}
			if calls := emu.Stats().Calls["AddMessageContact"]; calls != 2 {
				t.Errorf("%d Add calls, want 2", calls)
			}

			// Same name, different address: the lost reply must not adopt it.
			emu.DropNext("AddMessageContact", 1)
			in := addInput("tom")
			in.EmailAddress = "impostor@example.com"
			if _, err := c.AddMessageContact(ctx, in); !rdapi.IsCode(err, rdapi.CodeNameAlreadyUsed) {
				t.Errorf("Add of a taken name after a lost reply: %v", err)
			}

			email := "tom.new@example.com"
			emu.DropNext("UpdateMessageContact", 1)
			if err := c.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{ContactID: out.ContactID, EmailAddress: &email}); err != nil {
				t.Fatalf("Update after a lost reply: %v", err)
			}
			if snap, _ := emu.Contact(out.ContactID); snap.PendingEmail != email {
				t.Errorf("pending email = %q", snap.PendingEmail)
			}

			emu.DropNext("CancelMessageContactUpdate", 1)
			if err := c.CancelMessageContactUpdate(ctx, rdapi.CancelMessageContactUpdateInput{ContactID: out.ContactID, PhoneNumber: "86-13900001234"}); err != nil {
				t.Fatalf("Cancel after a lost reply: %v", err)
			}
			if snap, _ := emu.Contact(out.ContactID); snap.PendingPhone != "" {
				t.Errorf("phone still pending: %q", snap.PendingPhone)
			}

			emu.DropNext("DeleteMessageContact", 1)
			del, err := c.DeleteMessageContact(ctx, rdapi.DeleteMessageContactInput{ContactID: out.ContactID})
			if err != nil || del.Status != rdapi.DeletionStatusDeleted {
				t.Fatalf("Delete after a lost reply: %+v, %v", del, err)
			}
			if emu.Len() != 0 {
				t.Errorf("%d contacts left", emu.Len())
			}
		})
	}
}

// TestEmulator_sts: STS keys sign x-acs-security-token and
// x-acs-accesskey-id; a wrong token is refused without retry.
func TestEmulator_sts(t *testing.T) {
	emu := emulator.NewServer(t, emulator.WithSTSCredential("STS.id", "sts-secret", "sts-token"))

	t.Run("static", func(t *testing.T) {
		c := newClient(t, emu, func(o *rdapi.Options) { o.Credentials = rdapi.StaticCredentials("STS.id", "sts-secret", "sts-token") })
		mustAdd(t, c, addInput("sts"))
	})
	t.Run("credentials-go", func(t *testing.T) {
		cred, err := credentials.NewCredential(new(credentials.Config).
			SetType("sts").SetAccessKeyId("STS.id").SetAccessKeySecret("sts-secret").SetSecurityToken("sts-token"))
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, emu, func(o *rdapi.Options) { o.Credentials = rdapi.CredentialsGo(cred) })
		for _, err := range c.ListMessageContacts(context.Background(), rdapi.ListMessageContactsInput{}) {
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("credentials URI refreshes before expiry", func(t *testing.T) {
		// A credentials sidecar hands out short-lived STS keys: the first
		// expires within credentials-go's 180 s refresh margin, so the
		// second call must fetch and sign with the next key.
		emu := emulator.NewServer(t,
			emulator.WithSTSCredential("STS.first", "first-secret", "first-token"),
			emulator.WithSTSCredential("STS.second", "second-secret", "second-token"))
		var fetches atomic.Int32
		sidecar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			key, ttl := "first", time.Minute
			if fetches.Add(1) > 1 {
				key, ttl = "second", time.Hour
			}
			_ = json.NewEncoder(w).Encode(map[string]string{
				"AccessKeyId":     "STS." + key,
				"AccessKeySecret": key + "-secret",
				"SecurityToken":   key + "-token",
				"Expiration":      time.Now().Add(ttl).UTC().Format("2006-01-02T15:04:05Z"),
			})
		}))
		t.Cleanup(sidecar.Close)
		cred, err := credentials.NewCredential(new(credentials.Config).SetType("credentials_uri").SetURLCredential(sidecar.URL))
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, emu, func(o *rdapi.Options) { o.Credentials = rdapi.CredentialsGo(cred) })
		id := mustAdd(t, c, addInput("sidecar"))
		mustGet(t, c, id)
		mustGet(t, c, id)
		if n := fetches.Load(); n != 2 {
			t.Errorf("credentials fetched %d times, want 2 (initial, then one refresh before expiry)", n)
		}
		if st := emu.Stats(); st.Calls["GetMessageContact"] != 2 || len(st.Errors) != 0 {
			t.Errorf("emulator saw %v calls and errors %v; want 2 clean reads", st.Calls, st.Errors)
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		emu.ResetStats()
		c := newClient(t, emu, func(o *rdapi.Options) { o.Credentials = rdapi.StaticCredentials("STS.id", "sts-secret", "stale") })
		_, err := c.GetMessageContact(context.Background(), "c-0000000000000000")
		var apiErr *rdapi.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "InvalidSecurityToken.MismatchWithAccessKey" {
			t.Fatalf("err = %v", err)
		}
		if n := emu.Stats().Calls["GetMessageContact"]; n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})
	t.Run("missing token", func(t *testing.T) {
		c := newClient(t, emu, func(o *rdapi.Options) { o.Credentials = rdapi.StaticCredentials("STS.id", "sts-secret", "") })
		if _, err := c.GetMessageContact(context.Background(), "c-0000000000000000"); !rdapi.IsCode(err, "MissingSecurityToken") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestEmulator_paging lists more contacts than fit on a page.
func TestEmulator_paging(t *testing.T) {
	emu := emulator.NewServer(t)
	c := newClient(t, emu)
	var want []string
	for i := range 23 {
		want = append(want, mustAdd(t, c, addInput(fmt.Sprintf("pg%c%c", 'a'+i/26, 'a'+i%26))))
	}
	for _, size := range []int{0, 5, 23, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			emu.ResetStats()
			var got []string
			for mc, err := range c.ListMessageContacts(context.Background(), rdapi.ListMessageContactsInput{PageSize: size}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, mc.ContactID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
			wantCalls := 1
			if size == 5 {
				wantCalls = 5
			}
			if n := emu.Stats().Calls["ListMessageContacts"]; n != wantCalls {
				t.Errorf("%d pages fetched, want %d", n, wantCalls)
			}
		})
	}
}

// TestEmulator_parallelWriters: many goroutines writing at once all
// succeed. With the default write limit the client never collides with
// itself; writers without a limit (or separate clients, like separate
// Terraform runs) collide and recover through 429 retries.
func TestEmulator_parallelWriters(t *testing.T) {
	const writers = 8
	run := func(t *testing.T, clients []*rdapi.Client, prefix string) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			c := clients[i%len(clients)]
			wg.Go(func() {
				in := addInput(fmt.Sprintf("%s%c", prefix, 'a'+i))
				out, err := c.AddMessageContact(context.Background(), in)
				if err == nil {
					err = c.AssociateMembers(context.Background(), out.ContactID, []string{emulator.DefaultDirectory().RootID})
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	}
	slow := func(o *rdapi.Options) {
		o.RetryWaitMin, o.RetryWaitMax, o.MaxRetries = 5*time.Millisecond, 50*time.Millisecond, 30
	}

	t.Run("one client, default limit", func(t *testing.T) {
		emu := emulator.NewServer(t, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.MutationHold = 5 * time.Millisecond }))
		run(t, []*rdapi.Client{newClient(t, emu, slow)}, "one")
		st := emu.Stats()
		if st.Conflicts["AddMessageContact"]+st.Conflicts["AssociateMembers"] != 0 || st.MaxConcurrentMutations != 1 {
			t.Errorf("the client collided with itself: %+v", st)
		}
		if emu.Len() != writers {
			t.Errorf("%d contacts, want %d", emu.Len(), writers)
		}
	})
	t.Run("unlimited and separate clients", func(t *testing.T) {
		emu := emulator.NewServer(t, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.MutationHold = 5 * time.Millisecond }))
		unlimited := func(o *rdapi.Options) { o.MaxConcurrentWrites = -1 }
		run(t, []*rdapi.Client{newClient(t, emu, slow, unlimited), newClient(t, emu, slow)}, "many")
		if emu.Len() != writers {
			t.Errorf("%d contacts, want %d", emu.Len(), writers)
		}
		for _, snap := range emu.Contacts() {
			if len(snap.Members) != 1 {
				t.Errorf("contact %s members %v", snap.Name, snap.Members)
			}
		}
		t.Logf("conflicts absorbed by retries: %v", emu.Stats().Conflicts)
	})
}

// TestEmulator_snapshot: batched reads report exactly what direct reads
// report, under both read modes and both lock scopes, and see this client's
// own writes at once.
func TestEmulator_snapshot(t *testing.T) {
	for _, mode := range []emulator.ReadMode{emulator.ReadSubmitted, emulator.ReadVerified} {
		for _, scope := range []emulator.LockScope{emulator.LockPerAccount, emulator.LockPerContact} {
			t.Run(mode.String()+"/"+scope.String(), func(t *testing.T) {
				ctx := context.Background()
				emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) {
					s.ReadMode, s.LockScope, s.RateLimit = mode, scope, 0
				}))
				direct := newClient(t, emu, func(o *rdapi.Options) { o.RateLimit = -1 })
				batched := newClient(t, emu, func(o *rdapi.Options) {
					o.RateLimit, o.BatchReads, o.MaxConcurrentWrites = -1, true, -1
				})
				var ids []string
				for i := range 130 {
					in := addInput(fmt.Sprintf("snap%s", string(rune('a'+i%26))+string(rune('a'+i/26))))
					id := mustAdd(t, direct, in)
					ids = append(ids, id)
					switch i % 3 {
					case 0: // verified: Active
						for _, target := range pending(t, direct, id) {
							if err := emu.Verify(id, target); err != nil {
								t.Fatal(err)
							}
						}
					case 1: // verified, then a new email address pending
						for _, target := range pending(t, direct, id) {
							if err := emu.Verify(id, target); err != nil {
								t.Fatal(err)
							}
						}
						email := fmt.Sprintf("changed%d@example.com", i)
						if err := direct.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{ContactID: id, EmailAddress: &email}); err != nil {
							t.Fatal(err)
						}
					}
				}

				emu.ResetStats()
				for _, id := range ids {
					got, err := batched.Snapshot().Contact(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					want, err := direct.ReadContact(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(rdapi.MessageContact{}, "AssociatedDate")); diff != "" {
						t.Fatalf("contact %s: batched read differs from a direct one (-direct +batched):\n%s", id, diff)
					}
				}

				// Concurrent writes and reads by the batching client: each
				// write is visible to the reads that follow it.
				var wg sync.WaitGroup
				for i, id := range ids[:20] {
					wg.Go(func() {
						name := "renamed" + string(rune('a'+i))
						if err := batched.UpdateMessageContact(ctx, rdapi.UpdateMessageContactInput{ContactID: id, Name: &name}); err != nil {
							t.Error(err)
							return
						}
						v, err := batched.Snapshot().Contact(ctx, id)
						if err != nil || v.Name != name {
							t.Errorf("read after write of %s: %+v, %v; want name %s", id, v, err, name)
						}
					})
					wg.Go(func() {
						if _, err := batched.Snapshot().Contact(ctx, ids[len(ids)-1-i]); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				all, err := batched.Snapshot().Contacts(ctx, func(mc *rdapi.MessageContact) bool { return strings.HasPrefix(mc.Name, "renamed") })
				if err != nil || len(all) != 20 {
					t.Errorf("after the writes, Contacts lists %d renamed contacts (%v), want 20", len(all), err)
				}
			})
		}
	}
}
