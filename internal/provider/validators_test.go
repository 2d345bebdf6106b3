package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestEmailValidator_issue8 covers the addresses issue 8 found passing plan.
func TestEmailValidator_issue8(t *testing.T) {
	for addr, want := range map[string]string{
		"ü@例え.jp": "only ASCII",
		strings.Repeat("a", 300) + "@example.com":   "at most 64",
		"alice@-example.com":                        `label "-example"`,
		"alice@example-.com":                        `label "example-"`,
		"alice@exa_mple.com":                        `label "exa_mple"`,
		"alice@example.123":                         "all digits",
		"alice@" + strings.Repeat("a.", 125) + "cn": "at most 254",
		"someone@xn--r8jz45g.jp":                    "",
		// Issue 21: what is wrong, not "only ASCII".
		"Tom <tom@example.com>":          `it has a display name; the API takes the bare address, write it as "tom@example.com"`,
		`"Tom T." <tom@example.com>`:     `write it as "tom@example.com"`,
		" tom@example.com":               `it has leading or trailing space; write it as "tom@example.com"`,
		"tom@example.com\n":              `leading or trailing space`,
		"first.last+tag@mail.example.cn": "",
	} {
		d := runStringValidator(emailValidator{}, addr)
		switch {
		case want == "" && d.HasError():
			t.Errorf("%q rejected: %v", addr, d)
		case want != "" && (!d.HasError() || !strings.Contains(d[0].Detail(), want)):
			t.Errorf("%q: %v, want an error containing %q", addr, d, want)
		}
	}
}

func TestPositiveDuration(t *testing.T) {
	for s, want := range map[string]string{
		"0s":    "zero or negative",
		"-1s":   "zero or negative",
		"10":    "a number with a unit",
		"soon":  "a number with a unit",
		"500ms": "",
		"1h30m": "",
	} {
		d := runStringValidator(positiveDuration{}, s)
		switch {
		case want == "" && d.HasError():
			t.Errorf("%q rejected: %v", s, d)
		case want != "" && (!d.HasError() || !strings.Contains(d[0].Detail(), want)):
			t.Errorf("%q: %v, want an error containing %q", s, d, want)
		}
	}
}

// FuzzEmailValidator: the validator never panics, and whatever it accepts
// is an address the API's rules allow (ASCII, one @, bounded lengths, a
// dotted domain of valid labels).
func FuzzEmailValidator(f *testing.F) {
	for _, s := range []string{"someone@example.com", "ü@例え.jp", "alice@-example.com", "a@b", `"a b"@example.com`,
		"a@example.com.", "<a@example.com>", "a@@example.com", strings.Repeat("a", 65) + "@example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if runStringValidator(emailValidator{}, s).HasError() {
			return
		}
		local, domain, ok := strings.Cut(s, "@")
		if !ok || !utf8.ValidString(s) || len(s) > 254 || len(local) == 0 || len(local) > 64 || strings.Contains(domain, "@") {
			t.Fatalf("accepted %q", s)
		}
		for _, l := range strings.Split(domain, ".") {
			if !domainLabel.MatchString(l) {
				t.Fatalf("accepted %q with label %q", s, l)
			}
		}
		for _, r := range s {
			if r < 0x21 || r > 0x7e {
				t.Fatalf("accepted %q with %q", s, r)
			}
		}
	})
}

// FuzzPhoneValidator: never panics; accepts only 86-1 followed by ten digits.
func FuzzPhoneValidator(f *testing.F) {
	for _, s := range []string{"86-13800138000", "1-2025550123", "86-1380013800", "86--1", "٨٦-13800138000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if runStringValidator(phoneValidator{}, s).HasError() {
			return
		}
		if len(s) != 14 || !strings.HasPrefix(s, "86-1") || strings.Trim(s[3:], "0123456789") != "" {
			t.Fatalf("accepted %q", s)
		}
	})
}

