package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// treeCheckHint ends the apply-time error of a member the API rejected: the
// plan checks members against the tree only when it may read it.
var treeCheckHint = fmt.Sprintf("Plans check every member against the resource directory's tree when the "+
	"credentials may read it (%s); see %s.", strings.Join(ramActions(rdapi.TreeActions), ", "), rdapi.LeastPrivilegeURL)

func ramActions(actions []string) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = rdapi.RAMAction(a)
	}
	return out
}

// checkMembersInTree adds one error, on attr, naming every member that is
// not in the resource directory's tree: the bind would fail at apply time.
// A caller that may not read the tree is not checked (the apply reports an
// unknown member, with a hint); other read errors are logged, as the check
// is an early warning, not the source of truth.
func checkMembersInTree(ctx context.Context, client *rdapi.Client, attr path.Path, members []string, diags *diag.Diagnostics) {
	if client == nil || len(members) == 0 {
		return
	}
	tree, err := client.Tree(ctx)
	if err != nil {
		tflog.Debug(ctx, "members not checked against the tree at plan time", map[string]any{
			"error": err.Error(), "permission_denied": rdapi.IsPermissionDenied(err),
		})
		return
	}
	var unknown []string
	for _, m := range members {
		if !tree.Contains(m) && !slices.Contains(unknown, m) {
			unknown = append(unknown, m)
		}
	}
	if len(unknown) == 0 {
		return
	}
	slices.Sort(unknown)
	quoted := make([]string, len(unknown))
	for i, m := range unknown {
		quoted[i] = fmt.Sprintf("%q", rdapi.Printable(m, 64))
	}
	what := "is not the directory, a folder or a member account"
	if len(unknown) > 1 {
		what = "are not the directory, folders or member accounts"
	}
	diags.AddAttributeError(attr, "Member Not in the Resource Directory", fmt.Sprintf(
		"%s %s of resource directory %s, so binding them would fail at apply time. Check each ID: "+
			"data.resourcedirectory_directory lists the directory's ID, its folders (by path) and its member "+
			"accounts. A contact is bound to the whole directory by the directory's ID (%s), not by its root "+
			"folder (%s).",
		strings.Join(quoted, ", "), what, tree.DirectoryID, tree.DirectoryID, tree.RootFolderID))
}

// checkNewMembers refuses, at plan time, members to be bound that are not
// in the resource directory, naming every one in a single error. Members
// already bound are not checked: one removed from the directory stays bound
// (the API does not unbind it), and removing it from member_ids unbinds it.
func (r *messageContactMembersResource) checkNewMembers(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || req.Plan.Raw.IsNull() {
		return
	}
	planned := knownStrings(ctx, req.Plan.GetAttribute, &resp.Diagnostics)
	var bound []string
	if !req.State.Raw.IsNull() {
		bound = knownStrings(ctx, req.State.GetAttribute, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	planned = slices.DeleteFunc(planned, func(m string) bool { return slices.Contains(bound, m) })
	checkMembersInTree(ctx, r.client, path.Root("member_ids"), planned, &resp.Diagnostics)
}

// knownStrings returns the known elements of member_ids.
func knownStrings(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, diags *diag.Diagnostics) []string {
	var members types.Set
	diags.Append(get(ctx, path.Root("member_ids"), &members)...)
	return setStrings(members)
}
