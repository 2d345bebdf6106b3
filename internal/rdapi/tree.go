package rdapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The resource directory's tree.
//
// A contact bound to the directory (rd-…) or to a folder (fd-…) applies to
// every member account beneath it, including members that join later; a
// member moved to another folder gets that folder's contacts instead
// ("Manage contacts for a member" in the user guide). Knowing who receives
// what therefore needs the tree, which four operations of the same API
// version read:
//
//   - GetResourceDirectory: the directory's ID (rd-…) and its root
//     folder's ID (r-…), which are different: a contact is bound to the
//     directory's ID, while the root folder is the parent of top-level
//     folders and accounts;
//   - ListAccounts: every member account with its FolderId, paged;
//   - ListFoldersForParent: the folders under one folder, paged;
//   - ListAncestors: the folders above one folder (not needed when the
//     whole tree is read top-down, as here).
//
// ReadTree reads it with one GetResourceDirectory, the ListAccounts pages
// and one ListFoldersForParent per folder (plus its further pages): the
// cost grows with the tree's pages, never with contacts. Client.Tree
// serves one operation from one read.

// Tree is the resource directory's structure.
type Tree struct {
	// DirectoryID is the directory's ID (rd-…): what a contact is bound to
	// for the whole directory.
	DirectoryID string
	// RootFolderID is the root folder's ID (r-…): the parent of top-level
	// folders and accounts. It cannot be bound.
	RootFolderID string
	// ManagementAccountID is the management account's ID.
	ManagementAccountID string
	// Folders are every folder below the root folder, parents before their
	// children, siblings in the API's order.
	Folders []Folder
	// Accounts are every member account, in the API's order.
	Accounts []Account

	folderIndex  map[string]int
	accountIndex map[string]int
}

// Folder is one folder of the tree.
type Folder struct {
	ID   string
	Name string
	// ParentID is the root folder's ID or another folder's.
	ParentID string
}

// Account is one member account.
type Account struct {
	ID          string
	DisplayName string
	// FolderID is the root folder's ID or a folder's.
	FolderID string
}

// Folder returns the folder id (not the root folder).
func (t *Tree) Folder(id string) (Folder, bool) {
	i, ok := t.folderIndex[id]
	if !ok {
		return Folder{}, false
	}
	return t.Folders[i], true
}

// Account returns the member account id.
func (t *Tree) Account(id string) (Account, bool) {
	i, ok := t.accountIndex[id]
	if !ok {
		return Account{}, false
	}
	return t.Accounts[i], true
}

// Contains reports whether id can be bound: the directory, a folder or a
// member account of the tree.
func (t *Tree) Contains(id string) bool {
	_, folder := t.folderIndex[id]
	_, account := t.accountIndex[id]
	return id == t.DirectoryID || folder || account
}

// FolderChain returns the folders from the top down to folderID (the root
// folder is not included; the root folder's own chain is empty).
func (t *Tree) FolderChain(folderID string) []Folder {
	var chain []Folder
	for cur := folderID; cur != t.RootFolderID; {
		f, ok := t.Folder(cur)
		if !ok || len(chain) > len(t.Folders) {
			break
		}
		chain = append(chain, f)
		cur = f.ParentID
	}
	slices.Reverse(chain)
	return chain
}

// FolderPath names folderID by the names from the top, joined by "/"
// ("Production/Databases"); the root folder's path is "".
func (t *Tree) FolderPath(folderID string) string {
	chain := t.FolderChain(folderID)
	names := make([]string, len(chain))
	for i, f := range chain {
		names[i] = f.Name
	}
	return strings.Join(names, "/")
}

// Under reports whether folderID is folder or below it.
func (t *Tree) Under(folderID, folder string) bool {
	if folder == t.RootFolderID || folderID == folder {
		return true
	}
	for _, f := range t.FolderChain(folderID) {
		if f.ID == folder {
			return true
		}
	}
	return false
}

// NewTree builds a Tree from its parts, as ReadTree does from the API's
// replies (for tests of what uses a tree).
func NewTree(directoryID, rootFolderID, managementAccountID string, folders []Folder, accounts []Account) *Tree {
	t := &Tree{DirectoryID: directoryID, RootFolderID: rootFolderID, ManagementAccountID: managementAccountID,
		Folders: folders, Accounts: accounts}
	t.index()
	return t
}

func (t *Tree) index() {
	t.folderIndex = make(map[string]int, len(t.Folders))
	for i, f := range t.Folders {
		t.folderIndex[f.ID] = i
	}
	t.accountIndex = make(map[string]int, len(t.Accounts))
	for i, a := range t.Accounts {
		t.accountIndex[a.ID] = i
	}
}

// Tree operations.
const (
	actionGetDirectory  = "GetResourceDirectory"
	actionListAccounts  = "ListAccounts"
	actionListFolders   = "ListFoldersForParent"
	treeFolderListAhead = 4 // folders listed at once, under the pace
)

// TreeActions are the API actions ReadTree calls, for the RAM policy a
// caller needs.
var TreeActions = []string{actionGetDirectory, actionListAccounts, actionListFolders}

