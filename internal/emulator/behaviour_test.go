package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/google/go-cmp/cmp"
)

func TestVerification_stateMachine(t *testing.T) {
	for _, mode := range []ReadMode{ReadSubmitted, ReadVerified} {
		t.Run(mode.String(), func(t *testing.T) {
			s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.ReadMode = mode }))
			c := newSDK(t, s, signV3)
			id := c.addContact("tom", "old@example.com", "86-13900000001")

			pending := func() []string {
				body := c.must("ListMessageContactVerifications", map[string]any{"ContactId": id})
				var out []string
				for _, v := range body["ContactVerifications"].([]any) {
					out = append(out, v.(map[string]any)["Target"].(string))
				}
				return out
			}
			expect := func(step, status, email, phone string, wantPending []string) {
				t.Helper()
				got := c.get(id)
				if got["Status"] != status || got["EmailAddress"] != email || fmt.Sprint(got["PhoneNumber"]) != phone {
					t.Errorf("%s: Status/Email/Phone = %v/%v/%v, want %s/%s/%s", step, got["Status"], got["EmailAddress"], got["PhoneNumber"], status, email, phone)
				}
				if diff := cmp.Diff(wantPending, pending()); diff != "" {
					t.Errorf("%s: pending targets (-want +got):\n%s", step, diff)
				}
			}
			// Never verified: both modes report the submitted values.
			expect("after add", "Verifying", "old@example.com", "86-13900000001", []string{"old@example.com", "86-13900000001"})

			c.must("SendEmailVerificationForMessageContact", map[string]any{"ContactId": id, "EmailAddress": "old@example.com"})
			c.must("SendPhoneVerificationForMessageContact", map[string]any{"ContactId": id, "PhoneNumber": "86-13900000001"})
			if err := s.Verify(id, "old@example.com"); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(id, "86-13900000001"); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(id, "86-13900000001"); !errors.Is(err, ErrNotPending) {
				t.Fatalf("second Verify: %v, want ErrNotPending", err)
			}
			expect("verified", "Active", "old@example.com", "86-13900000001", nil)
			c.mustFail("CancelMessageContactUpdate", map[string]any{"ContactId": id}, "ContactStatusMismatchAction", 400)
			c.mustFail("SendEmailVerificationForMessageContact", map[string]any{"ContactId": id, "EmailAddress": "old@example.com"},
				"EntityNotExists.Contact.Verification", 404)

			// A new email is pending; which value Get shows depends on the mode.
			c.must("UpdateMessageContact", map[string]any{"ContactId": id, "EmailAddress": "new@example.com"})
			shown := "new@example.com"
			if mode == ReadVerified {
				shown = "old@example.com"
			}
			expect("email changed", "Verifying", shown, "86-13900000001", []string{"new@example.com"})
			snap, _ := s.Contact(id)
			if snap.Email != "old@example.com" || snap.PendingEmail != "new@example.com" {
				t.Errorf("snapshot = %+v", snap)
			}
			// Submitting the verified value again clears the pending change.
			c.must("UpdateMessageContact", map[string]any{"ContactId": id, "EmailAddress": "old@example.com"})
			expect("email reverted", "Active", "old@example.com", "86-13900000001", nil)

			// Cancel drops a pending phone and keeps the verified one.
			c.must("UpdateMessageContact", map[string]any{"ContactId": id, "PhoneNumber": "86-13900000002"})
			c.mustFail("CancelMessageContactUpdate", map[string]any{"ContactId": id, "PhoneNumber": "86-13900000003"}, "ContactStatusMismatchAction", 400)
			c.must("CancelMessageContactUpdate", map[string]any{"ContactId": id, "PhoneNumber": "86-13900000002"})
			expect("phone cancelled", "Active", "old@example.com", "86-13900000001", nil)

			// An explicitly empty phone removes it.
			c.must("UpdateMessageContact", map[string]any{"ContactId": id, "PhoneNumber": ""})
			expect("phone removed", "Active", "old@example.com", "<nil>", nil)

			// Verify through the admin endpoint.
			c.must("UpdateMessageContact", map[string]any{"ContactId": id, "EmailAddress": "third@example.com"})
			status, body := adminPost(t, s, "verify", map[string]any{"contact_id": id, "target": "third@example.com"})
			if status != 200 || !strings.Contains(body, `"email_address":"third@example.com"`) {
				t.Fatalf("admin verify: %d %s", status, body)
			}
			expect("admin verified", "Active", "third@example.com", "<nil>", nil)
			if status, _ := adminPost(t, s, "verify", map[string]any{"contact_id": id, "target": "x@example.com"}); status != 409 {
				t.Errorf("admin verify of a non-pending target: %d, want 409", status)
			}
			if status, _ := adminPost(t, s, "verify", map[string]any{"contact_id": "c-AAAAAAAAAAAAAAAA", "target": "x"}); status != 404 {
				t.Errorf("admin verify of an unknown contact: %d, want 404", status)
			}
		})
	}
}

