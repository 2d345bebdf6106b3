package provider_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// These tests play Terraform 1.14 for the list resource and the actions,
// which no CLI available here supports: they call the protocol-6 RPCs a
// 1.14 CLI calls (`terraform query`, `terraform apply -invoke`, action
// triggers) and check what it would receive.

func TestMessageContactListResource_protocol(t *testing.T) {
	t.Parallel()
	env := newProtoEnv(t)
	alice := env.seed(t, "Alice", "alice@example.com", "")
	env.verify(t, alice, "alice@example.com")
	bob := env.seed(t, "Bob", "bob@example.com", "86-13800000001")
	if err := env.client.AssociateMembers(context.Background(), bob, []string{prodFolder}); err != nil {
		t.Fatal(err)
	}
	carol := env.seed(t, "Carol", "carol@example.com", "")

	t.Run("validate", func(t *testing.T) {
		for _, tt := range []struct {
			filters map[string]string
			attr    string
		}{
			{filters: map[string]string{"name_regex": "^(Alice|Bob)$", "status": "Verifying", "member": prodFolder}},
			{filters: map[string]string{"name_regex": "("}, attr: "name_regex"},
			{filters: map[string]string{"status": "Pending"}, attr: "status"},
			{filters: map[string]string{"member": "folder-1"}, attr: "member"},
		} {
			resp, err := env.server.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
				TypeName: benchContactType, Config: env.listConfig(t, tt.filters),
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.attr == "" {
				if len(resp.Diagnostics) > 0 {
					t.Errorf("%v: unexpected diagnostics: %s", tt.filters, diagText(resp.Diagnostics))
				}
				continue
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
				resp.Diagnostics[0].Attribute.String() != tftypes.NewAttributePath().WithAttributeName(tt.attr).String() {
				t.Errorf("%v: want one error on %s, got %s", tt.filters, tt.attr, diagText(resp.Diagnostics))
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			filters map[string]string
			want    []string
		}{
			{"none", nil, sorted(alice, bob, carol)},
			{"name_regex", map[string]string{"name_regex": "^(Alice|Carol)$"}, sorted(alice, carol)},
			{"status", map[string]string{"status": "Active"}, []string{alice}},
			{"member", map[string]string{"member": prodFolder}, []string{bob}},
			{"all three", map[string]string{"member": prodFolder, "status": "Active"}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := resultIDs(t, env.list(t, tt.filters, false, 0)); !slices.Equal(got, tt.want) {
					t.Errorf("listed %v, want %v", got, tt.want)
				}
			})
		}
	})

	t.Run("display names and no resource unless asked", func(t *testing.T) {
		results := env.list(t, map[string]string{"name_regex": "^Bob$"}, false, 0)
		if len(results) != 1 {
			t.Fatalf("got %d results", len(results))
		}
		if want := "Bob (" + bob + ")"; results[0].DisplayName != want {
			t.Errorf("display name %q, want %q", results[0].DisplayName, want)
		}
		if results[0].Resource != nil {
			t.Error("a resource object was returned although IncludeResource was false")
		}
	})

	t.Run("no config block", func(t *testing.T) {
		stream, err := env.server.ListResource(context.Background(), &tfprotov6.ListResourceRequest{TypeName: benchContactType})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := resultIDs(t, slices.Collect(stream.Results)), sorted(alice, bob, carol); !slices.Equal(got, want) {
			t.Errorf("listed %v, want %v", got, want)
		}
	})

	t.Run("limit", func(t *testing.T) {
		if got := env.list(t, nil, false, 2); len(got) != 2 {
			t.Errorf("got %d results with limit 2", len(got))
		}
	})

	t.Run("unknown member", func(t *testing.T) {
		results := env.list(t, map[string]string{"member": "fd-Missing0000"}, false, 0)
		if len(results) != 1 {
			t.Fatalf("got %d results, want one carrying the error", len(results))
		}
		wantDiag(t, results[0].Diagnostics, tfprotov6.DiagnosticSeverityError, "Unable to List Message Contacts",
			tftypes.NewAttributePath().WithAttributeName("member").String(), `Member "fd-Missing0000" does not exist`)
	})

	t.Run("API error", func(t *testing.T) {
		env.emu.FailNext("ListMessageContacts", "InvalidParameter.PageSize", 1)
		results := env.list(t, nil, false, 0)
		if len(results) != 1 {
			t.Fatalf("got %d results, want one carrying the error", len(results))
		}
		wantDiag(t, results[0].Diagnostics, tfprotov6.DiagnosticSeverityError, "Unable to List Message Contacts", "",
			"InvalidParameter.PageSize")
	})

	t.Run("served from the list pages", func(t *testing.T) {
		env.emu.ResetStats()
		env.list(t, nil, false, 0)
		calls := env.emu.Stats().Calls
		if calls["ListMessageContacts"] != 1 || calls["GetMessageContact"] != 0 || calls["ListMessageContactVerifications"] != 0 {
			t.Errorf("identities only: calls %v, want one ListMessageContacts and nothing else", calls)
		}
		env.emu.ResetStats()
		env.list(t, nil, true, 0)
		calls = env.emu.Stats().Calls
		// Only Bob and Carol (Verifying) need their pending targets.
		if calls["ListMessageContacts"] != 1 || calls["GetMessageContact"] != 0 || calls["ListMessageContactVerifications"] != 2 {
			t.Errorf("with resources: calls %v, want one ListMessageContacts and 2 ListMessageContactVerifications", calls)
		}
	})
}

// TestMessageContactListResource_resourceMatchesRead checks that each
// result's resource object is what the resource reads after an import by
// that identity, in both read modes, so that `terraform query
// -generate-config-out` writes configuration whose plan is empty.
func TestMessageContactListResource_resourceMatchesRead(t *testing.T) {
	t.Parallel()
	for _, mode := range []emulator.ReadMode{emulator.ReadSubmitted, emulator.ReadVerified} {
		t.Run(mode.String(), func(t *testing.T) {
			env := newProtoEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.ReadMode = mode }))
			active := env.seed(t, "Active", "active@example.com", "86-13800000002")
			env.verify(t, active, "active@example.com")
			env.verify(t, active, "86-13800000002")
			// A verified contact whose email change is pending: in ReadVerified
			// mode the API shows the old address.
			changing := env.seed(t, "Changing", "old@example.com", "")
			env.verify(t, changing, "old@example.com")
			newEmail := "new@example.com"
			if err := env.client.UpdateMessageContact(context.Background(), rdapi.UpdateMessageContactInput{
				ContactID: changing, EmailAddress: &newEmail,
			}); err != nil {
				t.Fatal(err)
			}
			env.seed(t, "Fresh", "fresh@example.com", "86-13800000003")

			resourceSchema := env.schemas.ResourceSchemas[benchContactType]
			typ := resourceSchema.ValueType()
			results := env.list(t, nil, true, 0)
			if len(results) != 3 {
				t.Fatalf("got %d results, want 3: %+v", len(results), results)
			}
			for _, r := range results {
				id := identityID(t, r)
				if r.Resource == nil {
					t.Fatalf("%s: no resource object although IncludeResource was true", id)
				}
				listed, err := r.Resource.Unmarshal(typ)
				if err != nil {
					t.Fatal(err)
				}
				read, err := env.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
					TypeName:     benchContactType,
					CurrentState: protoDynamicValue(t, resourceSchema, map[string]tftypes.Value{"id": str(id)}),
				})
				if err != nil {
					t.Fatal(err)
				}
				failOnErrorDiags(t, "ReadResource", read.Diagnostics)
				want, err := read.NewState.Unmarshal(typ)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want.String(), listed.String()); diff != "" {
					t.Errorf("%s: list resource object differs from Read (-read +list):\n%s", id, diff)
				}
				if id == changing && !strings.Contains(listed.String(), `"new@example.com"`) {
					t.Errorf("%s: the pending address is not the configured email_address: %s", id, listed)
				}
			}
		})
	}
}

