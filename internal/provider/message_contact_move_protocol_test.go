package provider_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/incumbent"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// These tests move the incumbent's state (alicloud_resource_manager_message_contact,
// internal/incumbent) through the provider's protocol server, as the CLI
// does for a moved block: MoveResourceState, then the refresh and the plan
// that follow it. The moves on the real CLIs, with count and for_each
// addresses, are TestMigrateFromAlicloud's.

const incumbentType = incumbent.ResourceType

// incumbentInstance is one resource instance of a state file.
type incumbentInstance struct {
	Address       string          // finance, team[0], ...
	SchemaVersion int64           `json:"schema_version"`
	Attributes    json.RawMessage `json:"attributes"`
	Private       string          `json:"private"`
}

// readIncumbentState returns the instances of the reference state, by
// address.
func readIncumbentState(t *testing.T) map[string]incumbentInstance {
	t.Helper()
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Provider  string `json:"provider"`
			Instances []struct {
				incumbentInstance
				IndexKey any `json:"index_key"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(incumbent.ReferenceFile("terraform.tfstate"), &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]incumbentInstance{}
	for _, r := range st.Resources {
		if r.Type != incumbentType || r.Provider != `provider["registry.terraform.io/aliyun/alicloud"]` {
			t.Fatalf("unexpected resource %s.%s of %s in the reference state", r.Type, r.Name, r.Provider)
		}
		for _, in := range r.Instances {
			in.Address = r.Name
			if in.IndexKey != nil {
				in.Address = fmt.Sprintf("%s[%v]", r.Name, in.IndexKey)
			}
			out[in.Address] = in.incumbentInstance
		}
	}
	return out
}

// moveRequest is the MoveResourceState request the CLI sends for in.
func moveRequest(t *testing.T, in incumbentInstance, providerAddress, typeName string) *tfprotov6.MoveResourceStateRequest {
	t.Helper()
	private, err := base64.StdEncoding.DecodeString(in.Private)
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: providerAddress,
		SourceTypeName:        typeName,
		SourceSchemaVersion:   in.SchemaVersion,
		SourceState:           &tfprotov6.RawState{JSON: in.Attributes},
		SourcePrivate:         private,
		TargetTypeName:        benchContactType,
	}
}

// move sends req and returns the response, failing on a transport error.
func (e *protoEnv) move(t *testing.T, req *tfprotov6.MoveResourceStateRequest) *tfprotov6.MoveResourceStateResponse {
	t.Helper()
	resp, err := e.server.MoveResourceState(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// contactSchema is the resource's protocol schema.
func (e *protoEnv) contactSchema() *tfprotov6.Schema {
	return e.schemas.ResourceSchemas[benchContactType]
}

// plain turns a value into what encoding/json would decode its JSON into
// (sets sorted), so that states compare with cmp.
func plain(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if !v.IsKnown() {
		t.Fatalf("unknown value at %s", v.Type())
	}
	if v.IsNull() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case v.Type().Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := map[string]any{}
		for k, e := range m {
			out[k] = plain(t, e)
		}
		return out
	case v.Type().Is(tftypes.Set{}), v.Type().Is(tftypes.List{}):
		var l []tftypes.Value
		_ = v.As(&l)
		out := []any{}
		for _, e := range l {
			out = append(out, plain(t, e))
		}
		if v.Type().Is(tftypes.Set{}) {
			sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		}
		return out
	}
	t.Fatalf("unexpected type %s", v.Type())
	return nil
}

// decodePlain decodes a state of the contact resource into plain values.
func (e *protoEnv) decodePlain(t *testing.T, dv *tfprotov6.DynamicValue) map[string]any {
	t.Helper()
	if dv == nil {
		t.Fatal("no state")
	}
	v, err := dv.Unmarshal(e.contactSchema().ValueType())
	if err != nil {
		t.Fatal(err)
	}
	if !v.IsFullyKnown() {
		t.Fatal("the state holds unknown values")
	}
	m, ok := plain(t, v).(map[string]any)
	if !ok {
		t.Fatal("the state is null")
	}
	return m
}

// TestMoveResourceState_referenceState moves every instance of the state
// the incumbent wrote, from each form of the source address the CLIs send:
// every attribute lands where it belongs, this provider's own arguments
// hold their defaults, nothing is unknown, and the identity is the ID.
func TestMoveResourceState_referenceState(t *testing.T) {
	env := newProtoEnv(t)
	instances := readIncumbentState(t)
	want := map[string]string{
		"finance": `{"id":"c-UH06h2NeV9X1KXko","name":"finance","email_address":"finance@example.com",
			"phone_number":"86-13800138000","title":"TechnicalDirector","message_types":["AccountExpenses","ServiceMessage"],
			"status":"Verifying","pending_email_address":null,"pending_phone_number":null,"create_date":"2026-12-06 07:46:54",
			"send_verification":true,"resend_verification_trigger":null,"retain_contact_in_members_on_destroy":false,"timeouts":null}`,
		"team[0]": `{"id":"c-ToBOqjjTXWoK8ZCQ","name":"opsteam","email_address":"team0@example.com",
			"phone_number":null,"title":"MaintenanceDirector","message_types":["FaultMessage"],
			"status":"Verifying","pending_email_address":null,"pending_phone_number":null,"create_date":"2026-12-06 07:46:54",
			"send_verification":true,"resend_verification_trigger":null,"retain_contact_in_members_on_destroy":false,"timeouts":null}`,
		"team[1]": `{"id":"c-mGITs4bQUZp2DOZH","name":"secteam","email_address":"team1@example.com",
			"phone_number":null,"title":"MaintenanceDirector","message_types":["FaultMessage"],
			"status":"Verifying","pending_email_address":null,"pending_phone_number":null,"create_date":"2026-12-06 07:46:54",
			"send_verification":true,"resend_verification_trigger":null,"retain_contact_in_members_on_destroy":false,"timeouts":null}`,
	}
	if got := slices.Sorted(maps.Keys(instances)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Fatalf("the reference state has instances %v", got)
	}
	addresses := []string{
		"registry.terraform.io/aliyun/alicloud", // Terraform
		"registry.opentofu.org/aliyun/alicloud", // OpenTofu 1.11.12+, 1.12.4+
		"terraform.example.com/aliyun/alicloud", // a private registry or mirror host
		"REGISTRY.TERRAFORM.IO/Aliyun/AliCloud", // addresses compare case-insensitively
		"alicloud",                              // OpenTofu 1.10.0-1.11.11, 1.12.0-1.12.3
		// The CLIs' address when a moved block moves a whole resource with
		// count or for_each instances.
		"registry.terraform.io/rdcontact/resourcedirectory",
		"registry.opentofu.org/rdcontact/resourcedirectory",
	}
	for addr, in := range instances {
		for _, source := range addresses {
			t.Run(addr+" from "+source, func(t *testing.T) {
				resp := env.move(t, moveRequest(t, in, source, incumbentType))
				failOnErrorDiags(t, "MoveResourceState", resp.Diagnostics)
				var wantState map[string]any
				if err := json.Unmarshal([]byte(want[addr]), &wantState); err != nil {
					t.Fatal(err)
				}
				got := env.decodePlain(t, resp.TargetState)
				if d := cmp.Diff(wantState, got); d != "" {
					t.Errorf("moved state (-want +got):\n%s", d)
				}
				if id := identityDataID(t, resp.TargetIdentity); id != wantState["id"] {
					t.Errorf("identity id %q, want %q", id, wantState["id"])
				}
				if len(resp.TargetPrivate) > 0 && strings.Contains(string(resp.TargetPrivate), "e2bfb730") {
					t.Errorf("the incumbent's private data (the SDK's timeouts) was carried over: %s", resp.TargetPrivate)
				}
			})
		}
	}
}

// TestMoveResourceState_timeoutsAndOddValues: the incumbent's timeouts block
// carries over (read, which it lacks, unset); a message type listed twice
// becomes one set element; an empty phone number and a missing one both
// become null.
func TestMoveResourceState_timeoutsAndOddValues(t *testing.T) {
	env := newProtoEnv(t)
	in := incumbentInstance{Attributes: json.RawMessage(`{"id":"c-qL4HqKONzOM7abcd","message_contact_name":"ops",
		"email_address":"ops@example.com","title":"CEO","message_types":["FaultMessage","AccountExpenses","FaultMessage"],
		"status":"Active","create_time":"2026-01-02 03:04:05","timeouts":{"create":"5m","update":null,"delete":"30m"}}`)}
	resp := env.move(t, moveRequest(t, in, "registry.terraform.io/aliyun/alicloud", incumbentType))
	failOnErrorDiags(t, "MoveResourceState", resp.Diagnostics)
	got := env.decodePlain(t, resp.TargetState)
	if d := cmp.Diff(map[string]any{"create": "5m", "read": nil, "update": nil, "delete": "30m"}, got["timeouts"]); d != "" {
		t.Errorf("timeouts (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{"AccountExpenses", "FaultMessage"}, got["message_types"]); d != "" {
		t.Errorf("message_types (-want +got):\n%s", d)
	}
	if got["phone_number"] != nil {
		t.Errorf("phone_number = %v, want null", got["phone_number"])
	}
}

// TestMoveResourceState_otherSources: whatever this resource cannot take
// over gets an error that says what it can move, and nothing is moved.
func TestMoveResourceState_otherSources(t *testing.T) {
	env := newProtoEnv(t)
	finance := readIncumbentState(t)["finance"]
	for _, tt := range []struct {
		name, address, typeName string
		version                 int64
		attributes              string
		want                    []string
	}{
		{name: "another alicloud resource", address: "registry.terraform.io/aliyun/alicloud", typeName: "alicloud_ram_user",
			want: []string{"alicloud_resource_manager_message_contact of the provider aliyun/alicloud only", "alicloud_ram_user"}},
		{name: "another alicloud resource, bare address", address: "alicloud", typeName: "alicloud_ram_user",
			want: []string{"alicloud_resource_manager_message_contact of the provider aliyun/alicloud only", "alicloud_ram_user"}},
		{name: "the same type name from another namespace", address: "registry.terraform.io/example/alicloud", typeName: incumbentType,
			want: []string{"aliyun/alicloud only", `"registry.terraform.io/example/alicloud"`}},
		{name: "another provider's bare prefix", address: "pulumi", typeName: incumbentType,
			want: []string{"aliyun/alicloud only", `"pulumi"`}},
		{name: "a contact of this provider", address: "registry.terraform.io/rdcontact/resourcedirectory", typeName: benchContactType,
			want: []string{"alicloud_resource_manager_message_contact of the provider aliyun/alicloud only"}},
		{name: "a newer incumbent schema", address: "registry.terraform.io/aliyun/alicloud", typeName: incumbentType, version: 1,
			want: []string{"schema version 1", "schema version 0 only"}},
		{name: "a state of another shape", address: "registry.terraform.io/aliyun/alicloud", typeName: incumbentType,
			attributes: `{"id":"c-qL4HqKONzOM7abcd","message_types":"FaultMessage"}`,
			want:       []string{"does not have the shape of its schema version 0", "message_types"}},
		{name: "a state without an id", address: "registry.terraform.io/aliyun/alicloud", typeName: incumbentType,
			attributes: `{"id":"","message_contact_name":"ops","email_address":"ops@example.com","title":"CEO","message_types":["FaultMessage"]}`,
			want:       []string{"has no id", "import"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := finance
			in.SchemaVersion = tt.version
			if tt.attributes != "" {
				in.Attributes = json.RawMessage(tt.attributes)
			}
			resp := env.move(t, moveRequest(t, in, tt.address, tt.typeName))
			var errs []string
			for _, d := range resp.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					errs = append(errs, d.Summary+": "+d.Detail)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("diagnostics %q, want one error", errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs[0], w) {
					t.Errorf("the error does not say %q:\n%s", w, errs[0])
				}
			}
			if resp.TargetState != nil {
				if v, err := resp.TargetState.Unmarshal(env.contactSchema().ValueType()); err != nil || !v.IsNull() {
					t.Errorf("a state was moved: %v (%v)", v, err)
				}
			}
		})
	}
}

// incumbentJSON is the incumbent's state of a contact, shaped like the
// reference state.
func incumbentJSON(t *testing.T, attrs map[string]any) json.RawMessage {
	t.Helper()
	full := map[string]any{"phone_number": "", "status": "Verifying", "timeouts": nil}
	maps.Copy(full, attrs)
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// configFor is the configuration of the contact resource that sets exactly
// args (what the user's resourcedirectory_message_contact block says).
func (e *protoEnv) configFor(t *testing.T, args map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, v := range args {
		switch v := v.(type) {
		case string:
			vals[k] = tftypes.NewValue(tftypes.String, v)
		case []string:
			var elems []tftypes.Value
			for _, s := range v {
				elems = append(elems, tftypes.NewValue(tftypes.String, s))
			}
			vals[k] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
		case map[string]string: // the timeouts block
			typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
				"create": tftypes.String, "read": tftypes.String, "update": tftypes.String, "delete": tftypes.String}}
			obj := map[string]tftypes.Value{}
			for a := range typ.AttributeTypes {
				obj[a] = tftypes.NewValue(tftypes.String, nil)
				if s, ok := v[a]; ok {
					obj[a] = tftypes.NewValue(tftypes.String, s)
				}
			}
			vals[k] = tftypes.NewValue(typ, obj)
		default:
			t.Fatalf("unsupported value %T", v)
		}
	}
	return protoDynamicValue(t, e.contactSchema(), vals)
}

// TestMoveResourceState_firstPlanIsEmpty plays what the CLI does with a
// moved block, through the protocol: the move, the refresh, the plan
// against the unchanged configuration (the incumbent's arguments under
// their new names). The plan changes nothing, requires no replacement, and
// the API sees no write.
func TestMoveResourceState_firstPlanIsEmpty(t *testing.T) {
	for _, tt := range []struct {
		name     string
		add      rdapi.AddMessageContactInput
		timeouts map[string]string // the configuration's timeouts block, also in the incumbent's state
	}{
		{name: "with a phone number", add: rdapi.AddMessageContactInput{Name: "finance", EmailAddress: "finance@example.com",
			PhoneNumber: "86-13800138000", Title: "TechnicalDirector", MessageTypes: []string{"ServiceMessage", "AccountExpenses"}}},
		{name: "without a phone number, with timeouts", add: rdapi.AddMessageContactInput{Name: "opsteam",
			EmailAddress: "team0@example.com", Title: "MaintenanceDirector", MessageTypes: []string{"FaultMessage"}},
			timeouts: map[string]string{"create": "5m", "delete": "20m"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newProtoEnv(t)
			ctx := context.Background()
			out, err := env.client.AddMessageContact(ctx, tt.add)
			if err != nil {
				t.Fatal(err)
			}
			attrs := map[string]any{"id": out.ContactID, "message_contact_name": tt.add.Name,
				"email_address": tt.add.EmailAddress, "phone_number": tt.add.PhoneNumber, "title": tt.add.Title,
				"message_types": tt.add.MessageTypes, "create_time": out.CreateDate}
			args := map[string]any{"name": tt.add.Name, "email_address": tt.add.EmailAddress, "title": tt.add.Title,
				"message_types": tt.add.MessageTypes}
			if tt.add.PhoneNumber != "" {
				args["phone_number"] = tt.add.PhoneNumber
			}
			if tt.timeouts != nil {
				attrs["timeouts"] = map[string]any{"create": tt.timeouts["create"], "update": nil, "delete": tt.timeouts["delete"]}
				args["timeouts"] = tt.timeouts
			}
			in := incumbentInstance{Attributes: incumbentJSON(t, attrs)}
			env.emu.ResetStats()

			moved := env.move(t, moveRequest(t, in, "registry.terraform.io/aliyun/alicloud", incumbentType))
			failOnErrorDiags(t, "MoveResourceState", moved.Diagnostics)
			if calls := env.emu.Stats().Calls; len(calls) != 0 {
				t.Errorf("the move called the API: %v", calls)
			}
			read, err := env.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
				TypeName: benchContactType, CurrentState: moved.TargetState, Private: moved.TargetPrivate,
				CurrentIdentity: moved.TargetIdentity,
			})
			if err != nil {
				t.Fatal(err)
			}
			failOnErrorDiags(t, "ReadResource", read.Diagnostics)
			refreshed := env.decodePlain(t, read.NewState)
			if refreshed["pending_email_address"] != tt.add.EmailAddress || refreshed["status"] != "Verifying" {
				t.Errorf("the refresh after the move did not fill the verification state: %v", refreshed)
			}

			config := env.configFor(t, args)
			plan, err := env.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
				TypeName: benchContactType, PriorState: read.NewState, ProposedNewState: proposed(t, env, read.NewState, config),
				Config: config, PriorPrivate: read.Private, PriorIdentity: read.NewIdentity,
			})
			if err != nil {
				t.Fatal(err)
			}
			failOnErrorDiags(t, "PlanResourceChange", plan.Diagnostics)
			if d := cmp.Diff(refreshed, env.decodePlain(t, plan.PlannedState)); d != "" {
				t.Errorf("the first plan after the move changes the contact (-refreshed +planned):\n%s", d)
			}
			if len(plan.RequiresReplace) != 0 {
				t.Errorf("the plan replaces the contact: %v", plan.RequiresReplace)
			}
			if w := env.emu.Stats().Writes(); len(w) != 0 {
				t.Errorf("the move, refresh and plan wrote to the API: %v", w)
			}
		})
	}
}

// proposed is the proposed new state the CLI sends with config: the
// configuration's values for what it sets or what is not computed, the
// prior state's for computed attributes the configuration leaves null.
func proposed(t *testing.T, env *protoEnv, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	t.Helper()
	schema := env.contactSchema()
	typ := schema.ValueType()
	p, err := prior.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var pm, cm map[string]tftypes.Value
	if err := p.As(&pm); err != nil {
		t.Fatal(err)
	}
	if err := c.As(&cm); err != nil {
		t.Fatal(err)
	}
	out := maps.Clone(cm)
	for _, a := range schema.Block.Attributes {
		if a.Computed && cm[a.Name].IsNull() {
			out[a.Name] = pm[a.Name]
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, out))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// TestMoveResourceState_invalidIncumbentValues: the incumbent checked less
// than this provider does. Its values move as they are, and the
// configuration that holds them is then rejected by the validators, naming
// the argument, as it would be without a move.
func TestMoveResourceState_invalidIncumbentValues(t *testing.T) {
	env := newProtoEnv(t)
	attrs := map[string]any{"id": "c-qL4HqKONzOM7abcd", "message_contact_name": "Finance-2", "email_address": "finance at example.com",
		"phone_number": "13800138000", "title": "Boss", "message_types": []string{"FaultMessage", "Newsletter"},
		"create_time": "2026-01-02 03:04:05"}
	resp := env.move(t, moveRequest(t, incumbentInstance{Attributes: incumbentJSON(t, attrs)},
		"registry.terraform.io/aliyun/alicloud", incumbentType))
	failOnErrorDiags(t, "MoveResourceState", resp.Diagnostics)
	got := env.decodePlain(t, resp.TargetState)
	for attr, want := range map[string]any{"name": "Finance-2", "email_address": "finance at example.com",
		"phone_number": "13800138000", "title": "Boss", "message_types": []any{"FaultMessage", "Newsletter"}} {
		if d := cmp.Diff(want, got[attr]); d != "" {
			t.Errorf("moved %s (-want +got):\n%s", attr, d)
		}
	}

	config := env.configFor(t, map[string]any{"name": "Finance-2", "email_address": "finance at example.com",
		"phone_number": "13800138000", "title": "Boss", "message_types": []string{"FaultMessage", "Newsletter"}})
	v, err := env.server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: benchContactType, Config: config,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each rejected argument gets its validator's error, on its own path.
	got2 := map[string]bool{}
	for _, d := range v.Diagnostics {
		if d.Severity != tfprotov6.DiagnosticSeverityError || d.Attribute == nil || d.Summary == "" {
			t.Errorf("unexpected diagnostic: %s: %s", d.Summary, d.Detail)
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(d.Attribute.String(), `AttributeName("`), `")`)
		got2[name] = true
		t.Logf("%s: %s", name, d.Summary)
	}
	for _, attr := range []string{"name", "email_address", "phone_number", "title", "message_types"} {
		if !got2[attr] {
			t.Errorf("no validation error on %s", attr)
		}
	}
}

// incumbentSchemaJSON is the incumbent's resource schema as
// `terraform providers schema -json` printed it.
func incumbentSchemaJSON(t *testing.T) *tfjson.Schema {
	t.Helper()
	s, err := incumbent.Schema()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIncumbentSchema holds the source schema the provider declares for
// moves to the incumbent's real one: the same attributes and blocks, of the
// same types, required, optional and computed alike, and the same version.
// A state that does not decode with the declared schema cannot be moved.
func TestIncumbentSchema(t *testing.T) {
	want := incumbentSchemaJSON(t)
	got := provider.IncumbentContactSchema()
	ctx := context.Background()
	if got.Version != int64(want.Version) {
		t.Errorf("version %d, want %d", got.Version, want.Version)
	}
	if g, w := slices.Sorted(maps.Keys(got.Attributes)), slices.Sorted(maps.Keys(want.Block.Attributes)); !slices.Equal(g, w) {
		t.Errorf("attributes %v, want %v", g, w)
	}
	for name, wa := range want.Block.Attributes {
		ga, ok := got.Attributes[name]
		if !ok {
			continue
		}
		if g := [3]bool{ga.IsRequired(), ga.IsOptional(), ga.IsComputed()}; g != [3]bool{wa.Required, wa.Optional, wa.Computed} {
			t.Errorf("%s: required, optional, computed = %v, want %v", name, g, [3]bool{wa.Required, wa.Optional, wa.Computed})
		}
		gt, wt := friendlyName(ga.GetType().TerraformType(ctx)), wa.AttributeType.FriendlyName()
		if gt != wt {
			t.Errorf("%s: type %s, want %s", name, gt, wt)
		}
	}
	if g, w := slices.Sorted(maps.Keys(got.Blocks)), slices.Sorted(maps.Keys(want.Block.NestedBlocks)); !slices.Equal(g, w) {
		t.Fatalf("blocks %v, want %v", g, w)
	}
	for name, wb := range want.Block.NestedBlocks {
		gb := got.Blocks[name]
		if _, single := gb.(schema.SingleNestedBlock); wb.NestingMode != tfjson.SchemaNestingModeSingle || !single {
			t.Errorf("block %s: %T, want nesting mode %s", name, gb, wb.NestingMode)
		}
		if g, w := slices.Sorted(maps.Keys(gb.GetNestedObject().GetAttributes())), slices.Sorted(maps.Keys(wb.Block.Attributes)); !slices.Equal(g, w) {
			t.Errorf("block %s: attributes %v, want %v", name, g, w)
		}
	}
}

// TestMoveResourceState_mapsEveryIncumbentAttribute: each attribute of the
// incumbent's schema (schema.json) has a place in this resource, and a
// value given there arrives there. When the incumbent's schema gains an
// attribute, this test fails until the move maps it.
func TestMoveResourceState_mapsEveryIncumbentAttribute(t *testing.T) {
	to := map[string]string{
		"id":                   "id",
		"message_contact_name": "name",
		"email_address":        "email_address",
		"phone_number":         "phone_number",
		"title":                "title",
		"message_types":        "message_types",
		"status":               "status",
		"create_time":          "create_date",
		"timeouts":             "timeouts",
	}
	incumbent := incumbentSchemaJSON(t)
	var names []string
	for name := range incumbent.Block.Attributes {
		names = append(names, name)
	}
	for name := range incumbent.Block.NestedBlocks {
		names = append(names, name)
	}
	if g, w := slices.Sorted(slices.Values(names)), slices.Sorted(maps.Keys(to)); !slices.Equal(g, w) {
		t.Fatalf("the incumbent's schema has %v; the test maps %v", g, w)
	}

	env := newProtoEnv(t)
	src := map[string]any{
		"id": "c-AllAttributes01", "message_contact_name": "name value", "email_address": "email value",
		"phone_number": "phone value", "title": "title value", "message_types": []string{"type value"},
		"status": "status value", "create_time": "create_time value",
		"timeouts": map[string]any{"create": "1m", "update": "2m", "delete": "3m"},
	}
	resp := env.move(t, moveRequest(t, incumbentInstance{Attributes: incumbentJSON(t, src)},
		"registry.terraform.io/aliyun/alicloud", incumbentType))
	failOnErrorDiags(t, "MoveResourceState", resp.Diagnostics)
	got := env.decodePlain(t, resp.TargetState)
	want := map[string]any{
		"id": "c-AllAttributes01", "name": "name value", "email_address": "email value", "phone_number": "phone value",
		"title": "title value", "message_types": []any{"type value"}, "status": "status value",
		"create_date": "create_time value",
		"timeouts":    map[string]any{"create": "1m", "read": nil, "update": "2m", "delete": "3m"},
	}
	for from, dst := range to {
		if d := cmp.Diff(want[dst], got[dst]); d != "" {
			t.Errorf("%s -> %s (-want +got):\n%s", from, dst, d)
		}
	}
}

// friendlyName names a type as cty's FriendlyName does ("string", "list of
// string"), the form `providers schema -json` types are compared in.
func friendlyName(t tftypes.Type) string {
	switch {
	case t.Is(tftypes.List{}):
		return "list of " + friendlyName(t.(tftypes.List).ElementType) //nolint:forcetypeassert // Is checked it
	case t.Is(tftypes.Set{}):
		return "set of " + friendlyName(t.(tftypes.Set).ElementType) //nolint:forcetypeassert // Is checked it
	case t.Is(tftypes.Map{}):
		return "map of " + friendlyName(t.(tftypes.Map).ElementType) //nolint:forcetypeassert // Is checked it
	case t.Is(tftypes.String):
		return "string"
	case t.Is(tftypes.Number):
		return "number"
	case t.Is(tftypes.Bool):
		return "bool"
	}
	return t.String()
}
