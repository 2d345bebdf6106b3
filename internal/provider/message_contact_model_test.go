package provider

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// resourceModels maps every resource to the model of its state.
var resourceModels = map[string]reflect.Type{
	"resourcedirectory_message_contact":         reflect.TypeFor[messageContactResourceModel](),
	"resourcedirectory_message_contact_binding": reflect.TypeFor[messageContactBindingModel](),
	"resourcedirectory_message_contact_members": reflect.TypeFor[messageContactMembersModel](),
}

// dataSourceModels maps every data source to the model its Read fills.
var dataSourceModels = map[string]reflect.Type{
	"resourcedirectory_message_contact":  reflect.TypeFor[messageContactDataSourceModel](),
	"resourcedirectory_message_contacts": reflect.TypeFor[messageContactsDataSourceModel](),
	"resourcedirectory_message_coverage": reflect.TypeFor[messageCoverageModel](),
	"resourcedirectory_directory":        reflect.TypeFor[directoryModel](),
}

func TestSchemaModelParity(t *testing.T) {
	ctx := context.Background()

	var rs resource.SchemaResponse
	NewMessageContactResource().Schema(ctx, resource.SchemaRequest{}, &rs)
	if rs.Diagnostics.HasError() {
		t.Fatalf("resource schema: %v", rs.Diagnostics)
	}
	if d := rs.Schema.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("resource schema implementation: %v", d)
	}
	names := append(sortedKeys(rs.Schema.Attributes), sortedKeys(rs.Schema.Blocks)...)
	slices.Sort(names)
	if diff := cmp.Diff(names, tfsdkTags(reflect.TypeFor[messageContactResourceModel]())); diff != "" {
		t.Errorf("resource schema vs messageContactResourceModel (-schema +model):\n%s", diff)
	}
	for name, a := range rs.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("resource attribute %s has no MarkdownDescription", name)
		}
	}

	// The data sources' model matches its object type; the shared part of
	// it is in the resource, members is not (a computed members attribute
	// on the resource made `plan -refresh-only` report the configuration's
	// own bindings as drift).
	if diff := cmp.Diff(tfsdkTags(reflect.TypeFor[messageContactDataModel]()), sortedKeys(messageContactAttrTypes())); diff != "" {
		t.Errorf("messageContactDataModel vs messageContactAttrTypes (-model +types):\n%s", diff)
	}
	if _, ok := rs.Schema.Attributes["members"]; ok {
		t.Error("the contact resource has a members attribute; bindings belong to the binding and member set resources")
	}
	shared := tfsdkTags(reflect.TypeFor[messageContactModel]())
	for _, name := range shared {
		a, ok := rs.Schema.Attributes[name]
		if !ok {
			t.Errorf("shared attribute %s is not in the resource schema", name)
			continue
		}
		if got, want := a.GetType(), messageContactAttrTypes()[name]; !got.Equal(want) {
			t.Errorf("attribute %s: schema type %s, messageContactAttrTypes %s", name, got, want)
		}
	}

	// Every resource: its schema matches its model, with descriptions.
	for _, newRes := range newProvider("test").Resources(ctx) {
		res := newRes()
		var md resource.MetadataResponse
		res.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "resourcedirectory"}, &md)
		var sr resource.SchemaResponse
		res.Schema(ctx, resource.SchemaRequest{}, &sr)
		if d := sr.Schema.ValidateImplementation(ctx); sr.Diagnostics.HasError() || d.HasError() {
			t.Fatalf("%s schema: %v %v", md.TypeName, sr.Diagnostics, d)
		}
		checkSchemaModel(t, md.TypeName, sr.Schema.Attributes, sr.Schema.Blocks, resourceModels)
	}

	// Every data source: its schema matches its model, the contact
	// attributes have the shared types, and the plural data source's
	// contacts are exactly messageContactModel.
	for _, newDS := range newProvider("test").DataSources(ctx) {
		ds := newDS()
		var md datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "resourcedirectory"}, &md)
		var sr datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
		if d := sr.Schema.ValidateImplementation(ctx); sr.Diagnostics.HasError() || d.HasError() {
			t.Fatalf("%s schema: %v %v", md.TypeName, sr.Diagnostics, d)
		}
		checkSchemaModel(t, md.TypeName, sr.Schema.Attributes, sr.Schema.Blocks, dataSourceModels)
		if contacts, ok := sr.Schema.Attributes["contacts"]; ok {
			want := types.ListType{ElemType: types.ObjectType{AttrTypes: messageContactAttrTypes()}}
			if !contacts.GetType().Equal(want) {
				t.Errorf("%s contacts: type %s, want a list of messageContactAttrTypes", md.TypeName, contacts.GetType())
			}
		}
	}

	var ps fwprovider.SchemaResponse
	newProvider("test").Schema(ctx, fwprovider.SchemaRequest{}, &ps)
	if d := ps.Schema.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("provider schema implementation: %v", d)
	}
	names = append(sortedKeys(ps.Schema.Attributes), sortedKeys(ps.Schema.Blocks)...)
	slices.Sort(names)
	if diff := cmp.Diff(names, tfsdkTags(reflect.TypeFor[providerModel]())); diff != "" {
		t.Errorf("provider schema vs providerModel (-schema +model):\n%s", diff)
	}
	ar := ps.Schema.Blocks["assume_role"].GetNestedObject().GetAttributes()
	if diff := cmp.Diff(sortedKeys(ar), tfsdkTags(reflect.TypeFor[assumeRoleModel]())); diff != "" {
		t.Errorf("assume_role block vs assumeRoleModel (-schema +model):\n%s", diff)
	}
}

