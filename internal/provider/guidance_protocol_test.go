package provider_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Warnings the acceptance tests cannot see (the testing framework drops
// them), checked at the protocol level.

func warningsOf(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			out = append(out, d.Summary+": "+d.Detail)
		}
	}
	return out
}

// TestGuidance_destroyWarnsOfUnmanagedBindings: destroying a contact that is
// still bound (bindings this configuration manages are destroyed first, so
// these were made elsewhere) warns and names the bound objects.
func TestGuidance_destroyWarnsOfUnmanagedBindings(t *testing.T) {
	emu := emulator.NewServer(t)
	client, err := rdapi.New(rdapi.Options{Endpoint: emu.URL,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	server := provider.NewProtocol6("test")()
	schema := configureProtocolServer(t, server, emu, "1.11.4")
	for _, bound := range []bool{true, false} {
		out, err := client.AddMessageContact(ctx, rdapi.AddMessageContactInput{Name: map[bool]string{true: "Bound", false: "Free"}[bound],
			EmailAddress: "ops@example.com", Title: "TechnicalDirector", MessageTypes: []string{"AccountExpenses"}})
		if err != nil {
			t.Fatal(err)
		}
		root := emu.Directory().RootID
		if bound {
			if err := client.AssociateMembers(ctx, out.ContactID, []string{root}); err != nil {
				t.Fatal(err)
			}
		}
		prior := protoDynamicValue(t, schema, map[string]tftypes.Value{
			"id":                                   tftypes.NewValue(tftypes.String, out.ContactID),
			"retain_contact_in_members_on_destroy": tftypes.NewValue(tftypes.Bool, true),
		})
		null := protoNull(t, schema)
		resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: benchContactType, PriorState: prior, PlannedState: null, Config: null,
		})
		if err != nil {
			t.Fatal(err)
		}
		failOnErrorDiags(t, "ApplyResourceChange", resp.Diagnostics)
		warnings := warningsOf(resp.Diagnostics)
		switch {
		case bound && (len(warnings) != 1 || !strings.Contains(warnings[0], "Still Bound Elsewhere") || !strings.Contains(warnings[0], root)):
			t.Errorf("warnings = %q, want one naming %s", warnings, root)
		case !bound && len(warnings) != 0:
			t.Errorf("warnings = %q for an unbound contact", warnings)
		}
		if _, ok := emu.Contact(out.ContactID); ok {
			t.Errorf("contact %s not deleted", out.ContactID)
		}
	}
}

// TestGuidance_emailCaseChangeWarns: an email address differing from the
// state only in letter case is a new address to the API.
func TestGuidance_emailCaseChangeWarns(t *testing.T) {
	emu := emulator.NewServer(t)
	ctx := context.Background()
	server := provider.NewProtocol6("test")()
	schema := configureProtocolServer(t, server, emu, "1.11.4")
	common := func(email string) map[string]tftypes.Value {
		return map[string]tftypes.Value{
			"id":            tftypes.NewValue(tftypes.String, "c-0123456789abcdef"),
			"name":          tftypes.NewValue(tftypes.String, "Ops"),
			"email_address": tftypes.NewValue(tftypes.String, email),
			"title":         tftypes.NewValue(tftypes.String, "CEO"),
			"message_types": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
				[]tftypes.Value{tftypes.NewValue(tftypes.String, "AccountExpenses")}),
		}
	}
	for _, tt := range []struct {
		prior, planned string
		warn           bool
	}{
		{"Ops@Example.com", "ops@example.com", true},
		{"ops@example.com", "ops@example.com", false},
		{"ops@example.com", "dev@example.com", false},
	} {
		cfg := common(tt.planned)
		delete(cfg, "id")
		resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName:         benchContactType,
			PriorState:       protoDynamicValue(t, schema, common(tt.prior)),
			ProposedNewState: protoDynamicValue(t, schema, common(tt.planned)),
			Config:           protoDynamicValue(t, schema, cfg),
		})
		if err != nil {
			t.Fatal(err)
		}
		failOnErrorDiags(t, "PlanResourceChange", resp.Diagnostics)
		w := warningsOf(resp.Diagnostics)
		if got := len(w) == 1 && strings.Contains(w[0], "Only in Letter Case") && strings.Contains(w[0], "new verification"); got != tt.warn {
			t.Errorf("%s -> %s: warnings %q", tt.prior, tt.planned, w)
		}
	}
}