func TestVerification_dailySendLimit(t *testing.T) {
	clock := newFakeClock(time.Now())
	s := NewServer(t, WithClock(clock.Now), WithSettings(func(cfg *Settings) { cfg.DailySendLimit = 2 }))
	c := newSDK(t, s, signV3)
	id := c.addContact("tom", "tom@example.com", "86-13900000001")
	send := map[string]any{"ContactId": id, "EmailAddress": "tom@example.com"}
	c.must("SendEmailVerificationForMessageContact", send)
	c.must("SendPhoneVerificationForMessageContact", map[string]any{"ContactId": id, "PhoneNumber": "86-13900000001"})
	c.mustFail("SendEmailVerificationForMessageContact", send, "SendValidateCodeExceedsLimitForAccount", 409)
	// The next day the counter starts again. The SDK stamps requests with the
	// real time, so this step calls the operation directly.
	s.mu.Lock()
	_, aerr := s.sendEmailVerification(&call{params: url.Values{"ContactId": {id}, "EmailAddress": {"tom@example.com"}}, now: clock.Now().Add(24 * time.Hour)})
	s.mu.Unlock()
	if aerr != nil {
		t.Fatalf("next day: %v", aerr)
	}
	if snap, _ := s.Contact(id); snap.EmailVerificationsSent != 2 || snap.PhoneVerificationsSent != 1 {
		t.Errorf("sends = %d/%d, want 2/1", snap.EmailVerificationsSent, snap.PhoneVerificationsSent)
	}
}