func TestContactViewEffectiveValues(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name                       string
		view                       *rdapi.Contact
		wantEmail, wantPhone       types.String
		wantPendingE, wantPendingP types.String
	}{
		{
			name:      "nothing pending",
			view:      &rdapi.Contact{MessageContact: rdapi.MessageContact{EmailAddress: "a@example.com", PhoneNumber: "86-13800138000"}},
			wantEmail: types.StringValue("a@example.com"), wantPhone: types.StringValue("86-13800138000"),
			wantPendingE: types.StringNull(), wantPendingP: types.StringNull(),
		},
		{
			// The API echoes the last verified values (ReadVerified).
			name: "API shows verified, change pending",
			view: &rdapi.Contact{
				MessageContact:      rdapi.MessageContact{EmailAddress: "old@example.com", PhoneNumber: "86-13800138000"},
				PendingEmailAddress: "new@example.com", PendingPhoneNumber: "86-13900139000",
			},
			wantEmail: types.StringValue("new@example.com"), wantPhone: types.StringValue("86-13900139000"),
			wantPendingE: types.StringValue("new@example.com"), wantPendingP: types.StringValue("86-13900139000"),
		},
		{
			// The API echoes the submitted values (ReadSubmitted).
			name: "API shows submitted, change pending",
			view: &rdapi.Contact{
				MessageContact:      rdapi.MessageContact{EmailAddress: "new@example.com"},
				PendingEmailAddress: "new@example.com",
			},
			wantEmail: types.StringValue("new@example.com"), wantPhone: types.StringNull(),
			wantPendingE: types.StringValue("new@example.com"), wantPendingP: types.StringNull(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m messageContactDataModel
			if d := m.fromAPI(ctx, tt.view); d.HasError() {
				t.Fatal(d)
			}
			for _, c := range []struct {
				attr      string
				got, want types.String
			}{
				{"email_address", m.EmailAddress, tt.wantEmail},
				{"phone_number", m.PhoneNumber, tt.wantPhone},
				{"pending_email_address", m.PendingEmailAddress, tt.wantPendingE},
				{"pending_phone_number", m.PendingPhoneNumber, tt.wantPendingP},
			} {
				if !c.got.Equal(c.want) {
					t.Errorf("%s = %s, want %s", c.attr, c.got, c.want)
				}
			}
			if m.Members.IsNull() || len(m.Members.Elements()) != 0 {
				t.Errorf("members = %s, want an empty set", m.Members)
			}
		})
	}
}

