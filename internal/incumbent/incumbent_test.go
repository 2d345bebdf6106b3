package incumbent_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/incumbent"
)

// referenceResources are the contacts of reference/terraform.tfstate, as
// the configuration reference/main.tf made them.
var referenceResources = []incumbent.Resource{
	{Name: "finance", Contacts: []incumbent.Contact{{
		ID: "c-UH06h2NeV9X1KXko", Name: "finance", EmailAddress: "finance@example.com", PhoneNumber: "86-13800138000",
		Title: "TechnicalDirector", MessageTypes: []string{"AccountExpenses", "ServiceMessage"}, Status: "Verifying",
		CreateTime: "2026-12-06 07:46:54",
	}}},
	{Name: "team", Keys: []any{0, 1}, Contacts: []incumbent.Contact{
		{ID: "c-ToBOqjjTXWoK8ZCQ", Name: "opsteam", EmailAddress: "team0@example.com", Title: "MaintenanceDirector",
			MessageTypes: []string{"FaultMessage"}, Status: "Verifying", CreateTime: "2026-12-06 07:46:54"},
		{ID: "c-mGITs4bQUZp2DOZH", Name: "secteam", EmailAddress: "team1@example.com", Title: "MaintenanceDirector",
			MessageTypes: []string{"FaultMessage"}, Status: "Verifying", CreateTime: "2026-12-06 07:46:54"},
	}},
}

// TestWriteState_shapedLikeTheReference: WriteState, given the reference
// state's contacts, writes the reference state, field for field.
func TestWriteState_shapedLikeTheReference(t *testing.T) {
	got, err := incumbent.WriteState("e3b50c39-a412-4eb4-a03e-b830d4c25710", referenceResources...)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(incumbent.ReferenceFile("terraform.tfstate"), &w); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("WriteState (-reference +written):\n%s", d)
	}
	if _, err := incumbent.WriteState("x", incumbent.Resource{Name: "r", Keys: []any{0}}); err == nil {
		t.Error("WriteState accepted more keys than contacts")
	}
}

// TestStandIn_servesTheRecordedSchema: the stand-in serves the recorded
// resource schema, under which every instance of the reference state
// decodes, and refuses whatever would need the API.
func TestStandIn_servesTheRecordedSchema(t *testing.T) {
	ctx := context.Background()
	s := incumbent.NewStandIn()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov5.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	served := schemas.ResourceSchemas[incumbent.ResourceType]
	if len(schemas.ResourceSchemas) != 1 || served == nil {
		t.Fatalf("resource schemas %v, want %s alone", schemas.ResourceSchemas, incumbent.ResourceType)
	}
	recorded, err := incumbent.Schema()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range served.Block.Attributes {
		got[a.Name] = a.Type.String() + flags(a.Required, a.Optional, a.Computed)
	}
	for _, b := range served.Block.BlockTypes {
		for _, a := range b.Block.Attributes {
			got[b.TypeName+"."+a.Name] = a.Type.String() + flags(a.Required, a.Optional, a.Computed)
		}
	}
	want := map[string]string{
		"id": "tftypes.String optional computed", "message_contact_name": "tftypes.String required",
		"email_address": "tftypes.String required", "phone_number": "tftypes.String optional",
		"title": "tftypes.String required", "message_types": "tftypes.List[tftypes.String] required",
		"status": "tftypes.String computed", "create_time": "tftypes.String computed",
		"timeouts.create": "tftypes.String optional", "timeouts.update": "tftypes.String optional",
		"timeouts.delete": "tftypes.String optional",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("served schema (-want +got):\n%s", d)
	}
	if served.Version != int64(recorded.Version) || len(recorded.Block.Attributes) != 8 || len(recorded.Block.NestedBlocks) != 1 {
		t.Errorf("served version %d; recorded version %d, %d attributes, %d blocks", served.Version, recorded.Version,
			len(recorded.Block.Attributes), len(recorded.Block.NestedBlocks))
	}

	var st struct {
		Resources []struct {
			Instances []struct {
				Attributes json.RawMessage `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(incumbent.ReferenceFile("terraform.tfstate"), &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		for _, in := range r.Instances {
			resp, err := s.UpgradeResourceState(ctx, &tfprotov5.UpgradeResourceStateRequest{
				TypeName: incumbent.ResourceType, RawState: &tfprotov5.RawState{JSON: in.Attributes},
			})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("UpgradeResourceState: %v %v", err, resp.Diagnostics)
			}
			v, err := resp.UpgradedState.Unmarshal(served.ValueType())
			if err != nil {
				t.Fatal(err)
			}
			var attrs map[string]tftypes.Value
			if err := v.As(&attrs); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := attrs["id"].As(&id); err != nil || id == "" {
				t.Errorf("decoded id %q (%v)", id, err)
			}
		}
	}
	bad, err := s.UpgradeResourceState(ctx, &tfprotov5.UpgradeResourceStateRequest{
		TypeName: incumbent.ResourceType, RawState: &tfprotov5.RawState{JSON: []byte(`{"message_types":"FaultMessage"}`)},
	})
	if err != nil || len(bad.Diagnostics) == 0 {
		t.Errorf("a state of another shape was accepted: %v", err)
	}

	for what, diags := range map[string][]*tfprotov5.Diagnostic{
		"read":  must(s.ReadResource(ctx, &tfprotov5.ReadResourceRequest{TypeName: incumbent.ResourceType})).Diagnostics,
		"plan":  must(s.PlanResourceChange(ctx, &tfprotov5.PlanResourceChangeRequest{TypeName: incumbent.ResourceType})).Diagnostics,
		"apply": must(s.ApplyResourceChange(ctx, &tfprotov5.ApplyResourceChangeRequest{TypeName: incumbent.ResourceType})).Diagnostics,
	} {
		if len(diags) != 1 || diags[0].Severity != tfprotov5.DiagnosticSeverityError {
			t.Errorf("%s: diagnostics %v, want the stand-in's refusal", what, diags)
		}
	}
}

func flags(required, optional, computed bool) string {
	out := ""
	for _, f := range []struct {
		on   bool
		name string
	}{{required, "required"}, {optional, "optional"}, {computed, "computed"}} {
		if f.on {
			out += " " + f.name
		}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
