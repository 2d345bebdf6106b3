package provider_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// These tests drive the provider's protocol-6 server in-process, for
// behaviour that depends on what the CLI sends and that the acceptance
// tests therefore only reach with some CLI versions.

// TestMessageContactResource_readWithoutIdentity refreshes as Terraform
// before 1.12 does, sending no resource identity. The framework rejects a
// successful Read that returns no identity, so the provider must set one on
// every path, including the removal of a contact deleted outside Terraform
// (which OpenTofu and Terraform 1.12+, sending the stored identity, never
// exercise).
func TestMessageContactResource_readWithoutIdentity(t *testing.T) {
	emu := emulator.NewServer(t)
	client, err := rdapi.New(rdapi.Options{
		Endpoint:    emu.URL,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.AddMessageContact(context.Background(), rdapi.AddMessageContactInput{
		Name: "Ops", EmailAddress: "ops@example.com", Title: "TechnicalDirector", MessageTypes: []string{"AccountExpenses"},
	})
	if err != nil {
		t.Fatalf("adding a contact: %v", err)
	}
	server := provider.NewProtocol6("test")()
	schema := configureProtocolServer(t, server, emu, "1.5.7")

	for _, tt := range []struct {
		name    string
		id      string
		removed bool
	}{
		{name: "existing", id: out.ContactID},
		{name: "deleted outside Terraform", id: "c-GoneGoneGone1234", removed: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
				TypeName: benchContactType,
				CurrentState: protoDynamicValue(t, schema, map[string]tftypes.Value{
					"id": tftypes.NewValue(tftypes.String, tt.id),
				}),
			})
			if err != nil {
				t.Fatal(err)
			}
			failOnErrorDiags(t, "ReadResource", resp.Diagnostics)

			state, err := resp.NewState.Unmarshal(schema.ValueType())
			if err != nil {
				t.Fatalf("decoding the new state: %v", err)
			}
			if state.IsNull() != tt.removed {
				t.Errorf("new state null: %t, want %t", state.IsNull(), tt.removed)
			}
			if resp.NewIdentity == nil {
				t.Fatal("ReadResource returned no identity")
			}
			ident, err := resp.NewIdentity.IdentityData.Unmarshal(contactIdentityType)
			if err != nil {
				t.Fatalf("decoding the new identity: %v", err)
			}
			var attrs map[string]tftypes.Value
			if err := ident.As(&attrs); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := attrs["id"].As(&id); err != nil {
				t.Fatal(err)
			}
			if id != tt.id {
				t.Errorf("identity id %q, want %q", id, tt.id)
			}
		})
	}
}

// TestMessageContactResource_stateWithMembersUpgrades: state written before
// `members` was removed from the contact resource still loads; the
// attribute is dropped.
func TestMessageContactResource_stateWithMembersUpgrades(t *testing.T) {
	emu := emulator.NewServer(t)
	server := provider.NewProtocol6("test")()
	schema := configureProtocolServer(t, server, emu, "1.12.6")
	old := `{"id":"c-qL4HqKONzOM7Ab","name":"Ops","email_address":"ops@example.com","phone_number":null,` +
		`"title":"CEO","message_types":["AccountExpenses"],"status":"Active","pending_email_address":null,` +
		`"pending_phone_number":null,"members":["rd-k3Ux9d"],"create_date":"2026-12-01 10:00:00",` +
		`"send_verification":true,"retain_contact_in_members_on_destroy":false,"timeouts":null}`
	resp, err := server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: benchContactType,
		Version:  schema.Version,
		RawState: &tfprotov6.RawState{JSON: []byte(old)},
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "UpgradeResourceState", resp.Diagnostics)
	state, err := resp.UpgradedState.Unmarshal(schema.ValueType())
	if err != nil {
		t.Fatalf("decoding the upgraded state: %v", err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs["members"]; ok {
		t.Error("the upgraded state still has members")
	}
	var name string
	if err := attrs["name"].As(&name); err != nil || name != "Ops" {
		t.Errorf("upgraded name = %q (%v), want Ops", name, err)
	}
}

// TestMessageContactResource_stateWithReadMemoReads: states written by the
// builds that memoised reads carry a hash of the last read's inputs under
// the private key "read_memo". Such a state reads cleanly: nothing is
// reported, an unchanged contact leaves the state as it is, a change made
// outside Terraform is reported (the stale hash is not trusted), and the key
// is dropped.
func TestMessageContactResource_stateWithReadMemoReads(t *testing.T) {
	env := newProtoEnv(t)
	id := env.seed(t, "Ops", "ops@example.com", "")
	schema := env.schemas.ResourceSchemas[benchContactType]
	read := func(t *testing.T, state *tfprotov6.DynamicValue, private []byte) *tfprotov6.ReadResourceResponse {
		t.Helper()
		resp, err := env.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
			TypeName: benchContactType, CurrentState: state, Private: private,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) > 0 {
			t.Fatalf("ReadResource: %s", diagText(resp.Diagnostics))
		}
		return resp
	}
	// The state and private state as the contact's first refresh left them,
	// plus the memo of a build that had one.
	first := read(t, protoDynamicValue(t, schema, map[string]tftypes.Value{"id": str(id)}), nil)
	private := map[string][]byte{}
	if err := json.Unmarshal(first.Private, &private); err != nil {
		t.Fatalf("decoding the private state: %v", err)
	}
	private["read_memo"] = []byte(`{"keys":["c2hhMjU2IG9mIHRoZSBsYXN0IHJlYWQncyBpbnB1dHM="]}`)
	old, err := json.Marshal(private)
	if err != nil {
		t.Fatal(err)
	}
	title := func(t *testing.T, dv *tfprotov6.DynamicValue) string {
		t.Helper()
		v, err := dv.Unmarshal(schema.ValueType())
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		var s string
		if err := v.As(&attrs); err != nil || attrs["title"].As(&s) != nil {
			t.Fatalf("reading the title of %v", v)
		}
		return s
	}
	dropped := func(t *testing.T, resp *tfprotov6.ReadResourceResponse) {
		t.Helper()
		got := map[string][]byte{}
		if err := json.Unmarshal(resp.Private, &got); err != nil {
			t.Fatalf("decoding the private state: %v", err)
		}
		if _, ok := got["read_memo"]; ok {
			t.Error("the read kept the read_memo key")
		}
		if _, ok := got["verified_targets"]; !ok {
			t.Error("the read lost the verified_targets key")
		}
	}

	t.Run("unchanged", func(t *testing.T) {
		resp := read(t, first.NewState, old)
		if got, want := string(resp.NewState.MsgPack), string(first.NewState.MsgPack); got != want {
			t.Error("the read changed the state of an unchanged contact")
		}
		dropped(t, resp)
	})
	t.Run("changed outside Terraform", func(t *testing.T) {
		ceo := "CEO"
		if err := env.client.UpdateMessageContact(context.Background(), rdapi.UpdateMessageContactInput{ContactID: id, Title: &ceo}); err != nil {
			t.Fatal(err)
		}
		// A new operation: a provider process with a snapshot of its own.
		configureProtocolServer(t, env.server, env.emu, "1.14.0")
		resp := read(t, first.NewState, old)
		if got := title(t, resp.NewState); got != ceo {
			t.Errorf("title after an out-of-band change = %q, want %q", got, ceo)
		}
		dropped(t, resp)
	})
}