func TestMembers(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.MaxMembersPerContact = 3 }))
	c := newSDK(t, s, signV1Form)
	id := c.addContact("tom", "tom@example.com", "")
	other := c.addContact("ann", "ann@example.com", "")

	body := c.must("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{"rd-k3Ux9d", "fd-Prod4Nz7Qa"}})
	if got := len(body["Members"].([]any)); got != 2 {
		t.Fatalf("AssociateMembers returned %d entries", got)
	}
	// Rebinding is a no-op; the cap counts distinct objects.
	c.must("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{"rd-k3Ux9d", "1500000000000002"}})
	c.mustFail("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{"1500000000000003"}}, "LimitExceeded.ContactMembers", 400)
	c.must("AssociateMembers", map[string]any{"ContactId": other, "Members": []string{"fd-Prod4Nz7Qa"}})

	if diff := cmp.Diff([]any{"rd-k3Ux9d", "fd-Prod4Nz7Qa", "1500000000000002"}, c.get(id)["Members"]); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}
	list := c.must("ListMessageContacts", map[string]any{"Member": "fd-Prod4Nz7Qa"})
	if num(t, list["TotalCount"]) != 2 {
		t.Fatalf("Member filter: %v", list)
	}
	for _, row := range list["Contacts"].([]any) {
		if row.(map[string]any)["AssociatedDate"] == nil {
			t.Errorf("AssociatedDate missing: %v", row)
		}
	}
	// Inheritance is not expanded: the account under the folder has no direct binding.
	if got := num(t, c.must("ListMessageContacts", map[string]any{"Member": "1500000000000003"})["TotalCount"]); got != 0 {
		t.Errorf("inherited binding listed: %d", got)
	}
	c.must("DisassociateMembers", map[string]any{"ContactId": id, "Members": []string{"fd-Prod4Nz7Qa", "fd-Dev2Lm5Wx"}})
	if diff := cmp.Diff([]any{"rd-k3Ux9d", "1500000000000002"}, c.get(id)["Members"]); diff != "" {
		t.Errorf("Members after disassociate (-want +got):\n%s", diff)
	}
}

func TestDelete_async(t *testing.T) {
	t.Run("zero delay: one read sees Deleting", func(t *testing.T) {
		s := NewServer(t)
		c := newSDK(t, s, signV3)
		id := c.addContact("tom", "tom@example.com", "")
		if got := c.must("DeleteMessageContact", map[string]any{"ContactId": id, "RetainContactInMembers": false})["Status"]; got != "Deleting" {
			t.Fatalf("Status = %v", got)
		}
		c.mustFail("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{"rd-k3Ux9d"}}, "ContactStatusMismatchAction", 400)
		c.mustFail("UpdateMessageContact", map[string]any{"ContactId": id, "Title": "CEO"}, "ContactStatusMismatchAction", 400)
		c.mustFail("AddMessageContact", map[string]any{"Name": "tom", "EmailAddress": "x@example.com", "Title": "CEO", "MessageTypes": []string{"FaultMessage"}},
			"InvalidParameter.Name.AlreadyUsed", 400)
		st := c.must("GetMessageContactDeletionStatus", map[string]any{"ContactId": id})["ContactDeletionStatus"].(map[string]any)
		if st["Status"] != "Deleting" || st["ContactId"] != id {
			t.Fatalf("deletion status = %v", st)
		}
		c.mustFail("GetMessageContactDeletionStatus", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
		c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
	})
	t.Run("timed", func(t *testing.T) {
		clock := newFakeClock(time.Now())
		s := NewServer(t, WithClock(clock.Now), WithSettings(func(cfg *Settings) { cfg.AsyncDelete = time.Minute }))
		c := newSDK(t, s, signV3)
		id := c.addContact("tom", "tom@example.com", "")
		c.must("DeleteMessageContact", map[string]any{"ContactId": id, "RetainContactInMembers": "false"})
		for range 3 {
			if got := c.get(id)["Status"]; got != "Deleting" {
				t.Fatalf("Status = %v, want Deleting", got)
			}
		}
		if got := c.must("DeleteMessageContact", map[string]any{"ContactId": id})["Status"]; got != "Deleting" {
			t.Errorf("second delete: %v", got)
		}
		clock.Advance(time.Minute)
		c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
		if s.Len() != 0 {
			t.Errorf("Len = %d", s.Len())
		}
	})
	t.Run("failure", func(t *testing.T) {
		s := NewServer(t)
		c := newSDK(t, s, signV3)
		id := c.addContact("tom", "tom@example.com", "")
		if err := s.Verify(id, "tom@example.com"); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		reasons := []FailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}}
		s.FailNextDeletion(reasons)
		c.must("DeleteMessageContact", map[string]any{"ContactId": id, "RetainContactInMembers": false})
		first := c.must("GetMessageContactDeletionStatus", map[string]any{"ContactId": id})["ContactDeletionStatus"].(map[string]any)
		if first["Status"] != "Deleting" {
			t.Fatalf("first poll: %v", first)
		}
		st := c.must("GetMessageContactDeletionStatus", map[string]any{"ContactId": id})["ContactDeletionStatus"].(map[string]any)
		want := map[string]any{"ContactId": id, "Status": "Failed", "FailReasonList": []any{
			map[string]any{"AccountId": "1500000000000002", "MessageTypes": []any{"AccountExpenses"}}}}
		if diff := cmp.Diff(want, st); diff != "" {
			t.Fatalf("failed deletion status (-want +got):\n%s", diff)
		}
		if got := c.get(id)["Status"]; got != "Active" {
			t.Errorf("contact status after failed deletion = %v, want Active", got)
		}
		// The next deletion succeeds.
		c.must("DeleteMessageContact", map[string]any{"ContactId": id, "RetainContactInMembers": false})
		c.must("GetMessageContactDeletionStatus", map[string]any{"ContactId": id})
		c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
	})
	t.Run("retained: at once, or asynchronously under retained_deletion=async, never failing", func(t *testing.T) {
		s := NewServer(t)
		c := newSDK(t, s, signV3)
		id := c.addContact("tom", "tom@example.com", "")
		if got := c.must("DeleteMessageContact", map[string]any{"ContactId": id})["Status"]; got != "Deleted" {
			t.Fatalf("Status = %v, want Deleted", got)
		}
		c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)

		s.MustApply(func(cfg *Settings) { cfg.RetainedDeletion = RetainedAsync })
		reasons := []FailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}}
		s.FailNextDeletion(reasons)
		id = c.addContact("ann", "ann@example.com", "")
		if got := c.must("DeleteMessageContact", map[string]any{"ContactId": id, "RetainContactInMembers": true})["Status"]; got != "Deleting" {
			t.Fatalf("Status = %v, want Deleting", got)
		}
		if got := c.get(id)["Status"]; got != "Deleting" {
			t.Fatalf("contact status = %v, want Deleting", got)
		}
		c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
		// The armed failure is left for a deletion that removes a contact
		// from its members.
		id = c.addContact("bob", "bob@example.com", "")
		c.must("DeleteMessageContact", map[string]any{"ContactId": id, "RetainContactInMembers": false})
		c.must("GetMessageContactDeletionStatus", map[string]any{"ContactId": id})
		if st := c.must("GetMessageContactDeletionStatus", map[string]any{"ContactId": id})["ContactDeletionStatus"].(map[string]any); st["Status"] != "Failed" {
			t.Errorf("the purging deletion after a retained one: %v, want Failed", st)
		}
	})
}