// ReadTree reads the whole tree from the API.
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-listaccounts
func (c *Client) ReadTree(ctx context.Context) (*Tree, error) {
	rd, err := call[struct {
		RequestID         string `json:"RequestId"`
		ResourceDirectory *struct {
			ResourceDirectoryID string `json:"ResourceDirectoryId"`
			RootFolderID        string `json:"RootFolderId"`
			MasterAccountID     string `json:"MasterAccountId"`
		} `json:"ResourceDirectory"`
	}](ctx, c, actionGetDirectory, url.Values{})
	if err != nil {
		return nil, err
	}
	if rd.ResourceDirectory == nil || rd.ResourceDirectory.ResourceDirectoryID == "" || rd.ResourceDirectory.RootFolderID == "" {
		return nil, fmt.Errorf("%s: reply has no ResourceDirectoryId or RootFolderId (RequestId %q)", actionGetDirectory, rd.RequestID)
	}
	t := &Tree{
		DirectoryID:         rd.ResourceDirectory.ResourceDirectoryID,
		RootFolderID:        rd.ResourceDirectory.RootFolderID,
		ManagementAccountID: rd.ResourceDirectory.MasterAccountID,
	}

	var (
		wg       sync.WaitGroup
		accounts []Account
		accErr   error
	)
	wg.Go(func() {
		for a, err := range paginate(ctx, c, actionListAccounts, url.Values{}, MaxPageSize, treeFolderListAhead,
			func(r *struct {
				pageReply
				Accounts struct {
					Account []struct {
						AccountID   string `json:"AccountId"`
						DisplayName string `json:"DisplayName"`
						FolderID    string `json:"FolderId"`
					} `json:"Account"`
				} `json:"Accounts"`
			}) (pageReply, []Account) {
				out := make([]Account, len(r.Accounts.Account))
				for i, a := range r.Accounts.Account {
					out[i] = Account{ID: a.AccountID, DisplayName: a.DisplayName, FolderID: a.FolderID}
				}
				return r.pageReply, out
			},
			func(a Account) string { return a.ID }) {
			if err != nil {
				accErr = err
				return
			}
			accounts = append(accounts, a)
		}
	})
	folders, folderErr := c.readFolders(ctx, t.RootFolderID)
	wg.Wait()
	if accErr != nil {
		return nil, accErr
	}
	if folderErr != nil {
		return nil, folderErr
	}
	return NewTree(t.DirectoryID, t.RootFolderID, t.ManagementAccountID, folders, accounts), nil
}

// readFolders lists the folders under root level by level, listing up to
// treeFolderListAhead parents at once.
func (c *Client) readFolders(ctx context.Context, root string) ([]Folder, error) {
	var all []Folder
	level := []string{root}
	seen := map[string]bool{root: true}
	for len(level) > 0 {
		children := make([][]Folder, len(level))
		errs := make([]error, len(level))
		sem := make(chan struct{}, treeFolderListAhead)
		var wg sync.WaitGroup
		for i, parent := range level {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				children[i], errs[i] = c.listFolders(ctx, parent)
			})
		}
		wg.Wait()
		var next []string
		for i := range level {
			if errs[i] != nil {
				return nil, errs[i]
			}
			for _, f := range children[i] {
				if seen[f.ID] {
					return nil, fmt.Errorf("%s: folder %s is listed under two parents", actionListFolders, f.ID)
				}
				seen[f.ID] = true
				all = append(all, f)
				next = append(next, f.ID)
			}
		}
		level = next
	}
	return all, nil
}

func (c *Client) listFolders(ctx context.Context, parent string) ([]Folder, error) {
	q := url.Values{}
	q.Set("ParentFolderId", parent)
	var out []Folder
	for f, err := range paginate(ctx, c, actionListFolders, q, MaxPageSize, 0,
		func(r *struct {
			pageReply
			Folders struct {
				Folder []struct {
					FolderID   string `json:"FolderId"`
					FolderName string `json:"FolderName"`
				} `json:"Folder"`
			} `json:"Folders"`
		}) (pageReply, []Folder) {
			out := make([]Folder, len(r.Folders.Folder))
			for i, f := range r.Folders.Folder {
				out[i] = Folder{ID: f.FolderID, Name: f.FolderName, ParentID: parent}
			}
			return r.pageReply, out
		},
		func(f Folder) string { return f.ID }) {
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// treeCache serves one operation's tree reads from one ReadTree, as the
// snapshot serves its contact reads: concurrent callers wait for one read,
// and a read older than maxAge is not used. A failed read is remembered
// for the same time (a caller without permission to read the tree is told
// once per operation, not once per resource).
type treeCache struct {
	mu      sync.Mutex
	at      time.Time
	tree    *Tree
	err     error
	pending chan struct{}
}

// Tree returns the resource directory's tree, read at most once per
// Options.SnapshotMaxAge (one Terraform operation). Errors are those of
// ReadTree; IsPermissionDenied tells a caller without the permission to
// read it.
func (c *Client) Tree(ctx context.Context) (*Tree, error) {
	tc := &c.tree
	for {
		tc.mu.Lock()
		if tc.pending == nil && !tc.at.IsZero() && c.now().Sub(tc.at) < c.snapshot.maxAge && !isContextError(tc.err) {
			t, err := tc.tree, tc.err
			tc.mu.Unlock()
			return t, err
		}
		if wait := tc.pending; wait != nil {
			tc.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		tc.pending = done
		tc.mu.Unlock()

		started := c.now()
		t, err := c.ReadTree(ctx)
		tc.mu.Lock()
		tc.tree, tc.err, tc.at, tc.pending = t, err, started, nil
		tc.mu.Unlock()
		close(done)
		return t, err
	}
}