// TestGuidance_interruptedCreateSaysHowToResend (issue 21): a create cut
// short by its timeout while the API committed it is recorded with a
// warning; the verification it did not send can be sent now, by the
// provider, and the warning says how (it sent users to the console).
func TestGuidance_interruptedCreateSaysHowToResend(t *testing.T) {
	emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) { s.MutationHold = 2 * time.Second }))
	ctx := context.Background()
	server := provider.NewProtocol6("test")()
	schema := configureProtocolServer(t, server, emu, "1.11.4")
	var timeoutsType tftypes.Object
	for _, b := range schema.Block.BlockTypes {
		if b.TypeName == "timeouts" {
			timeoutsType = b.ValueType().(tftypes.Object)
		}
	}
	timeouts := map[string]tftypes.Value{}
	for name, typ := range timeoutsType.AttributeTypes {
		timeouts[name] = tftypes.NewValue(typ, nil)
	}
	timeouts["create"] = str("500ms")
	cfg := protoDynamicValue(t, schema, map[string]tftypes.Value{
		"name":          str("Ops"),
		"email_address": str("ops@example.com"),
		"title":         str("CEO"),
		"message_types": strSet("AccountExpenses"),
		"timeouts":      tftypes.NewValue(timeoutsType, timeouts),
	})
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: benchContactType, PriorState: protoNull(t, schema), ProposedNewState: cfg, Config: cfg,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "PlanResourceChange", plan.Diagnostics)
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: benchContactType, PriorState: protoNull(t, schema), PlannedState: plan.PlannedState, Config: cfg,
		PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ApplyResourceChange", resp.Diagnostics)
	w := warningsOf(resp.Diagnostics)
	if len(w) != 1 || !strings.Contains(w[0], "Created Despite Interruption") ||
		!strings.Contains(w[0], "Verification was not sent: send it now by changing resend_verification_trigger, "+
			"or with the resourcedirectory_send_verification action (Terraform 1.14 and later)") ||
		strings.Contains(w[0], "console") {
		t.Errorf("warnings = %q, want one saying how to resend with the provider", w)
	}
	if n := emu.Len(); n != 1 {
		t.Errorf("%d contacts, want the one created", n)
	}
}

// TestGuidance_deletedContactsBindingsLeaveQuietly (issue 21): the refresh
// that finds a binding's or a member set's contact deleted drops them from
// the state without a warning. The plan re-creates them with the contact,
// and a warning that "a binding to a deleted contact cannot be created"
// read like a failure in CI; the plan-time check reports the case where
// they cannot be re-created (TestGuidance_bindingToDeletedContact).
func TestGuidance_deletedContactsBindingsLeaveQuietly(t *testing.T) {
	e := newProtoEnv(t)
	ctx := context.Background()
	const gone = "c-DeletedDeleted12"
	root := e.emu.Directory().RootID
	for typ, set := range map[string]map[string]tftypes.Value{
		"resourcedirectory_message_contact_binding": {
			"id": str(gone + ":" + root), "contact_id": str(gone), "member_id": str(root),
		},
		"resourcedirectory_message_contact_members": {
			"id": str(gone), "contact_id": str(gone), "member_ids": strSet(root),
		},
	} {
		schema := e.schemas.ResourceSchemas[typ]
		resp, err := e.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
			TypeName: typ, CurrentState: protoDynamicValue(t, schema, set),
		})
		if err != nil {
			t.Fatal(err)
		}
		failOnErrorDiags(t, typ+" ReadResource", resp.Diagnostics)
		if w := warningsOf(resp.Diagnostics); len(w) != 0 {
			t.Errorf("%s: warnings %q, want none", typ, w)
		}
		state, err := resp.NewState.Unmarshal(schema.ValueType())
		if err != nil || !state.IsNull() {
			t.Errorf("%s: new state %v (%v), want it removed", typ, state, err)
		}
	}
}
