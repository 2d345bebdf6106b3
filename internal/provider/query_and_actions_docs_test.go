package provider

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The documentation generator renders neither list resources nor actions,
// so their arguments are described by hand in the guide; this test keeps
// the guide and the schemas from drifting apart.
func TestQueryAndActionsGuide_describesEverySchemaArgument(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../templates/guides/query-and-actions.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(b)
	section := func(heading string) string {
		_, rest, ok := strings.Cut(guide, heading+"\n")
		if !ok {
			t.Fatalf("the guide has no section %q", heading)
		}
		if i := strings.Index(rest, "\n## "); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}
	ctx := context.Background()
	type arg struct{ name, required string }
	check := func(heading string, args []arg) {
		t.Helper()
		text := section(heading)
		var names []string
		for _, a := range args {
			names = append(names, a.name)
			if !strings.Contains(text, "- `"+a.name+"` (") {
				t.Errorf("%s: argument %s is not described", heading, a.name)
			}
			if a.required != "" && !strings.Contains(text, "- `"+a.name+"` ("+a.required) {
				t.Errorf("%s: argument %s is not described as %s", heading, a.name, a.required)
			}
		}
		for _, line := range strings.Split(text, "\n") {
			if name, ok := strings.CutPrefix(line, "- `"); ok {
				name, _, _ = strings.Cut(name, "`")
				if !slices.Contains(names, name) {
					t.Errorf("%s: describes %s, which the schema does not have", heading, name)
				}
			}
		}
	}

	var ls list.ListResourceSchemaResponse
	NewMessageContactListResource().ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &ls)
	var largs []arg
	for name := range ls.Schema.Attributes {
		largs = append(largs, arg{name: name})
	}
	check("## List resource `resourcedirectory_message_contact`", largs)

	for heading, a := range map[string]action.Action{
		"## Action `resourcedirectory_send_verification`":     NewSendVerificationAction(),
		"## Action `resourcedirectory_cancel_pending_update`": NewCancelPendingUpdateAction(),
	} {
		var s action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &s)
		var args []arg
		for name, attr := range s.Schema.Attributes {
			typ := "String"
			if attr.GetType().Equal(types.SetType{ElemType: types.StringType}) {
				typ = "Set of String"
			}
			req := typ + ", Optional"
			if attr.IsRequired() {
				req = typ + ", Required"
			}
			args = append(args, arg{name: name, required: req})
		}
		check(heading, args)
	}
}