func TestUpdateInputSendsOnlyChanges(t *testing.T) {
	ctx := context.Background()
	base := messageContactModel{
		ID:           types.StringValue("c-abc"),
		Name:         types.StringValue("ops"),
		EmailAddress: types.StringValue("a@example.com"),
		PhoneNumber:  types.StringValue("86-13800138000"),
		Title:        types.StringValue("CEO"),
		MessageTypes: types.SetValueMust(types.StringType, []attr.Value{types.StringValue("FaultMessage"), types.StringValue("AccountExpenses")}),
	}
	tests := []struct {
		name        string
		change      func(m *messageContactModel)
		want        rdapi.UpdateMessageContactInput
		wantChanged []string
	}{
		{"no change", func(*messageContactModel) {}, rdapi.UpdateMessageContactInput{ContactID: "c-abc"}, nil},
		{"name only", func(m *messageContactModel) { m.Name = types.StringValue("dev") },
			rdapi.UpdateMessageContactInput{ContactID: "c-abc", Name: ptr("dev")}, []string{"name"}},
		{"email only", func(m *messageContactModel) { m.EmailAddress = types.StringValue("b@example.com") },
			rdapi.UpdateMessageContactInput{ContactID: "c-abc", EmailAddress: ptr("b@example.com")}, []string{"email_address"}},
		{"phone removed", func(m *messageContactModel) { m.PhoneNumber = types.StringNull() },
			rdapi.UpdateMessageContactInput{ContactID: "c-abc", PhoneNumber: ptr("")}, []string{"phone_number"}},
		{"title only", func(m *messageContactModel) { m.Title = types.StringValue("Other") },
			rdapi.UpdateMessageContactInput{ContactID: "c-abc", Title: ptr("Other")}, []string{"title"}},
		{"message types, sorted", func(m *messageContactModel) {
			m.MessageTypes = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("ServiceMessage"), types.StringValue("AccountExpenses")})
		}, rdapi.UpdateMessageContactInput{ContactID: "c-abc", MessageTypes: []string{"AccountExpenses", "ServiceMessage"}}, []string{"message_types"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := base
			tt.change(&plan)
			got, changed, d := updateInput(ctx, plan, base)
			if d.HasError() {
				t.Fatal(d)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("input (-want +got):\n%s", diff)
			}
			if !slices.Equal(changed, tt.wantChanged) {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
		})
	}
}

