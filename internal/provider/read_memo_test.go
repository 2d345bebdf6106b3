package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/provider"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// The memoised read (read_memo.go) must answer every read exactly as the
// framework's Read does. These tests drive one provider through its
// protocol server twice over: the memoising server, and the same framework
// server with the memo off (provider.WithoutReadMemo), on the same requests
// against the same emulator, and compare the answers.

// memoEnv is a provider in front of an emulator, as one CLI version drives it.
type memoEnv struct {
	emu          *emulator.Server
	api          *rdapi.Client
	memo, plain  tfprotov6.ProviderServer
	schema       *tfprotov6.Schema
	cliVersion   string
	withIdentity bool // the CLI stores identities and sends them in ReadResource
	// plannedIdentity: the CLI sends the planned identity in
	// ApplyResourceChange (Terraform 1.12+; OpenTofu 1.12 does not).
	plannedIdentity bool
}

// stored is what the CLI keeps of a contact between operations.
type stored struct {
	state    *tfprotov6.DynamicValue
	private  []byte
	identity *tfprotov6.ResourceIdentityData
}

// forEachMemoVariant runs f for both emulator read modes and for the ways
// CLIs handle resource identities.
func forEachMemoVariant(t *testing.T, f func(t *testing.T, e *memoEnv)) {
	for _, mode := range provider.EmulatorVariants {
		for _, cli := range []struct {
			name, version     string
			identity, planned bool
		}{
			{"terraform-1.5", "1.5.7", false, false},
			{"terraform-1.12", "1.12.2", true, true},
			{"opentofu-1.12", "1.12.6", true, false},
		} {
			t.Run(mode.Name+"/"+cli.name, func(t *testing.T) {
				t.Parallel()
				emu := emulator.NewServer(t, mode.Option())
				api, err := rdapi.New(rdapi.Options{
					Endpoint:    emu.URL,
					Credentials: rdapi.StaticCredentials(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret, ""),
				})
				if err != nil {
					t.Fatal(err)
				}
				server := provider.NewProtocol6("test")()
				if provider.ReadMemoServed(server) < 0 {
					t.Fatal("the provider does not memoise reads (no build ID in the test binary?)")
				}
				e := &memoEnv{emu: emu, api: api, memo: server, plain: provider.WithoutReadMemo(server),
					cliVersion: cli.version, withIdentity: cli.identity, plannedIdentity: cli.planned}
				e.schema = configureProtocolServer(t, server, emu, cli.version)
				f(t, e)
			})
		}
	}
}

// operation starts a new Terraform operation: a provider configured
// afresh, whose snapshot sees what changed since the last one.
func (e *memoEnv) operation(t *testing.T) {
	t.Helper()
	configureProtocolServer(t, e.memo, e.emu, e.cliVersion)
}

// contactConfig is the configuration of a contact.
func (e *memoEnv) contactConfig(t *testing.T, name string) *tfprotov6.DynamicValue {
	t.Helper()
	return protoDynamicValue(t, e.schema, map[string]tftypes.Value{
		"name":          str(name),
		"email_address": str("ops@example.com"),
		"phone_number":  str("86-13900001111"),
		"title":         str("TechnicalDirector"),
		"message_types": strSet("SecurityMessage", "AccountExpenses", "FaultMessage"),
	})
}

// create plans and applies a new contact, as the CLI does, and returns what
// the CLI stores.
func (e *memoEnv) create(t *testing.T, name string) stored {
	t.Helper()
	ctx := context.Background()
	config := e.contactConfig(t, name)
	prior := protoNull(t, e.schema)
	plan, err := e.memo.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: benchContactType, PriorState: prior, ProposedNewState: config, Config: config,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "PlanResourceChange", plan.Diagnostics)
	req := &tfprotov6.ApplyResourceChangeRequest{
		TypeName: benchContactType, PriorState: prior, PlannedState: plan.PlannedState, Config: config,
		PlannedPrivate: plan.PlannedPrivate,
	}
	if e.plannedIdentity {
		req.PlannedIdentity = plan.PlannedIdentity
	}
	resp, err := e.memo.ApplyResourceChange(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ApplyResourceChange", resp.Diagnostics)
	return e.keep(stored{state: resp.NewState, private: resp.Private, identity: resp.NewIdentity})
}

// keep is what the CLI stores of a result: no identity for a CLI that has none.
func (e *memoEnv) keep(s stored) stored {
	if !e.withIdentity {
		s.identity = nil
	}
	return s
}

