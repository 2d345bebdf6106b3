package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// applyTrigger plays the CLI for one apply that changes only
// resend_verification_trigger of contact id (imported as a refresh would
// read it) to value, and returns the apply's diagnostics: the acceptance
// tests cannot see warnings.
func (e *protoEnv) applyTrigger(t *testing.T, id, value string) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	schema := e.schemas.ResourceSchemas[benchContactType]
	typ := schema.ValueType()
	read, err := e.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName:     benchContactType,
		CurrentState: protoDynamicValue(t, schema, map[string]tftypes.Value{"id": str(id)}),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ReadResource", read.Diagnostics)
	prior, err := read.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := prior.As(&attrs); err != nil {
		t.Fatal(err)
	}
	attrs["resend_verification_trigger"] = str(value)
	proposed := tftypes.NewValue(typ, attrs)
	for _, a := range schema.Block.Attributes { // config has no computed-only values
		if a.Computed && !a.Optional {
			attrs[a.Name] = tftypes.NewValue(a.ValueType(), nil)
		}
	}
	config := tftypes.NewValue(typ, attrs)
	dv := func(v tftypes.Value) *tfprotov6.DynamicValue {
		d, err := tfprotov6.NewDynamicValue(typ, v)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	plan, err := e.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: benchContactType, PriorState: read.NewState, ProposedNewState: dv(proposed), Config: dv(config),
		PriorPrivate: read.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "PlanResourceChange", plan.Diagnostics)
	applied, err := e.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: benchContactType, PriorState: read.NewState, PlannedState: plan.PlannedState, Config: dv(config),
		PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		t.Fatal(err)
	}
	return applied.Diagnostics
}

func TestMessageContactResource_resendVerificationTriggerWarnings(t *testing.T) {
	t.Parallel()
	env := newProtoEnv(t, emulator.WithSettings(func(s *emulator.Settings) { s.DailySendLimit = 1 }))
	done := env.seed(t, "Done", "done@example.com", "")
	env.verify(t, done, "done@example.com")
	pending := env.seed(t, "Pending", "pending@example.com", "86-13800000007")

	wantDiag(t, env.applyTrigger(t, done, "1"), tfprotov6.DiagnosticSeverityWarning, "No Verification Sent", "",
		"resend_verification_trigger changed", done, "nothing was sent")
	if c, _ := env.emu.Contact(done); c.EmailVerificationsSent != 0 {
		t.Errorf("sent %d emails to a verified contact", c.EmailVerificationsSent)
	}

	// The limit is one message a day: the email goes out, the SMS is refused.
	wantDiag(t, env.applyTrigger(t, pending, "1"), tfprotov6.DiagnosticSeverityWarning,
		"Verification Not Sent: Daily Limit Reached", "", "86-13800000007", "stays pending", "SendValidateCodeExceedsLimitForAccount")
	if c, _ := env.emu.Contact(pending); c.EmailVerificationsSent != 1 || c.PhoneVerificationsSent != 0 {
		t.Errorf("sent %d emails and %d SMS, want 1 and 0", c.EmailVerificationsSent, c.PhoneVerificationsSent)
	}
}