// FuzzPositiveDuration: never panics; accepts only positive Go durations.
func FuzzPositiveDuration(f *testing.F) {
	for _, s := range []string{"0s", "-1s", "10m", "1h30m", "9223372036854775807ns", "1e3s", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if runStringValidator(positiveDuration{}, s).HasError() {
			return
		}
		if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			t.Fatalf("accepted %q (%v, %v)", s, d, err)
		}
	})
}

func TestMessageTypesValidator(t *testing.T) {
	set := func(vals ...string) types.Set {
		elems := make([]attr.Value, len(vals))
		for i, v := range vals {
			elems[i] = types.StringValue(v)
		}
		return types.SetValueMust(types.StringType, elems)
	}
	for _, tt := range []struct {
		vals []string
		want []string
	}{
		{[]string{"AccountExpenses", "FaultMessage"}, nil},
		{[]string{"accountexpenses"}, []string{`message_types contains "accountexpenses"`, `Did you mean "AccountExpenses"?`}},
		{[]string{"FaultMesage"}, []string{`message_types contains "FaultMesage"`, `Did you mean "FaultMessage"?`}},
		{[]string{"Spam"}, []string{`"Spam", which is not a message type`, "must be one of: ServiceMessage"}},
	} {
		var resp validator.SetResponse
		messageTypesValidator.ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("message_types"),
			ConfigValue: set(tt.vals...)}, &resp)
		if len(tt.want) == 0 {
			if resp.Diagnostics.HasError() {
				t.Errorf("%v rejected: %v", tt.vals, resp.Diagnostics)
			}
			continue
		}
		if len(resp.Diagnostics) != 1 {
			t.Fatalf("%v: %v", tt.vals, resp.Diagnostics)
		}
		d := resp.Diagnostics[0]
		for _, w := range tt.want {
			if !strings.Contains(d.Detail(), w) {
				t.Errorf("%v: %q lacks %q", tt.vals, d.Detail(), w)
			}
		}
		if strings.Contains(d.Detail(), "Value(") {
			t.Errorf("%v: unreadable element path in %q", tt.vals, d.Detail())
		}
		if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("message_types")) {
			t.Errorf("%v: diagnostic not on message_types: %v", tt.vals, d)
		}
	}
}

// TestEnumerations_didYouMean (issue 21): every enumerated argument names
// the wrong value and suggests the one meant, as message_types does; title
// = "other" used to get the framework's generic list.
func TestEnumerations_didYouMean(t *testing.T) {
	for _, tt := range []struct {
		v         validator.String
		in, want  string
		noSuggest bool
	}{
		{v: titleValidator, in: "other", want: `Did you mean "Other"? Values are case-sensitive.`},
		{v: titleValidator, in: "FinanceDirecter", want: `Did you mean "FinanceDirector"?`},
		{v: titleValidator, in: "finance", want: `Did you mean "FinanceDirector"?`},
		{v: titleValidator, in: "Director", want: "It must be one of: FinanceDirector, TechnicalDirector", noSuggest: true},
		{v: siteValidator, in: "intl", want: `Did you mean "international"?`},
		{v: siteValidator, in: "China", want: `Did you mean "china"?`},
		{v: statusValidator, in: "active", want: `Did you mean "Active"?`},
		{v: channelValidator, in: "email", want: `Did you mean "email_address"?`},
		{v: channelValidator, in: "phone_numbr", want: `Did you mean "phone_number"?`},
		{v: titleValidator, in: "Boss", want: `x is "Boss", which is not a title the API accepts.`, noSuggest: true},
	} {
		d := runStringValidator(tt.v, tt.in)
		if len(d) != 1 || !d.HasError() {
			t.Errorf("%q: %v, want one error", tt.in, d)
			continue
		}
		if detail := d[0].Detail(); !strings.Contains(detail, tt.want) || strings.Contains(detail, "Did you mean") == tt.noSuggest {
			t.Errorf("%q: %q, want %q (suggestion: %v)", tt.in, detail, tt.want, !tt.noSuggest)
		}
	}
	for _, ok := range []string{"Other", "FinanceDirector", "CEO"} {
		if d := runStringValidator(titleValidator, ok); d.HasError() {
			t.Errorf("%q rejected: %v", ok, d)
		}
	}
}

