package provider

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// TestContactReadInputs_complete: a contact enters a read's memo key as
// contactReadInputs, so two contacts with the same inputs must read alike.
// Every field of rdapi.Contact is changed in turn; where the inputs stay
// the same, what Read makes of the contact (the model and the verified
// targets it records) must stay the same too. A new use of a field in Read
// that contactReadInputs leaves out fails here.
func TestContactReadInputs_complete(t *testing.T) {
	ctx := context.Background()
	base := rdapi.Contact{
		MessageContact: rdapi.MessageContact{
			ContactID: "c-1", Name: "Ops", EmailAddress: "ops@example.com", PhoneNumber: "86-13900001111",
			Title: "CEO", MessageTypes: []string{"SecurityMessage", "AccountExpenses"}, Members: []string{"rd-1"},
			Status: "Verifying", CreateDate: "2026-12-01 10:00:00", AssociatedDate: "2026-12-01 10:00:00",
		},
		PendingEmailAddress: "new@example.com", PendingPhoneNumber: "86-13900002222",
	}
	read := func(v *rdapi.Contact) (messageContactModel, []verifiedTargets) {
		var m messageContactModel
		if diags := m.fromAPI(ctx, v); diags.HasError() {
			t.Fatal(diags)
		}
		old := verifiedTargets{Email: "old@example.com", Phone: "86-13900003333"}
		return m, []verifiedTargets{verifiedTargets{}.observe(v), old.observe(v)}
	}
	sameModel := func(a, b messageContactModel) bool {
		va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
		for i := range va.NumField() {
			if !va.Field(i).Interface().(attr.Value).Equal(vb.Field(i).Interface().(attr.Value)) {
				return false
			}
		}
		return true
	}
	wantModel, wantVerified := read(&base)

	var variants []rdapi.Contact
	var names []string
	var perturb func(v reflect.Value, name string, set func(func(reflect.Value)))
	perturb = func(v reflect.Value, name string, set func(func(reflect.Value))) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				perturb(v.Field(i), name+"."+f.Name, func(change func(reflect.Value)) {
					set(func(c reflect.Value) { change(c.Field(i)) })
				})
			}
		case reflect.String:
			for _, s := range []string{"", "changed", v.String() + "x"} {
				set(func(c reflect.Value) { c.SetString(s) })
				names = append(names, name+"="+s)
			}
		case reflect.Slice:
			set(func(c reflect.Value) { c.Set(reflect.ValueOf([]string{"ProductMessage"})) })
			names = append(names, name+" replaced")
			set(func(c reflect.Value) { c.Set(reflect.ValueOf([]string(nil))) })
			names = append(names, name+" emptied")
			set(func(c reflect.Value) {
				r := reflect.MakeSlice(c.Type(), c.Len(), c.Len())
				for i := range c.Len() {
					r.Index(c.Len() - 1 - i).Set(c.Index(i))
				}
				c.Set(r)
			})
			names = append(names, name+" reversed")
		default:
			t.Fatalf("rdapi.Contact field %s has kind %s, which this test does not change: extend it", name, v.Kind())
		}
	}
	perturb(reflect.ValueOf(base), "Contact", func(change func(reflect.Value)) {
		c := base
		c.MessageTypes = append([]string(nil), base.MessageTypes...)
		c.Members = append([]string(nil), base.Members...)
		change(reflect.ValueOf(&c).Elem())
		variants = append(variants, c)
	})

	changedInputs := 0
	for i, c := range variants {
		if !bytes.Equal(contactReadInputs(&c), contactReadInputs(&base)) {
			changedInputs++
			continue
		}
		gotModel, gotVerified := read(&c)
		if !sameModel(gotModel, wantModel) || !reflect.DeepEqual(gotVerified, wantVerified) {
			t.Errorf("%s leaves contactReadInputs unchanged but changes what Read makes of the contact", names[i])
		}
	}
	if changedInputs == 0 {
		t.Fatal("no change of the contact changed its read inputs")
	}
}

// TestReadBuildID: the test binary, like the provider's, has a Go build ID
// (the memo's code fingerprint); a file without one has none.
func TestReadBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if id := readBuildID(exe); len(id) < 20 {
		t.Errorf("build ID of the test binary: %q", id)
	}
	if id := readBuildID("read_memo.go"); id != "" {
		t.Errorf("build ID of a source file: %q, want none", id)
	}
	// Mach-O and PE executables carry it at the start of their text, within
	// the first 32 KiB (4096 and 1536 bytes in for Go 1.26's darwin/arm64 and
	// windows/amd64 builds of a small program).
	raw := make([]byte, 4096, 8192)
	raw = append(raw, "\xff Go build ID: \"abc/def/ghi/jkl\"\n \xff"...)
	path := filepath.Join(t.TempDir(), "provider.exe")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if id := readBuildID(path); id != "abc/def/ghi/jkl" {
		t.Errorf("build ID of a non-ELF executable: %q, want abc/def/ghi/jkl", id)
	}
}
