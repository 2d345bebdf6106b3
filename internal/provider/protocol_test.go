package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
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
	server := providerserver.NewProtocol6(provider.New("test")())()
	schema := configureProtocolServer(t, server, emu, "1.5.7")
	identityType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

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
			ident, err := resp.NewIdentity.IdentityData.Unmarshal(identityType)
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

// configureProtocolServer configures the provider for emu, as Terraform
// terraformVersion does, and returns the message contact resource schema.
func configureProtocolServer(tb testing.TB, server tfprotov6.ProviderServer, emu *emulator.Server, terraformVersion string) *tfprotov6.Schema {
	tb.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	failOnErrorDiags(tb, "GetProviderSchema", schemas.Diagnostics)
	resourceSchema, ok := schemas.ResourceSchemas[benchContactType]
	if !ok {
		tb.Fatalf("the provider has no %s resource", benchContactType)
	}

	config := protoDynamicValue(tb, schemas.Provider, map[string]tftypes.Value{
		"endpoint":   tftypes.NewValue(tftypes.String, emu.URL),
		"access_key": tftypes.NewValue(tftypes.String, emulator.DefaultAccessKeyID),
		"secret_key": tftypes.NewValue(tftypes.String, emulator.DefaultAccessKeySecret),
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: terraformVersion,
		Config:           config,
	})
	if err != nil {
		tb.Fatal(err)
	}
	failOnErrorDiags(tb, "ConfigureProvider", resp.Diagnostics)
	return resourceSchema
}

// protoDynamicValue builds a value of the object schema describes: set
// gives some attributes, the others are null, and nested list or set
// blocks are empty (as Terraform sends them).
func protoDynamicValue(tb testing.TB, schema *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	vals := map[string]tftypes.Value{}
	for _, a := range schema.Block.Attributes {
		vals[a.Name] = tftypes.NewValue(a.ValueType(), nil)
	}
	for _, nb := range schema.Block.BlockTypes {
		switch nb.Nesting {
		case tfprotov6.SchemaNestedBlockNestingModeList, tfprotov6.SchemaNestedBlockNestingModeSet:
			vals[nb.TypeName] = tftypes.NewValue(nb.ValueType(), []tftypes.Value{})
		default:
			vals[nb.TypeName] = tftypes.NewValue(nb.ValueType(), nil)
		}
	}
	for k, v := range set {
		if _, ok := vals[k]; !ok {
			tb.Fatalf("the schema has no attribute %q", k)
		}
		vals[k] = v
	}
	typ := schema.ValueType()
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

// failOnErrorDiags fails the test on any error diagnostic.
func failOnErrorDiags(tb testing.TB, what string, diags []*tfprotov6.Diagnostic) {
	tb.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}
