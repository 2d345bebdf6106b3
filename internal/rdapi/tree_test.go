package rdapi_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

func TestReadTree(t *testing.T) {
	emu := emulator.NewServer(t)
	c := newClient(t, emu)
	tree, err := c.ReadTree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tree.DirectoryID != "rd-k3Ux9d" || tree.RootFolderID != "r-k3Ux9d" || tree.ManagementAccountID != "1500000000000001" {
		t.Errorf("roots = %s, %s, %s", tree.DirectoryID, tree.RootFolderID, tree.ManagementAccountID)
	}
	wantFolders := []rdapi.Folder{
		{ID: "fd-Prod4Nz7Qa", Name: "Production", ParentID: "r-k3Ux9d"},
		{ID: "fd-Dev2Lm5Wx", Name: "Development", ParentID: "r-k3Ux9d"},
		{ID: "fd-Sec6Tr1Hy", Name: "Security", ParentID: "r-k3Ux9d"},
		{ID: "fd-ProdDb8Kc", Name: "Databases", ParentID: "fd-Prod4Nz7Qa"},
	}
	if diff := cmp.Diff(wantFolders, tree.Folders, cmp.AllowUnexported(rdapi.Tree{})); diff != "" {
		t.Errorf("folders (-want +got):\n%s", diff)
	}
	if a, ok := tree.Account("1500000000000003"); !ok || a.FolderID != "fd-ProdDb8Kc" || a.DisplayName != "prod-db" {
		t.Errorf("account 3 = %+v, %v", a, ok)
	}
	if got := tree.FolderPath("fd-ProdDb8Kc"); got != "Production/Databases" {
		t.Errorf("FolderPath = %q", got)
	}
	for id, want := range map[string]bool{"rd-k3Ux9d": true, "fd-ProdDb8Kc": true, "1500000000000005": true, "r-k3Ux9d": false, "fd-Nope": false, "1500000000000099": false} {
		if got := tree.Contains(id); got != want {
			t.Errorf("Contains(%s) = %v, want %v", id, got, want)
		}
	}
	if !tree.Under("fd-ProdDb8Kc", "fd-Prod4Nz7Qa") || tree.Under("fd-Dev2Lm5Wx", "fd-Prod4Nz7Qa") || !tree.Under("fd-Dev2Lm5Wx", "r-k3Ux9d") {
		t.Error("Under disagrees with the tree")
	}
}

// The tree's cost is its pages: one GetResourceDirectory, a ListAccounts
// page per 100 accounts, a ListFoldersForParent per folder (the root
// folder included), never a call per account.
func TestReadTree_largeTreeCostsPages(t *testing.T) {
	const folders, accounts = 40, 1000
	emu := emulator.NewServer(t, emulator.WithDirectory(emulator.GeneratedDirectory(folders, accounts)),
		emulator.WithSettings(func(s *emulator.Settings) { s.RateLimit = 0 }))
	c := newClient(t, emu, func(o *rdapi.Options) { o.RateLimit = -1 })
	tree, err := c.ReadTree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Accounts) != accounts || len(tree.Folders) != folders {
		t.Fatalf("read %d accounts and %d folders, want %d and %d", len(tree.Accounts), len(tree.Folders), accounts, folders)
	}
	calls := emu.Stats().Calls
	want := map[string]int{"GetResourceDirectory": 1, "ListAccounts": accounts / 100, "ListFoldersForParent": folders + 1}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// Client.Tree reads the tree once for concurrent and later callers, and
// remembers a refusal too.
func TestTree_oneReadPerOperation(t *testing.T) {
	emu := emulator.NewServer(t)
	c := newClient(t, emu)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Tree(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, err := c.Tree(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := emu.Stats().Calls["GetResourceDirectory"]; got != 1 {
		t.Errorf("GetResourceDirectory called %d times, want 1", got)
	}

	denied := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) {
		if err := s.DenyActions.UnmarshalText([]byte("ListAccounts")); err != nil {
			t.Fatal(err)
		}
	}))
	dc := newClient(t, denied)
	for range 2 {
		if _, err := dc.Tree(context.Background()); !rdapi.IsPermissionDenied(err) {
			t.Fatalf("Tree without ListAccounts: %v, want a permission error", err)
		}
	}
	if got := denied.Stats().Calls["ListAccounts"]; got != 1 {
		t.Errorf("a refused tree was read %d times, want 1", got)
	}
}

// A refused call names the RAM action and the least-privilege page, whatever
// the denial's form.
func TestPermissionDenied_namesTheAction(t *testing.T) {
	for _, tc := range []struct {
		code string
		want []string
	}{
		{"NoPermission", []string{"resourcemanager:ListAccounts", rdapi.LeastPrivilegeURL}},
		{"Forbidden.RAM", []string{"resourcemanager:ListAccounts", rdapi.LeastPrivilegeURL}},
		{"NoPermission.ResourceDirectory.MemberAccount", []string{"member account", "management account", rdapi.LeastPrivilegeURL}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			emu := emulator.NewServer(t, emulator.WithSettings(func(s *emulator.Settings) {
				if err := s.DenyActions.UnmarshalText([]byte("ListAccounts,AddMessageContact")); err != nil {
					t.Fatal(err)
				}
				if err := s.DenyCode.UnmarshalText([]byte(tc.code)); err != nil {
					t.Fatal(err)
				}
			}))
			_, err := newClient(t, emu).ReadTree(context.Background())
			if !rdapi.IsPermissionDenied(err) {
				t.Fatalf("err = %v, want a permission error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			_, err = newClient(t, emu).AddMessageContact(context.Background(), addInput("tom"))
			if !rdapi.IsPermissionDenied(err) || (tc.code != "NoPermission.ResourceDirectory.MemberAccount" && !strings.Contains(err.Error(), "resourcemanager:AddMessageContact")) {
				t.Errorf("AddMessageContact refused: %v", err)
			}
		})
	}
}