func TestEmailValidator(t *testing.T) {
	for _, ok := range []string{"someone@example.com", "a.b+c@mail.example.cn"} {
		if d := runStringValidator(emailValidator{}, ok); d.HasError() {
			t.Errorf("%q rejected: %v", ok, d)
		}
	}
	for _, bad := range []string{"", "someone", "someone@", "@example.com", "Some One <someone@example.com>", "a@localhost", "a@example.", "a b@example.com"} {
		if d := runStringValidator(emailValidator{}, bad); !d.HasError() {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPhoneValidator(t *testing.T) {
	tests := map[string]string{
		"86-13800138000": "",
		"13800138000":    "Invalid Phone Number",
		"86 13800138000": "Invalid Phone Number",
		"1-2025550123":   "Unsupported Phone Country Code",
		"852-91234567":   "Unsupported Phone Country Code",
		"86-23800138000": "Invalid Phone Number",
		"86-1380013800":  "Invalid Phone Number",
	}
	for in, wantSummary := range tests {
		d := runStringValidator(phoneValidator{}, in)
		switch {
		case wantSummary == "" && d.HasError():
			t.Errorf("%q rejected: %v", in, d)
		case wantSummary != "" && (!d.HasError() || d.Errors()[0].Summary() != wantSummary):
			t.Errorf("%q: got %v, want %q", in, d, wantSummary)
		}
	}
}

func TestContactNamePattern(t *testing.T) {
	for _, ok := range []string{"ab", "Tom", "abcdefghijkl", "张三", "Tom李"} {
		if !contactNamePattern.MatchString(ok) {
			t.Errorf("%q rejected", ok)
		}
	}
	for _, bad := range []string{"a", "abcdefghijklm", "tom1", "tom smith", "tom-s", ""} {
		if contactNamePattern.MatchString(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAddAPIErrorTargetsArgument(t *testing.T) {
	tests := []struct {
		code string
		want path.Path
	}{
		{"InvalidParameter.Name", path.Root("name")},
		{"InvalidParameter.Name.Length", path.Root("name")},
		{"InvalidParameter.EmailAddress", path.Root("email_address")},
		{"MissingParameter.EmailAddress", path.Root("email_address")},
		{"InvalidParameter.PhoneNumber", path.Root("phone_number")},
		{"InvalidParameter.MobileCountryCode", path.Root("phone_number")},
		{"InvalidParameter.Title", path.Root("title")},
		{"InvalidParameter.MessageTypes", path.Root("message_types")},
		{"InternalError", path.Empty()},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			var diags diag.Diagnostics
			err := &rdapi.APIError{Action: "AddMessageContact", StatusCode: 400, Code: tt.code, Message: "The value is invalid.", RequestID: "REQ-1"}
			addAPIError(&diags, "Unable to Create Message Contact", err, contactArgumentForCode)
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics", len(diags))
			}
			d := diags[0]
			wp, hasPath := d.(diag.DiagnosticWithPath)
			switch {
			case tt.want.Equal(path.Empty()) && hasPath:
				t.Errorf("path = %s, want an attribute-less error", wp.Path())
			case !tt.want.Equal(path.Empty()) && (!hasPath || !wp.Path().Equal(tt.want)):
				t.Errorf("got %#v, want an error on %s", d, tt.want)
			}
			if !strings.Contains(d.Detail(), "REQ-1") || !strings.Contains(d.Detail(), "The value is invalid.") {
				t.Errorf("detail lacks the API message or RequestId: %s", d.Detail())
			}
		})
	}
}

func TestHandleSendResult(t *testing.T) {
	ctx := context.Background()
	limit := &rdapi.APIError{StatusCode: 409, Code: rdapi.CodeSendLimit, Message: "limit", RequestID: "R"}
	gone := &rdapi.APIError{StatusCode: 404, Code: rdapi.CodeVerificationNotFound, Message: "gone", RequestID: "R"}
	tests := []struct {
		name         string
		err          error
		wantWarnings int
		wantSummary  string
	}{
		{"sent", nil, 0, ""},
		{"already verified", gone, 0, ""},
		{"send limit", limit, 1, "Verification Not Sent: Daily Limit Reached"},
		{"other failure", errors.New("boom"), 1, "Unable to Send Verification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.Diagnostics
			handleSendResult(ctx, &diags, "email address", "a@example.com", tt.err)
			if diags.HasError() {
				t.Fatalf("send failures must never be errors: %v", diags)
			}
			if diags.WarningsCount() != tt.wantWarnings {
				t.Fatalf("warnings = %d, want %d", diags.WarningsCount(), tt.wantWarnings)
			}
			if tt.wantSummary != "" && diags[0].Summary() != tt.wantSummary {
				t.Errorf("summary = %q, want %q", diags[0].Summary(), tt.wantSummary)
			}
		})
	}
}

func TestDeletionFailedErrorListsReasons(t *testing.T) {
	err := &rdapi.DeletionFailedError{ContactID: "c-1", Reasons: []rdapi.DeletionFailReason{
		{AccountID: "1234567890123456", MessageTypes: []string{"AccountExpenses", "FaultMessage"}},
		{AccountID: "6543210987654321", MessageTypes: []string{"SecurityMessage"}},
	}}
	msg := deletionFailedDetail(err)
	for _, want := range []string{"c-1", "1234567890123456: message types AccountExpenses, FaultMessage", "6543210987654321: message types SecurityMessage"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}
