package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/harness"
)

// TestDemo plays the whole scenario, as `make demo` does, on every CLI the
// end-to-end tests use (harness.CLIs: TF_ACC_TERRAFORM_PATH, OpenTofu under
// make test, and a Terraform binary when present). It builds the provider
// and the emulator, so it runs only when there is a CLI to run.
func TestDemo(t *testing.T) {
	clis := harness.CLIs(t)
	binDir := t.TempDir()
	for _, c := range clis {
		t.Run(c.Name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), options{
				root:    "..",
				cli:     c.Path,
				binDir:  binDir,
				workDir: t.TempDir(),
				out:     &out,
			})
			if err != nil {
				t.Fatalf("demo failed: %v\n\n%s", err, out.String())
			}
			transcript := out.String()
			for _, want := range []string{
				"CLI: " + c.Product + " v",
				"Step 6 of 6",
				"all 6 steps behaved as described",
				"Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.",
				`~ title                                = "Other" -> "FinanceDirector"`,
			} {
				if !strings.Contains(transcript, want) {
					t.Errorf("the transcript lacks %q:\n%s", want, transcript)
				}
			}
			if strings.Contains(transcript, "✘") {
				t.Errorf("the transcript reports a failed expectation:\n%s", transcript)
			}
		})
	}
}

func TestConfigRender(t *testing.T) {
	spec := configSpec{
		Contacts: []contactSpec{
			{Key: "a", Comment: "First.", Name: "Ann", Email: "ann@example.com", Phone: "86-13800000000", Title: "CEO", MessageTypes: []string{"FaultMessage", "ServiceMessage"}},
			{Key: "bee", Comment: "Second.", Name: "Bee", Email: "bee@example.com", Title: "Other", MessageTypes: []string{"ProductMessage"}},
		},
		Bindings: []bindingSpec{{Key: "a_root", Comment: "Bind.", ContactKey: "a", MemberVar: "directory_root_id"}},
		Imports:  []importSpec{{ContactKey: "bee", ID: "c-0123456789abcdef"}},
	}
	b, err := spec.render()
	if err != nil {
		t.Fatal(err)
	}
	hcl := string(b)
	for _, want := range []string{
		"resource \"resourcedirectory_message_contact\" \"a\" {\n  name          = \"Ann\"\n  email_address = \"ann@example.com\"\n  phone_number  = \"86-13800000000\"\n  title         = \"CEO\"\n  message_types = [\"FaultMessage\", \"ServiceMessage\"]\n}",
		"resource \"resourcedirectory_message_contact\" \"bee\" {\n  name          = \"Bee\"\n  email_address = \"bee@example.com\"\n  title         = \"Other\"\n",
		"  contact_id = resourcedirectory_message_contact.a.id\n  member_id  = var.directory_root_id\n",
		"import {\n  to = resourcedirectory_message_contact.bee\n  id = \"c-0123456789abcdef\"\n}",
		"    a   = resourcedirectory_message_contact.a\n    bee = resourcedirectory_message_contact.bee\n",
	} {
		if !strings.Contains(hcl, want) {
			t.Errorf("rendered configuration lacks\n%s\n---- got:\n%s", want, hcl)
		}
	}
	if strings.Contains(hcl, "<no value>") {
		t.Errorf("template left a hole:\n%s", hcl)
	}
}

func TestConfigContactUnknownKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("contact with an unknown key did not panic")
		}
	}()
	(&configSpec{}).contact("nobody")
}

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []string
	}{
		{
			name: "identical",
			a:    "x\ny\n",
			b:    "x\ny\n",
			want: []string{"  …"},
		},
		{
			name: "replaced line keeps order removed then added",
			a:    "1\n2\n3\n4\n5\n6\n7\n",
			b:    "1\n2\n3\nfour\n5\n6\n7\n",
			want: []string{"  …", "  2", "  3", "- 4", "+ four", "  5", "  6", "  …"},
		},
		{
			name: "appended",
			a:    "a\n",
			b:    "a\nb\n",
			want: []string{"  a", "+ b"},
		},
		{
			name: "from empty",
			a:    "",
			b:    "a\n",
			want: []string{"- ", "+ a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, lineDiff(tt.a, tt.b)); diff != "" {
				t.Errorf("lineDiff mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four", "> ", 10)
	want := "> one two\n> three\n> four"
	if got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("averyveryverylongword x", "", 5); got != "averyveryverylongword\nx" {
		t.Errorf("long word: %q", got)
	}
}

func TestGutterWriter(t *testing.T) {
	var b bytes.Buffer
	n := newNarrator(&b, false)
	g := n.gutter()
	for _, chunk := range []string{"fir", "st\nsecond\nthi", "rd"} {
		if _, err := g.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	g.flush()
	want := "  │ first\n  │ second\n  │ third\n"
	if b.String() != want {
		t.Errorf("gutter output %q, want %q", b.String(), want)
	}
}

func TestNarratorColor(t *testing.T) {
	var plain, colored bytes.Buffer
	newNarrator(&plain, false).ok("done")
	newNarrator(&colored, true).ok("done")
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("colour codes without colour: %q", plain.String())
	}
	if !strings.Contains(colored.String(), ansiGreen) {
		t.Errorf("no colour codes with colour: %q", colored.String())
	}
}

// planFixture is a trimmed `tofu show -json` of an update plan.
const planFixture = `{
  "format_version": "1.2",
  "resource_drift": [
    {"address": "resourcedirectory_message_contact.finance",
     "change": {"actions": ["update"],
                "before": {"id": "c-1", "title": "FinanceDirector", "members": []},
                "after":  {"id": "c-1", "title": "Other", "members": ["fd-1"]},
                "after_unknown": {}}}
  ],
  "resource_changes": [
    {"address": "resourcedirectory_message_contact.finance",
     "change": {"actions": ["update"],
                "before": {"id": "c-1", "title": "Other", "message_types": ["A", "B"], "status": "Active"},
                "after":  {"id": "c-1", "title": "FinanceDirector", "message_types": ["A", "B"], "status": "Active"},
                "after_unknown": {"message_types": [false, false]}}},
    {"address": "resourcedirectory_message_contact.other",
     "change": {"actions": ["no-op"], "before": {"id": "c-2"}, "after": {"id": "c-2"}, "after_unknown": {}}},
    {"address": "resourcedirectory_message_contact.imported",
     "change": {"actions": ["no-op"], "before": {"id": "c-3"}, "after": {"id": "c-3"}, "after_unknown": {},
                "importing": {"id": "c-3"}}}
  ]
}`

func decodePlan(t *testing.T, s string) *tfjson.Plan {
	t.Helper()
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestPlanAnalysis(t *testing.T) {
	p := decodePlan(t, planFixture)

	if err := expectOnlyUpdate(p, "resourcedirectory_message_contact.finance", "title"); err != nil {
		t.Errorf("expectOnlyUpdate: %v", err)
	}
	if err := expectOnlyUpdate(p, "resourcedirectory_message_contact.finance", "message_types", "title"); err == nil {
		t.Error("expectOnlyUpdate accepted an attribute that does not change")
	}
	if err := expectOnlyUpdate(p, "resourcedirectory_message_contact.other"); err == nil {
		t.Error("expectOnlyUpdate accepted the wrong resource")
	}

	drift, ok := find(p.ResourceDrift, "resourcedirectory_message_contact.finance")
	if !ok {
		t.Fatal("find: drift entry not found")
	}
	if diff := cmp.Diff([]string{"members", "title"}, changedAttributes(drift)); diff != "" {
		t.Errorf("changedAttributes mismatch (-want +got):\n%s", diff)
	}
	rc, _ := find(p.ResourceChanges, "resourcedirectory_message_contact.finance")
	if diff := cmp.Diff([]string{`title: "Other" → "FinanceDirector"`}, describe(rc)); diff != "" {
		t.Errorf("describe mismatch (-want +got):\n%s", diff)
	}
	imported, _ := find(p.ResourceChanges, "resourcedirectory_message_contact.imported")
	if imported.Change.Importing == nil || imported.Change.Importing.ID != "c-3" {
		t.Errorf("importing not decoded: %+v", imported.Change.Importing)
	}
	if _, ok := find(p.ResourceChanges, "nope"); ok {
		t.Error("find reported a missing address")
	}
}

func TestPlanUnknownAttributes(t *testing.T) {
	p := decodePlan(t, `{"format_version": "1.2", "resource_changes": [
	  {"address": "r.x", "change": {"actions": ["update"],
	   "before": {"email_address": "a@example.com", "status": "Active", "members": ["rd-1"], "title": "CEO"},
	   "after": {"email_address": "b@example.com", "title": "CEO"},
	   "after_unknown": {"status": true, "members": [true], "title": false}}}]}`)
	rc := p.ResourceChanges[0]
	if diff := cmp.Diff([]string{"members", "status"}, unknownAttributes(rc)); diff != "" {
		t.Errorf("unknownAttributes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"email_address"}, changedAttributes(rc)); diff != "" {
		t.Errorf("changedAttributes mismatch (-want +got):\n%s", diff)
	}
	err := expectOnlyUpdate(p, "r.x", "email_address")
	if err == nil || !strings.Contains(err.Error(), "known after apply") {
		t.Errorf("expectOnlyUpdate should reject attributes becoming unknown, got %v", err)
	}
}

func TestPlanRejectsReplace(t *testing.T) {
	p := decodePlan(t, `{"format_version": "1.2", "resource_changes": [
	  {"address": "r.x", "change": {"actions": ["delete", "create"],
	   "before": {"name": "A"}, "after": {"name": "B"}, "after_unknown": {}}}]}`)
	err := expectOnlyUpdate(p, "r.x", "name")
	if err == nil || !strings.Contains(err.Error(), "delete,create") {
		t.Errorf("expectOnlyUpdate should reject a replacement, got %v", err)
	}
}

func TestTfvars(t *testing.T) {
	got := string(tfvars("rd-abc", "fd-def"))
	want := "directory_root_id    = \"rd-abc\"\nproduction_folder_id = \"fd-def\"\n"
	if got != want {
		t.Errorf("tfvars = %q, want %q", got, want)
	}
}

func TestIsArgument(t *testing.T) {
	var args []string
	for _, a := range []string{"name", "email_address", "phone_number", "title", "message_types", "status", "members", "id"} {
		if isArgument(a) {
			args = append(args, a)
		}
	}
	if !slices.Equal(args, []string{"name", "email_address", "phone_number", "title", "message_types"}) {
		t.Errorf("arguments: %v", args)
	}
}
