package provider_test

import (
	"context"
	"strings"
	"testing"

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