func TestSendVerificationAction_protocol(t *testing.T) {
	t.Parallel()
	env := newProtoEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.DailySendLimit = 3 }))
	both := env.seed(t, "Both", "both@example.com", "86-13800000004")
	done := env.seed(t, "Done", "done@example.com", "")
	env.verify(t, done, "done@example.com")
	sends := func(id string) (int, int) {
		c, ok := env.emu.Contact(id)
		if !ok {
			t.Fatalf("contact %s gone", id)
		}
		return c.EmailVerificationsSent, c.PhoneVerificationsSent
	}

	t.Run("validate", func(t *testing.T) {
		resp, err := env.server.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
			ActionType: sendVerificationType,
			Config:     env.actionConfig(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str("contact-1"), "channel": str("sms")}),
		})
		if err != nil {
			t.Fatal(err)
		}
		var attrs []string
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil {
				attrs = append(attrs, d.Attribute.String())
			}
		}
		slices.Sort(attrs)
		want := sorted(tftypes.NewAttributePath().WithAttributeName("contact_id").String(),
			tftypes.NewAttributePath().WithAttributeName("channel").String())
		if !slices.Equal(attrs, want) {
			t.Errorf("errors on %v, want %v: %s", attrs, want, diagText(resp.Diagnostics))
		}
	})

	t.Run("plan", func(t *testing.T) {
		if d := env.plan(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(both)}); len(d) != 0 {
			t.Errorf("pending contact: unexpected diagnostics %s", diagText(d))
		}
		wantDiag(t, env.plan(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(done)}),
			tfprotov6.DiagnosticSeverityWarning, "Nothing To Send", `AttributeName("contact_id")`, done, "would send nothing")
		wantDiag(t, env.plan(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str("c-MissingMissing12")}),
			tfprotov6.DiagnosticSeverityError, "Message Contact Not Found", `AttributeName("contact_id")`, "c-MissingMissing12", "EntityNotExists.Contact")
		// Unknown at plan time (the contact is created in the same apply): no lookup, no diagnostics.
		env.emu.ResetStats()
		d := env.plan(t, sendVerificationType, map[string]tftypes.Value{"contact_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
		if len(d) != 0 || env.emu.Stats().Calls["GetMessageContact"] != 0 {
			t.Errorf("unknown contact_id: diagnostics %s, calls %v", diagText(d), env.emu.Stats().Calls)
		}
	})

	t.Run("one channel", func(t *testing.T) {
		msgs, diags := env.invoke(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(both), "channel": str("phone_number")})
		if len(diags) != 0 {
			t.Fatalf("diagnostics: %s", diagText(diags))
		}
		if e, p := sends(both); e != 0 || p != 1 {
			t.Errorf("sent %d emails and %d SMS, want 0 and 1", e, p)
		}
		want := []string{
			"Looking up what awaits verification for message contact " + both,
			"Sending the verification to the phone number 86-13800000004",
			"Sent the verification to the phone number 86-13800000004",
		}
		if diff := cmp.Diff(want, msgs); diff != "" {
			t.Errorf("progress (-want +got):\n%s", diff)
		}
	})

	t.Run("every pending target, then the daily limit", func(t *testing.T) {
		msgs, diags := env.invoke(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(both)})
		// The limit is 3 a day: the phone send above, this email, this SMS.
		if len(diags) != 0 {
			t.Fatalf("diagnostics: %s", diagText(diags))
		}
		if e, p := sends(both); e != 1 || p != 2 {
			t.Errorf("sent %d emails and %d SMS in all, want 1 and 2", e, p)
		}
		if len(msgs) != 5 {
			t.Errorf("progress %q, want lookup plus two sends", msgs)
		}
		_, diags = env.invoke(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(both), "channel": str("email_address")})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityWarning, "Verification Not Sent: Daily Limit Reached", "",
			"both@example.com", "resend_verification_trigger", rdapi.CodeSendLimit)
	})

	t.Run("nothing pending", func(t *testing.T) {
		msgs, diags := env.invoke(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(done)})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityWarning, "No Verification Sent", "", done, "Nothing was sent", "Active")
		if e, p := sends(done); e != 0 || p != 0 {
			t.Errorf("sent %d emails and %d SMS, want none", e, p)
		}
		if len(msgs) != 1 {
			t.Errorf("progress %q, want only the lookup", msgs)
		}
	})

	t.Run("errors", func(t *testing.T) {
		_, diags := env.invoke(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str("c-MissingMissing12")})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityError, "Message Contact Not Found", `AttributeName("contact_id")`, "c-MissingMissing12")
		fresh := env.seed(t, "Fresh", "fresh@example.com", "")
		env.emu.FailNext("SendEmailVerificationForMessageContact", "ContactStatusMismatchAction", 1)
		_, diags = env.invoke(t, sendVerificationType, map[string]tftypes.Value{"contact_id": str(fresh)})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityError, "Unable to Send Verification", "", "ContactStatusMismatchAction")
	})
}

