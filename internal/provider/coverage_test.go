package provider

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// computeCoverage: a Deleting contact delivers nothing, a contact bound at
// two levels is listed at both but named once in a gap, and an account
// outside the folder scope or excluded is left out.
func TestComputeCoverage_rules(t *testing.T) {
	tree := &rdapi.Tree{
		DirectoryID: "rd-a", RootFolderID: "r-a",
		Folders:  []rdapi.Folder{{ID: "fd-a", Name: "A", ParentID: "r-a"}, {ID: "fd-b", Name: "B", ParentID: "fd-a"}},
		Accounts: []rdapi.Account{{ID: "2", DisplayName: "two", FolderID: "fd-b"}, {ID: "1", DisplayName: "one", FolderID: "r-a"}, {ID: "3", DisplayName: "three", FolderID: "fd-b"}},
	}
	tree = rdapi.NewTree(tree.DirectoryID, tree.RootFolderID, "", tree.Folders, tree.Accounts)
	contacts := []rdapi.MessageContact{
		{ContactID: "c-1", Name: "Gone", MessageTypes: []string{"FaultMessage"}, Members: []string{"rd-a"}, Status: rdapi.StatusDeleting},
		{ContactID: "c-2", Name: "New", MessageTypes: []string{"FaultMessage", "ProductMessage"}, Members: []string{"fd-a", "2"}, Status: rdapi.StatusVerifying},
	}
	accounts, gaps := computeCoverage(tree, contacts, coverageScope{types: []string{"FaultMessage"}, folder: "fd-a", exclude: map[string]bool{"3": true}})
	want := []accountCoverage{{
		Account: tree.Accounts[0], FolderPath: "A/B",
		Deliveries: []delivery{
			{MessageType: "FaultMessage", ContactID: "c-1", ContactName: "Gone", Via: viaDirectory, ViaID: "rd-a", Status: rdapi.StatusDeleting},
			{MessageType: "FaultMessage", ContactID: "c-2", ContactName: "New", Via: viaFolder, ViaID: "fd-a", Status: rdapi.StatusVerifying},
			{MessageType: "FaultMessage", ContactID: "c-2", ContactName: "New", Via: viaAccount, ViaID: "2", Status: rdapi.StatusVerifying},
		},
	}}
	if diff := cmp.Diff(want, accounts, cmp.AllowUnexported(rdapi.Tree{})); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	wantGaps := []coverageGap{{AccountID: "2", AccountName: "two", FolderPath: "A/B", MessageType: "FaultMessage",
		Reason: gapOnlyUnverified, Unverified: []string{"Gone", "New"}}}
	if diff := cmp.Diff(wantGaps, gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if got, want := gaps[0].String(), "2 (two, A/B): FaultMessage (only unverified: Gone, New)"; got != want {
		t.Errorf("gap line = %q, want %q", got, want)
	}
}
