package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/google/go-cmp/cmp"
)

// items returns body[list][item] as maps: the tree operations wrap their
// lists ({"Accounts": {"Account": […]}}).
func items(t *testing.T, body map[string]any, list, item string) []map[string]any {
	t.Helper()
	wrap, ok := body[list].(map[string]any)
	if !ok {
		t.Fatalf("reply has no %s object: %v", list, body)
	}
	raw, ok := wrap[item].([]any)
	if !ok {
		t.Fatalf("reply's %s has no %s array: %v", list, item, body)
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}

func field(rows []map[string]any, name string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r[name].(string)
	}
	return out
}

// The official SDK drives every tree operation, signed every way, and reads
// the documented shapes: the two root IDs, wrapped lists, paging.
func TestTree_throughSDK(t *testing.T) {
	for _, sig := range allSignings {
		t.Run(sig.String(), func(t *testing.T) {
			s := NewServer(t)
			c := newSDK(t, s, sig)

			rd := c.must("GetResourceDirectory", map[string]any{})["ResourceDirectory"].(map[string]any)
			if rd["ResourceDirectoryId"] != "rd-k3Ux9d" || rd["RootFolderId"] != "r-k3Ux9d" ||
				rd["MasterAccountId"] != "1500000000000001" || rd["MasterAccountName"] != "Management" {
				t.Errorf("GetResourceDirectory = %v", rd)
			}

			// Two pages of three cover the five accounts, in join order.
			var accounts []map[string]any
			for n := 1; n <= 2; n++ {
				body := c.must("ListAccounts", map[string]any{"PageNumber": n, "PageSize": 3})
				if got := fmt.Sprintf("%v %v %v", body["TotalCount"], body["PageNumber"], body["PageSize"]); got != fmt.Sprintf("5 %d 3", n) {
					t.Errorf("ListAccounts page %d envelope = %v", n, body)
				}
				accounts = append(accounts, items(t, body, "Accounts", "Account")...)
			}
			if diff := cmp.Diff([]string{"1500000000000001", "1500000000000002", "1500000000000003", "1500000000000004", "1500000000000005"},
				field(accounts, "AccountId")); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			// A member directly under the root has the root folder's ID, not the directory's.
			if got := accounts[0]["FolderId"]; got != "r-k3Ux9d" {
				t.Errorf("FolderId of a top-level member = %v, want r-k3Ux9d", got)
			}
			if got := accounts[2]["ResourceDirectoryPath"]; got != "rd-k3Ux9d/r-k3Ux9d/fd-Prod4Nz7Qa/fd-ProdDb8Kc/1500000000000003" {
				t.Errorf("ResourceDirectoryPath = %v", got)
			}
			if got := accounts[2]["DisplayName"]; got != "prod-db" {
				t.Errorf("DisplayName = %v", got)
			}
			found := items(t, c.must("ListAccounts", map[string]any{"QueryKeyword": "PROD"}), "Accounts", "Account")
			if diff := cmp.Diff([]string{"prod-app", "prod-db"}, field(found, "DisplayName")); diff != "" {
				t.Errorf("QueryKeyword (-want +got):\n%s", diff)
			}

			top := items(t, c.must("ListFoldersForParent", map[string]any{}), "Folders", "Folder")
			if diff := cmp.Diff([]string{"fd-Prod4Nz7Qa", "fd-Dev2Lm5Wx", "fd-Sec6Tr1Hy"}, field(top, "FolderId")); diff != "" {
				t.Errorf("root's folders (-want +got):\n%s", diff)
			}
			under := items(t, c.must("ListFoldersForParent", map[string]any{"ParentFolderId": "r-k3Ux9d", "PageSize": 2, "PageNumber": 2}), "Folders", "Folder")
			if diff := cmp.Diff([]string{"Security"}, field(under, "FolderName")); diff != "" {
				t.Errorf("second page of the root's folders (-want +got):\n%s", diff)
			}
			nested := items(t, c.must("ListFoldersForParent", map[string]any{"ParentFolderId": "fd-Prod4Nz7Qa"}), "Folders", "Folder")
			if diff := cmp.Diff([]string{"fd-ProdDb8Kc"}, field(nested, "FolderId")); diff != "" {
				t.Errorf("Production's folders (-want +got):\n%s", diff)
			}

			up := items(t, c.must("ListAncestors", map[string]any{"ChildId": "fd-ProdDb8Kc"}), "Folders", "Folder")
			if diff := cmp.Diff([]string{"r-k3Ux9d", "fd-Prod4Nz7Qa"}, field(up, "FolderId")); diff != "" {
				t.Errorf("ancestors, top-down (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"root", "Production"}, field(up, "FolderName")); diff != "" {
				t.Errorf("ancestor names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTree_errors(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	for name, tc := range map[string]struct {
		action string
		params map[string]any
		code   string
		status int
	}{
		"ancestors without child":       {"ListAncestors", map[string]any{}, "MissingParameter.ChildId", 400},
		"ancestors of an account":       {"ListAncestors", map[string]any{"ChildId": "1500000000000002"}, "InvalidParameter.ChildId", 400},
		"ancestors of the directory":    {"ListAncestors", map[string]any{"ChildId": "rd-k3Ux9d"}, "InvalidParameter.ChildId", 400},
		"ancestors of an unknown":       {"ListAncestors", map[string]any{"ChildId": "fd-Nope000000"}, "EntityNotExists.Folder", 404},
		"folders of an unknown parent":  {"ListFoldersForParent", map[string]any{"ParentFolderId": "fd-Nope000000"}, "EntityNotExists.Folder", 404},
		"folders of the directory":      {"ListFoldersForParent", map[string]any{"ParentFolderId": "rd-k3Ux9d"}, "InvalidParameter.ParentFolderId", 400},
		"folders page size":             {"ListFoldersForParent", map[string]any{"PageSize": 101}, "InvalidParameter.PageSize", 400},
		"accounts page number":          {"ListAccounts", map[string]any{"PageNumber": 0}, "InvalidParameter.PageNumber", 400},
		"accounts token paging":         {"ListAccounts", map[string]any{"MaxResults": 10}, "InvalidParameter", 400},
		"binding the root folder fails": {"AssociateMembers", map[string]any{"ContactId": "c-AAAAAAAAAAAAAAAA", "Members": []string{"r-k3Ux9d"}}, "InvalidParameter.Members", 400},
	} {
		t.Run(name, func(t *testing.T) { c.mustFail(tc.action, tc.params, tc.code, tc.status) })
	}
}

// A member added to, moved within or removed from the tree shows in
// ListAccounts at once; AssociateMembers accepts exactly the members there.
func TestTree_accountChanges(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV1Form)
	id := c.addContact("tom", "tom@example.com", "")
	folderOf := func(account string) (string, bool) {
		for _, a := range items(t, c.must("ListAccounts", map[string]any{"PageSize": 100}), "Accounts", "Account") {
			if a["AccountId"] == account {
				return a["FolderId"].(string), true
			}
		}
		return "", false
	}
	const newcomer = "1500000000000042"
	c.mustFail("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{newcomer}}, "InvalidMember", 400)
	if err := s.AddAccount(Account{ID: newcomer, Name: "newcomer", FolderID: "fd-ProdDb8Kc"}); err != nil {
		t.Fatal(err)
	}
	if got, ok := folderOf(newcomer); !ok || got != "fd-ProdDb8Kc" {
		t.Errorf("after AddAccount: folder %q, listed %v", got, ok)
	}
	c.must("AssociateMembers", map[string]any{"ContactId": id, "Members": []string{newcomer}})
	if err := s.MoveAccount(newcomer, "r-k3Ux9d"); err != nil {
		t.Fatal(err)
	}
	if got, _ := folderOf(newcomer); got != "r-k3Ux9d" {
		t.Errorf("after MoveAccount: folder %q", got)
	}
	if err := s.RemoveAccount(newcomer); err != nil {
		t.Fatal(err)
	}
	if _, ok := folderOf(newcomer); ok {
		t.Error("a removed account is still listed")
	}
	// The API documents that removing a member does not unbind it.
	if got := c.get(id)["Members"]; !slices.Equal(toStrings(got), []string{newcomer}) {
		t.Errorf("Members after RemoveAccount = %v", got)
	}

	for _, err := range []error{
		s.AddAccount(Account{ID: "1500000000000001", FolderID: "r-k3Ux9d"}),
		s.AddAccount(Account{ID: "1500000000000043", FolderID: "rd-k3Ux9d"}),
		s.MoveAccount("1500000000000044", "r-k3Ux9d"),
		s.RemoveAccount("1500000000000044"),
	} {
		if err == nil {
			t.Error("an impossible tree change succeeded")
		}
	}
	if err := s.AddAccount(Account{ID: "1500000000000043", FolderID: "rd-k3Ux9d"}); err == nil || !strings.Contains(err.Error(), "root folder") {
		t.Errorf("the directory's ID as a folder: %v, want a hint at the root folder", err)
	}
	s.Reset()
	if _, ok := folderOf("1500000000000042"); ok || len(s.Directory().Accounts) != 5 {
		t.Error("Reset kept a changed tree")
	}
}

func toStrings(v any) []string {
	raw, _ := v.([]any)
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i], _ = r.(string)
	}
	return out
}

// Settings.DenyActions refuses the chosen actions, after authentication,
// with the chosen RAM error; a NoPermission names the RAM action.
func TestTree_denyActions(t *testing.T) {
	s := NewServer(t, WithSettings(func(st *Settings) {
		if err := st.DenyActions.UnmarshalText([]byte("ListAccounts, GetResourceDirectory")); err != nil {
			t.Fatal(err)
		}
	}))
	c := newSDK(t, s, signV3)
	c.must("ListFoldersForParent", map[string]any{})
	msg := c.failureMessage("ListAccounts", map[string]any{}, "NoPermission", http.StatusForbidden)
	if !strings.Contains(msg, "not authorized") {
		t.Errorf("message = %q", msg)
	}
	_, err := c.call("GetResourceDirectory", map[string]any{})
	var se *tea.SDKError
	if !errors.As(err, &se) || !strings.Contains(tea.StringValue(se.Data), `"AuthAction":"resourcemanager:GetResourceDirectory"`) {
		t.Errorf("NoPermission without AccessDeniedDetail.AuthAction: %v", err)
	}
	for code, status := range map[DenialCode]int{DenyForbiddenRAM: http.StatusForbidden, DenyMemberAccount: http.StatusConflict} {
		s.MustApply(func(st *Settings) { st.DenyCode = code })
		c.mustFail("ListAccounts", map[string]any{}, code.String(), status)
	}
	newSDKWith(t, s.Endpoint(), signV3, sdkCreds{"unknown-key", "x", ""}).
		mustFail("ListAccounts", map[string]any{}, "InvalidAccessKeyId.NotFound", 404)

	var bad Settings
	if err := bad.DenyActions.UnmarshalText([]byte("ListAcounts")); err == nil || !strings.Contains(err.Error(), "ListAccounts") {
		t.Errorf("a misspelt action: %v, want the known ones listed", err)
	}
}