func TestPaging(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.RateLimit = 0 }))
	c := newSDK(t, s, signV3)
	var ids []string
	for i := range 23 {
		ids = append(ids, c.addContact("n"+strings.Repeat("a", i%10)+string(rune('a'+i/10)), fmt.Sprintf("u%d@example.com", i), ""))
	}
	var got []string
	for pageNo := 1; ; pageNo++ {
		body := c.must("ListMessageContacts", map[string]any{"PageNumber": pageNo, "PageSize": 10})
		if num(t, body["TotalCount"]) != 23 || num(t, body["PageNumber"]) != pageNo || num(t, body["PageSize"]) != 10 {
			t.Fatalf("page %d header: %v", pageNo, body)
		}
		rows := body["Contacts"].([]any)
		for _, r := range rows {
			got = append(got, r.(map[string]any)["ContactId"].(string))
		}
		if len(rows) < 10 {
			break
		}
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Fatalf("paged IDs (-want +got):\n%s", diff)
	}
	def := c.must("ListMessageContacts", map[string]any{})
	if num(t, def["PageSize"]) != 10 || len(def["Contacts"].([]any)) != 10 {
		t.Errorf("default page: %v", def["PageSize"])
	}
	if rows := c.must("ListMessageContacts", map[string]any{"PageNumber": 9})["Contacts"].([]any); len(rows) != 0 {
		t.Errorf("page beyond the end has %d rows", len(rows))
	}
	v := c.must("ListMessageContactVerifications", map[string]any{"PageSize": 5, "PageNumber": 5})
	if num(t, v["TotalCount"]) != 23 || len(v["ContactVerifications"].([]any)) != 3 {
		t.Errorf("verifications page: %v", v)
	}
}

