package provider

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Who receives what. The API applies a contact bound to the directory or to
// a folder to every member account beneath it, and one bound to an account
// to that account; each contact receives the message types it lists. The
// coverage walks every account of the tree (or of one folder) and, for each
// message type checked, collects the contacts that reach it.
//
// The verification rule: a contact delivers once it is Active. A contact
// whose first verification is still pending (Verifying, never verified)
// delivers nothing: the API documents that an address takes effect only
// once verified. A verified contact with a pending change of its email or
// phone is Verifying as well; the API reports the status per contact, not
// per address, and cannot tell the two apart when it echoes submitted
// values, so it counts as unverified too (its previous address may still
// receive messages, but nothing proves it). A Deleting contact delivers
// nothing.

// Ways a contact reaches an account.
const (
	viaAccount   = "account"
	viaFolder    = "folder"
	viaDirectory = "directory"
)

// Reasons of a gap.
const (
	gapNoContact      = "no_contact"
	gapOnlyUnverified = "only_unverified"
)

// delivery is one contact delivering one message type to one account.
type delivery struct {
	MessageType string
	ContactID   string
	ContactName string
	Via         string // viaAccount, viaFolder or viaDirectory
	ViaID       string // the bound object: the account, folder or directory ID
	Status      string
	Verified    bool
}

// accountCoverage is one account and what reaches it.
type accountCoverage struct {
	Account    rdapi.Account
	FolderPath string
	Deliveries []delivery
}

// coverageGap is a message type that no verified contact delivers to an
// account.
type coverageGap struct {
	AccountID   string
	AccountName string
	FolderPath  string
	MessageType string
	Reason      string // gapNoContact or gapOnlyUnverified
	// Unverified names the contacts that would deliver it once verified.
	Unverified []string
}

// String is the gap as one readable line, for check and postcondition
// messages.
func (g coverageGap) String() string {
	where := g.FolderPath
	if where == "" {
		where = "root folder"
	}
	why := "no contact"
	if g.Reason == gapOnlyUnverified {
		why = "only unverified: " + strings.Join(g.Unverified, ", ")
	}
	return fmt.Sprintf("%s (%s, %s): %s (%s)", g.AccountID, g.AccountName, where, g.MessageType, why)
}

// coverageScope is what a coverage covers.
type coverageScope struct {
	// types are the message types checked, in rdapi.MessageTypes order.
	types []string
	// folder limits the accounts to those under it ("": all).
	folder  string
	exclude map[string]bool
}

// computeCoverage returns, for every account in scope (by ID), the
// deliveries of the checked message types (by type, then contact name and
// ID), and the gaps (by account ID, then message type).
func computeCoverage(tree *rdapi.Tree, contacts []rdapi.MessageContact, scope coverageScope) ([]accountCoverage, []coverageGap) {
	// bound maps each object to the contacts bound to it directly.
	bound := map[string][]*rdapi.MessageContact{}
	for i := range contacts {
		for _, m := range contacts[i].Members {
			bound[m] = append(bound[m], &contacts[i])
		}
	}
	accounts := sortedAccounts(tree)
	var (
		out  []accountCoverage
		gaps []coverageGap
	)
	for _, a := range accounts {
		if scope.exclude[a.ID] || (scope.folder != "" && !tree.Under(a.FolderID, scope.folder)) {
			continue
		}
		ac := accountCoverage{Account: a, FolderPath: tree.FolderPath(a.FolderID)}
		reach := func(via, id string) {
			for _, c := range bound[id] {
				for _, t := range c.MessageTypes {
					if !slices.Contains(scope.types, t) {
						continue
					}
					ac.Deliveries = append(ac.Deliveries, delivery{
						MessageType: t, ContactID: c.ContactID, ContactName: c.Name, Via: via, ViaID: id,
						Status: c.Status, Verified: c.Status == rdapi.StatusActive,
					})
				}
			}
		}
		reach(viaDirectory, tree.DirectoryID)
		for _, f := range tree.FolderChain(a.FolderID) {
			reach(viaFolder, f.ID)
		}
		reach(viaAccount, a.ID)
		slices.SortStableFunc(ac.Deliveries, func(x, y delivery) int {
			return cmp.Or(cmp.Compare(slices.Index(rdapi.MessageTypes, x.MessageType), slices.Index(rdapi.MessageTypes, y.MessageType)),
				cmp.Compare(x.ContactName, y.ContactName), cmp.Compare(x.ContactID, y.ContactID))
		})
		for _, t := range scope.types {
			var unverified []string
			verified := false
			for _, d := range ac.Deliveries {
				if d.MessageType != t {
					continue
				}
				if d.Verified {
					verified = true
					break
				}
				if !slices.Contains(unverified, d.ContactName) {
					unverified = append(unverified, d.ContactName)
				}
			}
			if verified {
				continue
			}
			g := coverageGap{AccountID: a.ID, AccountName: a.DisplayName, FolderPath: ac.FolderPath, MessageType: t, Reason: gapNoContact}
			if len(unverified) > 0 {
				g.Reason, g.Unverified = gapOnlyUnverified, unverified
			}
			gaps = append(gaps, g)
		}
		out = append(out, ac)
	}
	return out, gaps
}

// sortedAccounts returns the tree's accounts by ID.
func sortedAccounts(tree *rdapi.Tree) []rdapi.Account {
	accounts := slices.Clone(tree.Accounts)
	slices.SortFunc(accounts, func(a, b rdapi.Account) int { return cmp.Compare(a.ID, b.ID) })
	return accounts
}