func TestCancelPendingUpdateAction_protocol(t *testing.T) {
	t.Parallel()
	for _, mode := range []emulator.ReadMode{emulator.ReadSubmitted, emulator.ReadVerified} {
		t.Run(mode.String(), func(t *testing.T) {
			env := newProtoEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.ReadMode = mode }))
			id := env.seed(t, "Ops", "old@example.com", "86-13800000005")
			env.verify(t, id, "old@example.com")
			env.verify(t, id, "86-13800000005")
			newEmail, newPhone := "new@example.com", "86-13800000006"
			if err := env.client.UpdateMessageContact(context.Background(), rdapi.UpdateMessageContactInput{
				ContactID: id, EmailAddress: &newEmail, PhoneNumber: &newPhone,
			}); err != nil {
				t.Fatal(err)
			}

			if d := env.plan(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id), "targets": strSet("email_address")}); len(d) != 0 {
				t.Errorf("plan: unexpected diagnostics %s", diagText(d))
			}

			msgs, diags := env.invoke(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id), "targets": strSet("email_address")})
			if len(diags) != 0 {
				t.Fatalf("diagnostics: %s", diagText(diags))
			}
			c, _ := env.emu.Contact(id)
			if c.PendingEmail != "" || c.Email != "old@example.com" || c.PendingPhone != newPhone {
				t.Errorf("after cancelling the email: email %q pending %q, pending phone %q; want old@example.com, none, %s",
					c.Email, c.PendingEmail, c.PendingPhone, newPhone)
			}
			want := []string{
				"Looking up the pending changes of message contact " + id,
				"Cancelling the pending email address new@example.com",
				"Cancelled; message contact " + id + " now has status Verifying, email address old@example.com",
			}
			if diff := cmp.Diff(want, msgs); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}

			// The email is no longer pending: planning and invoking for it warn.
			wantDiag(t, env.plan(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id), "targets": strSet("email_address")}),
				tfprotov6.DiagnosticSeverityWarning, "Nothing To Cancel", `AttributeName("contact_id")`, "No email address")
			_, diags = env.invoke(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id), "targets": strSet("email_address")})
			wantDiag(t, diags, tfprotov6.DiagnosticSeverityWarning, "No Pending Update Cancelled", "", "No email address", "Nothing was cancelled")

			// Without targets, everything still pending is cancelled.
			if _, diags = env.invoke(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id)}); len(diags) != 0 {
				t.Fatalf("diagnostics: %s", diagText(diags))
			}
			c, _ = env.emu.Contact(id)
			if c.PendingPhone != "" || c.Phone != "86-13800000005" || c.Status != rdapi.StatusActive {
				t.Errorf("after cancelling everything: phone %q pending %q status %s", c.Phone, c.PendingPhone, c.Status)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		env := newProtoEnv(t)
		_, diags := env.invoke(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str("c-MissingMissing12")})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityError, "Message Contact Not Found", `AttributeName("contact_id")`, "c-MissingMissing12")

		id := env.seed(t, "Ops", "ops@example.com", "")
		env.emu.FailNext("CancelMessageContactUpdate", "ContactStatusMismatchAction", 1)
		_, diags = env.invoke(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id)})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityWarning, "No Pending Update Cancelled", "", "Nothing was cancelled", "ContactStatusMismatchAction")

		env.emu.FailNext("CancelMessageContactUpdate", "InvalidParameter.EmailAddress", 1)
		_, diags = env.invoke(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id)})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityError, "Unable to Cancel Pending Update", "", "InvalidParameter.EmailAddress")

		resp, err := env.server.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
			ActionType: cancelUpdateType,
			Config:     env.actionConfig(t, cancelUpdateType, map[string]tftypes.Value{"contact_id": str(id), "targets": strSet("email")}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
			!strings.Contains(resp.Diagnostics[0].Attribute.String(), "targets") {
			t.Errorf("targets = [\"email\"]: want one error on targets, got %s", diagText(resp.Diagnostics))
		}
	})
}

// TestActions_invalidContactID checks that the API's verdict on a contact ID
// lands on contact_id, in both actions.
func TestActions_invalidContactID(t *testing.T) {
	t.Parallel()
	env := newProtoEnv(t)
	for _, typ := range []string{sendVerificationType, cancelUpdateType} {
		_, diags := env.invoke(t, typ, map[string]tftypes.Value{"contact_id": str("c-short")})
		wantDiag(t, diags, tfprotov6.DiagnosticSeverityError, "Unable to Read Message Contact", `AttributeName("contact_id")`,
			"InvalidParameter.ContactId")
	}
}