// TestEnumerations_noGenericOneOf: no argument of any schema (provider,
// resources, data sources, list resource, actions) uses the framework's
// OneOf, whose error suggests nothing.
func TestEnumerations_noGenericOneOf(t *testing.T) {
	ctx := context.Background()
	rp := newProvider("test")
	var schemas []any
	var pr provider.SchemaResponse
	rp.Schema(ctx, provider.SchemaRequest{}, &pr)
	schemas = append(schemas, pr.Schema)
	for _, f := range rp.Resources(ctx) {
		var resp resource.SchemaResponse
		f().Schema(ctx, resource.SchemaRequest{}, &resp)
		schemas = append(schemas, resp.Schema)
	}
	for _, f := range rp.DataSources(ctx) {
		var resp datasource.SchemaResponse
		f().Schema(ctx, datasource.SchemaRequest{}, &resp)
		schemas = append(schemas, resp.Schema)
	}
	for _, f := range rp.ListResources(ctx) {
		var resp list.ListResourceSchemaResponse
		f().ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &resp)
		schemas = append(schemas, resp.Schema)
	}
	for _, f := range rp.Actions(ctx) {
		var resp action.SchemaResponse
		f().Schema(ctx, action.SchemaRequest{}, &resp)
		schemas = append(schemas, resp.Schema)
	}
	enums := 0
	var walk func(where string, v reflect.Value)
	walk = func(where string, v reflect.Value) {
		if !v.IsValid() {
			return
		}
		if v.CanInterface() {
			if d, ok := v.Interface().(interface{ Description(context.Context) string }); ok && v.Kind() != reflect.Interface {
				desc := d.Description(ctx)
				if strings.Contains(desc, "value must be one of") {
					t.Errorf("%s uses the framework's OneOf (%q): use oneOf, which suggests the value meant", where, desc)
				}
				switch d.(type) {
				case oneOf, oneOfEach:
					enums++
				}
			}
		}
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			walk(where, v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(where+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(where+"."+k.String(), v.MapIndex(k))
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(where, v.Index(i))
			}
		}
	}
	for _, s := range schemas {
		walk(fmt.Sprintf("%T", s), reflect.ValueOf(s))
	}
	// title, message_types, site, status (data source and list resource),
	// channel and targets (actions).
	if enums < 7 {
		t.Errorf("found %d enumerated arguments, want at least 7: the walk does not reach the validators", enums)
	}
}

// TestTimeoutsArePositive: every timeouts block of every resource and data
// source rejects zero and negative durations.
func TestTimeoutsArePositive(t *testing.T) {
	ctx := context.Background()
	check := func(name string, attrs map[string][]validator.String) {
		if len(attrs) == 0 {
			t.Errorf("%s: no timeouts attributes", name)
		}
		for a, vs := range attrs {
			found := false
			for _, v := range vs {
				if _, ok := v.(positiveDuration); ok {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: timeouts.%s accepts zero and negative durations", name, a)
			}
		}
	}
	for _, r := range []resource.Resource{NewMessageContactResource(), NewMessageContactBindingResource(), NewMessageContactMembersResource()} {
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		b, _ := resp.Schema.Blocks["timeouts"].(rschema.SingleNestedBlock)
		attrs := map[string][]validator.String{}
		for n, a := range b.Attributes {
			attrs[n] = a.(rschema.StringAttribute).Validators
		}
		check(fmt.Sprintf("%T", r), attrs)
	}
	for _, d := range []datasource.DataSource{NewMessageContactDataSource(), NewMessageContactsDataSource()} {
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		b, _ := resp.Schema.Blocks["timeouts"].(dsschema.SingleNestedBlock)
		attrs := map[string][]validator.String{}
		for n, a := range b.Attributes {
			attrs[n] = a.(dsschema.StringAttribute).Validators
		}
		check(fmt.Sprintf("%T", d), attrs)
	}
}