func TestContention(t *testing.T) {
	for _, scope := range []LockScope{LockPerAccount, LockPerContact} {
		t.Run(scope.String(), func(t *testing.T) {
			s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.LockScope = scope }))
			c := newSDK(t, s, signV3)
			a := c.addContact("alpha", "a@example.com", "")
			b := c.addContact("beta", "b@example.com", "")

			entered, release := make(chan struct{}), make(chan struct{})
			var first atomic.Bool
			s.mu.Lock()
			s.holdHook = func(action string) {
				if first.CompareAndSwap(false, true) {
					close(entered)
					<-release
				}
			}
			s.mu.Unlock()
			s.ResetStats()

			done := make(chan error, 1)
			go func() {
				_, err := newSDK(t, s, signV3).call("UpdateMessageContact", map[string]any{"ContactId": a, "Title": "CEO"})
				done <- err
			}()
			<-entered
			// Same contact: conflicts in both scopes.
			c.mustFail("UpdateMessageContact", map[string]any{"ContactId": a, "Title": "Other"}, "ConcurrentCallNotSupported", 429)
			// Another contact: conflicts only per account. Reads never conflict.
			_, err := c.call("AssociateMembers", map[string]any{"ContactId": b, "Members": []string{"rd-k3Ux9d"}})
			if (err != nil) != (scope == LockPerAccount) {
				t.Errorf("other contact during a mutation: err = %v", err)
			}
			c.get(a)
			close(release)
			if err := <-done; err != nil {
				t.Fatalf("holder failed: %v", err)
			}
			st := s.Stats()
			wantConflicts, wantMax := 2, 1
			if scope == LockPerContact {
				wantConflicts, wantMax = 1, 2
			}
			if st.Conflicts["UpdateMessageContact"]+st.Conflicts["AssociateMembers"] != wantConflicts || st.MaxConcurrentMutations != wantMax {
				t.Errorf("stats = %+v, want %d conflicts, max %d", st, wantConflicts, wantMax)
			}
			if got := c.get(a)["Title"]; got != "CEO" {
				t.Errorf("Title = %v: the refused update must not apply", got)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	clock := newFakeClock(time.Now())
	s := NewServer(t, WithClock(clock.Now), WithSettings(func(cfg *Settings) { cfg.RateLimit = 3 }))
	c := newSDK(t, s, signV3)
	for range 3 {
		c.must("ListMessageContacts", map[string]any{})
	}
	rec, base := startRecorded(t, s.Emulator)
	rc := newSDKWith(t, strings.TrimPrefix(base, "http://"), signV3, defaultCreds)
	rc.mustFail("ListMessageContacts", map[string]any{}, "Throttling.User", 400)
	// Other actions have their own bucket.
	c.mustFail("GetMessageContact", map[string]any{"ContactId": "c-AAAAAAAAAAAAAAAA"}, "EntityNotExists.Contact", 404)

	h := rec.lastHeader(t).Get("x-ratelimit-user-api")
	if !strings.HasPrefix(h, "Limit:3,Remain:0,TimeLeft:") || !strings.Contains(h, ",Reset:") {
		t.Errorf("x-ratelimit-user-api = %q", h)
	}
	clock.Advance(time.Second)
	for range 3 {
		c.must("ListMessageContacts", map[string]any{})
	}
	if st := s.Stats(); st.Throttled["ListMessageContacts"] != 1 {
		t.Errorf("Throttled = %v", st.Throttled)
	}
}

func TestFaults(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	for _, tt := range []struct {
		code   string
		status int
	}{
		{"ConcurrentCallNotSupported", 429}, {"Throttling.User", 400}, {"ServiceUnavailable", 503}, {"InternalError", 500},
		{"EntityNotExists.Contact", 404}, {"SendValidateCodeExceedsLimitForAccount", 409}, {"Custom.Code", 400},
	} {
		s.FailNext("ListMessageContacts", tt.code, 1)
		c.mustFail("ListMessageContacts", map[string]any{}, tt.code, tt.status)
	}
	c.must("ListMessageContacts", map[string]any{})

	s.FailNext("AddMessageContact", "ServiceUnavailable", 2)
	p := map[string]any{"Name": "tom", "EmailAddress": "t@example.com", "Title": "CEO", "MessageTypes": []string{"FaultMessage"}}
	c.mustFail("AddMessageContact", p, "ServiceUnavailable", 503)
	c.mustFail("AddMessageContact", p, "ServiceUnavailable", 503)
	if s.Len() != 0 {
		t.Fatal("an injected failure committed a write")
	}

	// DropNext commits the write and closes the connection without a reply.
	s.DropNext("AddMessageContact", 1)
	if _, err := c.call("AddMessageContact", p); err == nil {
		t.Fatal("dropped call succeeded")
	}
	if s.Len() != 1 {
		t.Fatalf("dropped write not committed: Len = %d", s.Len())
	}
	c.mustFail("AddMessageContact", p, "InvalidParameter.Name.AlreadyUsed", 400)

	s.MustApply(func(cfg *Settings) { cfg.ServerErrorRate = 1 })
	_, err := c.call("ListMessageContacts", map[string]any{})
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("error rate 1: got %v, want an API error", err)
	}
	if got := fmt.Sprintf("%d %s", tea.IntValue(se.StatusCode), tea.StringValue(se.Code)); got != "503 ServiceUnavailable" && got != "500 InternalError" {
		t.Fatalf("error rate 1: got %s, want 503 ServiceUnavailable or 500 InternalError", got)
	}
	s.MustApply(func(cfg *Settings) { cfg.ServerErrorRate = 0 })
	st := s.Stats()
	if st.ServerErrors["AddMessageContact"] != 2 || st.ServerErrors["ListMessageContacts"] != 3 || st.Calls["AddMessageContact"] != 4 {
		t.Errorf("stats = %+v", st)
	}
	s.Reset()
	if s.Len() != 0 || len(s.Stats().Calls) != 0 {
		t.Error("Reset kept state")
	}
}

