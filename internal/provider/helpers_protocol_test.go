package provider_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

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

// protoNull is the null value of schema's object (the prior state of a
// create, the planned state of a destroy).
func protoNull(t *testing.T, schema *tfprotov6.Schema) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// contactIdentityType is the type of the message contact's identity.
var contactIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// failOnErrorDiags fails the test on any error diagnostic.
func failOnErrorDiags(tb testing.TB, what string, diags []*tfprotov6.Diagnostic) {
	tb.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}

const (
	sendVerificationType = "resourcedirectory_send_verification"
	cancelUpdateType     = "resourcedirectory_cancel_pending_update"
	prodFolder           = "fd-Prod4Nz7Qa"
)

// protoServer is what a Terraform 1.14 CLI calls.
type protoServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// protoEnv is a configured protocol-6 server in front of an emulator.
type protoEnv struct {
	server  protoServer
	schemas *tfprotov6.GetProviderSchemaResponse
	emu     *emulator.Server
	client  *rdapi.Client
}

func newProtoEnv(t *testing.T, opts ...emulator.Option) *protoEnv {
	t.Helper()
	emu := emulator.NewServer(t, opts...)
	client, err := rdapi.New(rdapi.Options{
		Endpoint:    emu.URL,
		Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	ps := provider.NewProtocol6("test")()
	server, ok := ps.(protoServer)
	if !ok {
		t.Fatalf("the provider server (%T) serves no list resources or actions", ps)
	}
	configureProtocolServer(t, server, emu, "1.14.0")
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &protoEnv{server: server, schemas: schemas, emu: emu, client: client}
}

// seed creates a contact through the API and returns its ID.
func (e *protoEnv) seed(t *testing.T, name, email, phone string) string {
	t.Helper()
	out, err := e.client.AddMessageContact(context.Background(), rdapi.AddMessageContactInput{
		Name: name, EmailAddress: email, PhoneNumber: phone, Title: "TechnicalDirector",
		MessageTypes: []string{"AccountExpenses"},
	})
	if err != nil {
		t.Fatalf("adding %s: %v", name, err)
	}
	return out.ContactID
}

// verify completes the pending verification of target, as its recipient would.
func (e *protoEnv) verify(t *testing.T, id, target string) {
	t.Helper()
	if err := e.emu.Verify(id, target); err != nil {
		t.Fatal(err)
	}
}

// listConfig is the config of a list block with the given filters.
func (e *protoEnv) listConfig(t *testing.T, filters map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	set := map[string]tftypes.Value{}
	for k, v := range filters {
		set[k] = tftypes.NewValue(tftypes.String, v)
	}
	return protoDynamicValue(t, e.schemas.ListResourceSchemas[benchContactType], set)
}

// list runs ListResource and collects the stream.
func (e *protoEnv) list(t *testing.T, filters map[string]string, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
	t.Helper()
	stream, err := e.server.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName:        benchContactType,
		Config:          e.listConfig(t, filters),
		IncludeResource: includeResource,
		Limit:           limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Collect(stream.Results)
}

// actionConfig is the config of an action block.
func (e *protoEnv) actionConfig(t *testing.T, typ string, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	s, ok := e.schemas.ActionSchemas[typ]
	if !ok {
		t.Fatalf("the provider has no action %s", typ)
	}
	return protoDynamicValue(t, s.Schema, set)
}

// invoke runs InvokeAction and returns the progress messages and the
// diagnostics of the completion event.
func (e *protoEnv) invoke(t *testing.T, typ string, set map[string]tftypes.Value) ([]string, []*tfprotov6.Diagnostic) {
	t.Helper()
	stream, err := e.server.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{
		ActionType: typ, Config: e.actionConfig(t, typ, set),
	})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	var diags []*tfprotov6.Diagnostic
	completed := 0
	for ev := range stream.Events {
		switch ev := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			msgs = append(msgs, ev.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			diags = ev.Diagnostics
		}
	}
	if completed != 1 {
		t.Fatalf("InvokeAction sent %d completion events, want 1", completed)
	}
	return msgs, diags
}

// plan runs PlanAction and returns its diagnostics.
func (e *protoEnv) plan(t *testing.T, typ string, set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := e.server.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{
		ActionType: typ, Config: e.actionConfig(t, typ, set),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func strSet(s ...string) tftypes.Value {
	vals := make([]tftypes.Value, len(s))
	for i, v := range s {
		vals[i] = str(v)
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vals)
}

// identityID decodes the id of a result's identity.
func identityID(t *testing.T, r tfprotov6.ListResourceResult) string {
	t.Helper()
	if r.Identity == nil || r.Identity.IdentityData == nil {
		t.Fatalf("result %q has no identity (diagnostics %s)", r.DisplayName, diagText(r.Diagnostics))
	}
	return identityDataID(t, r.Identity)
}

// identityDataID decodes the id of a contact's identity.
func identityDataID(t *testing.T, ident *tfprotov6.ResourceIdentityData) string {
	t.Helper()
	if ident == nil || ident.IdentityData == nil {
		t.Fatal("no identity")
	}
	v, err := ident.IdentityData.Unmarshal(contactIdentityType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := attrs["id"].As(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// resultIDs returns the identity IDs of results, failing on any diagnostic.
func resultIDs(t *testing.T, results []tfprotov6.ListResourceResult) []string {
	t.Helper()
	var ids []string
	for _, r := range results {
		if len(r.Diagnostics) > 0 {
			t.Fatalf("result %q has diagnostics: %s", r.DisplayName, diagText(r.Diagnostics))
		}
		ids = append(ids, identityID(t, r))
	}
	slices.Sort(ids)
	return ids
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// diagText renders diagnostics for failure messages.
func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("[" + d.Severity.String() + "] " + d.Summary + ": " + d.Detail)
		if d.Attribute != nil {
			b.WriteString(" (at " + d.Attribute.String() + ")")
		}
		b.WriteString("; ")
	}
	return b.String()
}

// wantDiag fails unless diags is exactly one diagnostic of severity whose
// summary is summary, on attribute attr ("" for none), whose detail
// contains every one of details.
func wantDiag(t *testing.T, diags []*tfprotov6.Diagnostic, severity tfprotov6.DiagnosticSeverity, summary, attr string, details ...string) {
	t.Helper()
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1 %q: %s", len(diags), summary, diagText(diags))
	}
	d := diags[0]
	gotAttr := ""
	if d.Attribute != nil {
		gotAttr = d.Attribute.String()
	}
	if d.Severity != severity || d.Summary != summary || gotAttr != attr {
		t.Errorf("got %s, want [%s] %s at %q", diagText(diags), severity, summary, attr)
	}
	for _, s := range details {
		if !strings.Contains(d.Detail, s) {
			t.Errorf("detail %q does not contain %q", d.Detail, s)
		}
	}
}