// read reads s through both servers, fails unless they answer alike, and
// returns the answer and whether the memo served it.
func (e *memoEnv) read(t *testing.T, s stored) (stored, bool) {
	t.Helper()
	ctx := context.Background()
	req := func() *tfprotov6.ReadResourceRequest {
		return &tfprotov6.ReadResourceRequest{TypeName: benchContactType, CurrentState: s.state, Private: s.private, CurrentIdentity: s.identity}
	}
	before := provider.ReadMemoServed(e.memo)
	got, err := e.memo.ReadResource(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	served := provider.ReadMemoServed(e.memo) > before
	want, err := e.plain.ReadResource(ctx, req())
	if err != nil {
		t.Fatal(err)
	}
	failOnErrorDiags(t, "ReadResource (memo off)", want.Diagnostics)
	failOnErrorDiags(t, "ReadResource", got.Diagnostics)
	if a, b := e.decode(t, got.NewState), e.decode(t, want.NewState); !a.Equal(b) {
		t.Errorf("state: memoising server returned\n%v\nthe framework returns\n%v", a, b)
	}
	if a, b := identityOf(t, got.NewIdentity), identityOf(t, want.NewIdentity); a != b {
		t.Errorf("identity: memoising server returned %q, the framework returns %q", a, b)
	}
	// The private states agree but for the memo, which only the memoising
	// server refreshes.
	if a, b := privateWithout(t, got.Private), privateWithout(t, want.Private); a != b {
		t.Errorf("private state: memoising server returned %s, the framework returns %s", a, b)
	}
	return e.keep(stored{state: got.NewState, private: got.Private, identity: got.NewIdentity}), served
}

// decode decodes a state with message_types sorted (a set: its order is
// not a difference).
func (e *memoEnv) decode(t *testing.T, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(e.schema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	if v.IsNull() {
		return v
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var types []tftypes.Value
	if err := attrs["message_types"].As(&types); err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(types))
	for i, tv := range types {
		if err := tv.As(&names[i]); err != nil {
			t.Fatal(err)
		}
	}
	attrs["message_types"] = strSet(sorted(names...)...)
	return tftypes.NewValue(v.Type(), attrs)
}

// attr returns a string attribute of a state ("" when null).
func (e *memoEnv) attr(t *testing.T, s stored, name string) string {
	t.Helper()
	v := e.decode(t, s.state)
	if v.IsNull() {
		return "<removed>"
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if attrs[name].IsNull() {
		return ""
	}
	if name == "message_types" {
		var elems []tftypes.Value
		if err := attrs[name].As(&elems); err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, el := range elems {
			var s string
			if err := el.As(&s); err != nil {
				t.Fatal(err)
			}
			out += "," + s
		}
		return strings.TrimPrefix(out, ",")
	}
	var out string
	if err := attrs[name].As(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func identityOf(t *testing.T, ri *tfprotov6.ResourceIdentityData) string {
	t.Helper()
	if ri == nil || ri.IdentityData == nil {
		return "<none>"
	}
	v, err := ri.IdentityData.Unmarshal(contactIdentityType)
	if err != nil {
		t.Fatal(err)
	}
	return v.String()
}

// privateWithout returns the private state without the read memo, as text.
func privateWithout(t *testing.T, b []byte) string {
	t.Helper()
	m := map[string][]byte{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("private state %s: %v", b, err)
		}
	}
	delete(m, "read_memo")
	out := ""
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out += fmt.Sprintf("%s=%s;", k, m[k])
	}
	return out
}

// TestReadMemo_servesUnchangedReads: after an apply, the next operation's
// read of an unchanged contact is served from the memo the apply stored,
// and so is every read after it, each answering as the framework does.
func TestReadMemo_servesUnchangedReads(t *testing.T) {
	forEachMemoVariant(t, func(t *testing.T, e *memoEnv) {
		s := e.create(t, "Ops")
		for i := range 3 {
			e.operation(t)
			var served bool
			s, served = e.read(t, s)
			if !served {
				t.Fatalf("refresh %d of an unchanged contact was not served from the memo", i+1)
			}
		}
	})
}

// TestReadMemo_reportsEveryChange: whatever changed since the memo was
// stored (an argument, the verification state, the contact's existence,
// the stored state itself), the read goes to the framework and reports it;
// once the state has caught up, reads are memoised again.
func TestReadMemo_reportsEveryChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, e *memoEnv, id string, s *stored)
		attr   string
		want   string
	}{
		{name: "renamed", attr: "name", want: "OpsRenamed", change: func(t *testing.T, e *memoEnv, id string, _ *stored) {
			update(t, e, rdapi.UpdateMessageContactInput{ContactID: id, Name: ptrTo("OpsRenamed")})
		}},
		{name: "title", attr: "title", want: "FinanceDirector", change: func(t *testing.T, e *memoEnv, id string, _ *stored) {
			update(t, e, rdapi.UpdateMessageContactInput{ContactID: id, Title: ptrTo("FinanceDirector")})
		}},
		{name: "message types", attr: "message_types", want: "ProductMessage", change: func(t *testing.T, e *memoEnv, id string, _ *stored) {
			update(t, e, rdapi.UpdateMessageContactInput{ContactID: id, MessageTypes: []string{"ProductMessage"}})
		}},
		{name: "email pending", attr: "pending_email_address", want: "new@example.com", change: func(t *testing.T, e *memoEnv, id string, _ *stored) {
			update(t, e, rdapi.UpdateMessageContactInput{ContactID: id, EmailAddress: ptrTo("new@example.com")})
		}},
		{name: "email verified", attr: "email_address", want: "new@example.com", change: func(t *testing.T, e *memoEnv, id string, s *stored) {
			update(t, e, rdapi.UpdateMessageContactInput{ContactID: id, EmailAddress: ptrTo("new@example.com")})
			e.operation(t)
			*s, _ = e.read(t, *s)
			if err := e.emu.Verify(id, "new@example.com"); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "phone removed", attr: "phone_number", want: "", change: func(t *testing.T, e *memoEnv, id string, _ *stored) {
			update(t, e, rdapi.UpdateMessageContactInput{ContactID: id, PhoneNumber: ptrTo("")})
		}},
		{name: "deleted", attr: "id", want: "<removed>", change: func(t *testing.T, e *memoEnv, id string, _ *stored) {
			if _, err := e.api.DeleteMessageContact(context.Background(), rdapi.DeleteMessageContactInput{ContactID: id}); err != nil {
				t.Fatal(err)
			}
			waitGone(t, e, id)
		}},
		{name: "state edited", attr: "title", want: "TechnicalDirector", change: func(t *testing.T, e *memoEnv, _ string, s *stored) {
			s.state = withAttr(t, e, s.state, "title", "CEO")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			forEachMemoVariant(t, func(t *testing.T, e *memoEnv) {
				s := e.create(t, "Ops")
				id := e.attr(t, s, "id")
				tc.change(t, e, id, &s)
				e.operation(t)
				var served bool
				s, served = e.read(t, s)
				if served {
					t.Fatal("a read after the change was served from the memo")
				}
				if got := e.attr(t, s, tc.attr); got != tc.want {
					t.Fatalf("after the change, %s = %q, want %q", tc.attr, got, tc.want)
				}
				if tc.want == "<removed>" {
					return
				}
				// The read that reported the change stored the memo of its
				// result, which an apply -refresh-only keeps.
				e.operation(t)
				if _, served = e.read(t, s); !served {
					t.Error("the read after the state caught up was not served from the memo")
				}
			})
		})
	}
}

// TestReadMemo_importedReadsFresh: the read that follows an import reads
// the API fresh and is never served from a memo.
func TestReadMemo_importedReadsFresh(t *testing.T) {
	forEachMemoVariant(t, func(t *testing.T, e *memoEnv) {
		created := e.create(t, "Ops")
		id := e.attr(t, created, "id")
		imp, err := e.memo.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: benchContactType, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		failOnErrorDiags(t, "ImportResourceState", imp.Diagnostics)
		r := imp.ImportedResources[0]
		// Reuse the memo the apply stored: an import's read must ignore it.
		s := e.keep(stored{state: r.State, private: r.Private, identity: r.Identity})
		e.operation(t)
		s, served := e.read(t, s)
		if served {
			t.Fatal("the read after an import was served from the memo")
		}
		if got := e.attr(t, s, "name"); got != "Ops" {
			t.Fatalf("imported name = %q, want Ops", got)
		}
	})
}

func update(t *testing.T, e *memoEnv, in rdapi.UpdateMessageContactInput) {
	t.Helper()
	if err := e.api.UpdateMessageContact(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func ptrTo(s string) *string { return &s }

// waitGone waits until the emulator has finished deleting id.
func waitGone(t *testing.T, e *memoEnv, id string) {
	t.Helper()
	if _, err := e.api.WaitForDeletion(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// withAttr returns the state dv with one string attribute replaced.
func withAttr(t *testing.T, e *memoEnv, dv *tfprotov6.DynamicValue, name, value string) *tfprotov6.DynamicValue {
	t.Helper()
	v, err := dv.Unmarshal(e.schema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	attrs[name] = str(value)
	out, err := tfprotov6.NewDynamicValue(v.Type(), tftypes.NewValue(v.Type(), attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &out
}