func TestReadAfterCreateDelay(t *testing.T) {
	clock := newFakeClock(time.Now())
	s := NewServer(t, WithClock(clock.Now), WithSettings(func(cfg *Settings) { cfg.ReadAfterCreateDelay = 5 * time.Second }))
	c := newSDK(t, s, signV3)
	id := c.addContact("tom", "tom@example.com", "")
	c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "EntityNotExists.Contact", 404)
	if got := num(t, c.must("ListMessageContacts", map[string]any{})["TotalCount"]); got != 0 {
		t.Errorf("listed during the delay: %d", got)
	}
	c.must("UpdateMessageContact", map[string]any{"ContactId": id, "Title": "CEO"})
	clock.Advance(5 * time.Second)
	if got := c.get(id)["Title"]; got != "CEO" {
		t.Errorf("Title = %v", got)
	}
}

func TestLatency(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.Latency = 50 * time.Millisecond }))
	c := newSDK(t, s, signV3)
	start := time.Now()
	c.must("ListMessageContacts", map[string]any{})
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("call took %s, want at least 50ms", d)
	}
}

func adminPost(t *testing.T, s *Server, name string, body any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL+adminPrefix+name, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

func adminGet(t *testing.T, s *Server, name string, dst any) {
	t.Helper()
	resp, err := http.Get(s.URL + adminPrefix + name)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", name, resp.StatusCode)
	}
	decodeJSON(t, resp.Body, dst)
}

func TestAdmin(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	id := c.addContact("tom", "tom@example.com", "")

	var state struct {
		Directory Directory `json:"directory"`
		Contacts  []Contact `json:"contacts"`
		Settings  Settings  `json:"settings"`
	}
	adminGet(t, s, "state", &state)
	if len(state.Contacts) != 1 || state.Contacts[0].ID != id || state.Contacts[0].PendingEmail != "tom@example.com" ||
		state.Directory.RootID != "rd-k3Ux9d" || state.Settings.ReadMode != ReadSubmitted {
		t.Fatalf("state = %+v", state)
	}

	if st, body := adminPost(t, s, "settings", map[string]any{"read_mode": "verified", "lock_scope": "contact", "async_delete": "1m", "rate_limit": 5}); st != 200 ||
		!strings.Contains(body, `"read_mode":"verified"`) || !strings.Contains(body, `"async_delete":"1m0s"`) {
		t.Fatalf("settings: %d %s", st, body)
	}
	if got := s.Settings(); got.LockScope != LockPerContact || got.RateLimit != 5 {
		t.Errorf("Settings() = %+v", got)
	}
	for _, bad := range []map[string]any{{"read_mode": "latest"}, {"latency": "soon"}, {"server_error_rate": 2}, {"unknown": 1}} {
		if st, _ := adminPost(t, s, "settings", bad); st != 400 {
			t.Errorf("settings %v: %d, want 400", bad, st)
		}
	}

	if st, _ := adminPost(t, s, "faults", map[string]any{"action": "GetMessageContact", "code": "InternalError", "n": 1}); st != 200 {
		t.Fatalf("faults: %d", st)
	}
	c.mustFail("GetMessageContact", map[string]any{"ContactId": id}, "InternalError", 500)
	if st, _ := adminPost(t, s, "faults", map[string]any{"action": "GetMessageContact", "drop": true, "n": 1}); st != 200 {
		t.Fatalf("drop fault: %d", st)
	}
	if _, err := c.call("GetMessageContact", map[string]any{"ContactId": id}); err == nil {
		t.Error("dropped call succeeded")
	}
	if st, _ := adminPost(t, s, "faults", map[string]any{"deletion_failure": []map[string]any{{"account_id": "1500000000000002", "message_types": []string{"FaultMessage"}}}}); st != 200 {
		t.Fatalf("deletion failure: %d", st)
	}
	if st, _ := adminPost(t, s, "faults", map[string]any{"action": "X"}); st != 400 {
		t.Errorf("incomplete fault: %d, want 400", st)
	}

	var stats Stats
	adminGet(t, s, "stats", &stats)
	if stats.Calls["GetMessageContact"] != 2 || stats.ServerErrors["GetMessageContact"] != 1 {
		t.Errorf("stats = %+v", stats)
	}
	if st, _ := adminPost(t, s, "reset", map[string]any{}); st != 200 || s.Len() != 0 {
		t.Errorf("reset: %d, Len %d", st, s.Len())
	}
	if st, _ := adminPost(t, s, "nothing", map[string]any{}); st != 404 {
		t.Errorf("unknown endpoint: %d", st)
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, d any) string {
		p := filepath.Join(dir, name)
		b, _ := json.Marshal(d)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", DefaultDirectory())
	d, err := LoadDirectory(good)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultDirectory(), d); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	bad := []Directory{
		{RootID: "root", RootFolderID: "r-a"},
		{RootID: "rd-a"}, // no root folder
		{RootID: "rd-a", RootFolderID: "r-a", Folders: []Folder{{ID: "fd-x", ParentID: "fd-missing"}}},
		{RootID: "rd-a", RootFolderID: "r-a", Folders: []Folder{{ID: "fd-x", ParentID: "rd-a"}}}, // the directory is no folder
		{RootID: "rd-a", RootFolderID: "r-a", Folders: []Folder{{ID: "fd-x", ParentID: "fd-y"}, {ID: "fd-y", ParentID: "fd-x"}}},
		{RootID: "rd-a", RootFolderID: "r-a", Accounts: []Account{{ID: "123", FolderID: "r-a"}}},
		{RootID: "rd-a", RootFolderID: "r-a", Accounts: []Account{{ID: "1234567890123456", FolderID: "rd-a"}}},
		{RootID: "rd-a", RootFolderID: "r-a", Accounts: []Account{{ID: "1234567890123456", FolderID: "r-a"}, {ID: "1234567890123456", FolderID: "r-a"}}},
		{RootID: "rd-a", RootFolderID: "r-a", ManagementAccountID: "1234567890123456"},
	}
	for i, b := range bad {
		if _, err := LoadDirectory(write(fmt.Sprintf("bad%d.json", i), b)); err == nil {
			t.Errorf("directory %+v accepted", b)
		}
	}
	if _, err := LoadDirectory(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}

	custom := Directory{RootID: "rd-Custom1", RootFolderID: "r-Custom", Accounts: []Account{{ID: "1111222233334444", Name: "a", FolderID: "r-Custom"}}}
	s := NewServer(t, WithDirectory(custom))
	c := newSDK(t, s, signV3)
	id := c.addContact("tom", "tom@example.com", "")
	c.must("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{"1111222233334444"}})
	c.mustFail("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{"rd-k3Ux9d"}}, "InvalidMember", 400)
}

func TestMessageTypesOrder(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	id := c.addContact("tom", "tom@example.com", "", "ServiceMessage", "AccountExpenses", "ServiceMessage", "FaultMessage")
	listed := func() any {
		return c.must("ListMessageContacts", map[string]any{})["Contacts"].([]any)[0].(map[string]any)["MessageTypes"]
	}
	submitted := []any{"ServiceMessage", "AccountExpenses", "FaultMessage"}
	if diff := cmp.Diff(submitted, c.get(id)["MessageTypes"]); diff != "" {
		t.Errorf("Get, default order (-want +got):\n%s", diff)
	}
	s.MustApply(func(cfg *Settings) { cfg.MessageTypesOrder = MessageTypesSorted })
	sorted := []any{"AccountExpenses", "FaultMessage", "ServiceMessage"}
	if diff := cmp.Diff(sorted, c.get(id)["MessageTypes"]); diff != "" {
		t.Errorf("Get, sorted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sorted, listed()); diff != "" {
		t.Errorf("List, sorted (-want +got):\n%s", diff)
	}
}

// TestCreateDate_zoneAndSkew: the API's dates are written in
// Settings.CreateDateZone, on a clock Settings.CreateDateSkew away from the
// one behind the Date header.
func TestCreateDate_zoneAndSkew(t *testing.T) {
	// 600 ms into a second, within the signature's allowance of the
	// SDK's clock.
	at := time.Now().UTC().Truncate(time.Second).Add(600 * time.Millisecond)
	utc := func(d time.Duration) string { return at.Add(d).Format(dateLayout) }
	for _, tt := range []struct {
		zone DateZone
		skew time.Duration
		want string
	}{
		{ChinaTime, 0, utc(8 * time.Hour)},
		{0, 0, utc(0)},
		{-5*60 - 30, 0, utc(-5*time.Hour - 30*time.Minute)},
		{0, -700 * time.Millisecond, utc(-time.Second)},
		{ChinaTime, 400 * time.Millisecond, utc(8*time.Hour + time.Second)},
	} {
		t.Run(fmt.Sprintf("%s%+v", tt.zone, tt.skew), func(t *testing.T) {
			clock := newFakeClock(at)
			s := NewServer(t, WithClock(clock.Now), WithSettings(func(cfg *Settings) {
				cfg.CreateDateZone, cfg.CreateDateSkew = tt.zone, tt.skew
			}))
			c := newSDK(t, s, signV3)
			body := c.must("AddMessageContact", map[string]any{"Name": "tom", "EmailAddress": "tom@example.com",
				"Title": "CEO", "MessageTypes": []string{"AccountExpenses"}})
			contact, _ := body["Contact"].(map[string]any)
			if got := contact["CreateDate"]; got != tt.want {
				t.Errorf("Add's CreateDate = %v, want %s", got, tt.want)
			}
			if got := c.get(contact["ContactId"].(string))["CreateDate"]; got != tt.want {
				t.Errorf("Get's CreateDate = %v, want %s", got, tt.want)
			}
		})
	}
	s := NewServer(t)
	if z := s.Settings().CreateDateZone; z != ChinaTime || z.String() != "+08:00" {
		t.Errorf("default zone = %s, want +08:00", z)
	}
}

// TestVerificationTargets_masked: with VerificationTargets masked,
// ListMessageContactVerifications shows targets in the shape of the API
// reference's examples, and Get and List still show the values.
func TestVerificationTargets_masked(t *testing.T) {
	s := NewServer(t, WithSettings(func(cfg *Settings) { cfg.VerificationTargets = TargetsMasked }))
	c := newSDK(t, s, signV3)
	id := c.addContact("tom", "someone@example.com", "86-13912341234", "AccountExpenses")
	var targets []any
	for _, row := range c.must("ListMessageContactVerifications", map[string]any{"ContactId": id})["ContactVerifications"].([]any) {
		targets = append(targets, row.(map[string]any)["Target"])
	}
	if diff := cmp.Diff([]any{"some***@example.com", "86-139****1234"}, targets); diff != "" {
		t.Errorf("masked targets (-want +got):\n%s", diff)
	}
	if got := c.get(id); got["EmailAddress"] != "someone@example.com" || got["PhoneNumber"] != "86-13912341234" {
		t.Errorf("Get shows %v, %v; want the values unmasked", got["EmailAddress"], got["PhoneNumber"])
	}
	s.MustApply(func(cfg *Settings) { cfg.VerificationTargets = TargetsFull })
	row := c.must("ListMessageContactVerifications", map[string]any{"ContactId": id})["ContactVerifications"].([]any)[0]
	if got := row.(map[string]any)["Target"]; got != "someone@example.com" {
		t.Errorf("full target = %v", got)
	}
}

// TestAdmin_outOfBandRefusals: the out-of-band endpoints keep the API's
// rules and say what is wrong.
func TestAdmin_outOfBandRefusals(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	c.addContact("tom", "tom@example.com", "")
	for _, tt := range []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"contacts/update", map[string]any{"contact": "nobody", "title": "CEO"}, 404, `no contact has the ID or name \"nobody\"`},
		{"contacts/update", map[string]any{"contact": "tom", "title": "Boss"}, 400, "InvalidParameter.Title"},
		{"contacts/bind", map[string]any{"contact": "tom", "member_ids": []string{"fd-Nope12345"}}, 400, "InvalidMember"},
		{"contacts/delete", map[string]any{"contact": "tom", "member_ids": []string{"rd-k3Ux9d"}}, 400, `contacts/delete takes {\"contact\": ID or name}`},
		{"contacts/delete", map[string]any{"contact": "c-NotThereNotThere"}, 404, "no contact has the ID or name"},
	} {
		status, body := adminPost(t, s, tt.name, tt.body)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s %v: HTTP %d %s, want %d with %q", tt.name, tt.body, status, body, tt.status, tt.want)
		}
	}
	if got, _ := s.Contact(s.Contacts()[0].ID); got.Title != "TechnicalDirector" || len(got.Members) != 0 {
		t.Errorf("a refused change changed the contact: %+v", got)
	}
}
