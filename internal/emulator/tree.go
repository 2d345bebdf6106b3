package emulator

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The resource directory's tree: the four read operations of
// ResourceDirectoryMaster 2022-04-19 that the provider uses to find who
// receives what (Tree in the fidelity contract, doc.go), and the test hooks
// that change the tree as the console would (AddAccount, MoveAccount,
// RemoveAccount).

// treeTimeLayout is the layout of the tree operations' times: ISO 8601 in
// UTC with milliseconds, as in the documented examples
// ("2021-01-18T08:01:50.522Z"), unlike the contact operations' dates.
const treeTimeLayout = "2006-01-02T15:04:05.000Z"

// treeTimes are the creation, join and modification times of the tree's
// objects, which the Directory value does not carry.
type treeTimes struct {
	started  time.Time            // the emulator's start: the time of everything in the initial tree
	joined   map[string]time.Time // accounts added later
	modified map[string]time.Time // accounts added or moved later
}

func (t *treeTimes) join(id string) time.Time {
	if at, ok := t.joined[id]; ok {
		return at
	}
	return t.started
}

func (t *treeTimes) modify(id string) time.Time {
	if at, ok := t.modified[id]; ok {
		return at
	}
	return t.join(id)
}

func isoTime(t time.Time) string { return t.UTC().Format(treeTimeLayout) }

func (e *Emulator) getResourceDirectory(c *call) (any, *apiError) {
	d := e.cfg.directory
	out := getResourceDirectoryResponse{RequestID: c.requestID}
	out.ResourceDirectory = wireResourceDirectory{
		ResourceDirectoryID:  d.RootID,
		RootFolderID:         d.RootFolderID,
		MasterAccountID:      d.ManagementAccountID,
		CreateTime:           isoTime(e.times.started),
		ControlPolicyStatus:  "Disabled",
		MemberDeletionStatus: "Disabled",
	}
	if i := d.account(d.ManagementAccountID); i >= 0 {
		out.ResourceDirectory.MasterAccountName = d.Accounts[i].Name
	}
	return out, nil
}

// tokenPaging refuses NextToken/MaxResults, which the emulator does not
// serve (ListAccounts documents both; PageNumber/PageSize paging is served).
func tokenPaging(c *call) *apiError {
	for _, name := range []string{"NextToken", "MaxResults"} {
		if v, _ := lookup(c.params, name); v != "" {
			return failf(codeInvalidParameter, "The emulator serves PageNumber/PageSize paging only, not %s.", name)
		}
	}
	return nil
}

// keywordMatch is the documented fuzzy match of QueryKeyword: [A] a
// case-insensitive substring of the display or folder name.
func keywordMatch(keyword, name string) bool {
	return keyword == "" || strings.Contains(strings.ToLower(name), strings.ToLower(keyword))
}

func (e *Emulator) listAccounts(c *call) (any, *apiError) {
	number, size, aerr := pageParams(c.params)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := tokenPaging(c); aerr != nil {
		return nil, aerr
	}
	keyword, _ := lookup(c.params, "QueryKeyword")
	d := e.cfg.directory
	var rows []wireAccount
	for _, a := range d.Accounts {
		if !keywordMatch(keyword, a.Name) {
			continue
		}
		rows = append(rows, wireAccount{
			AccountID:             a.ID,
			AccountName:           a.ID + "@resource-directory.example.com",
			DisplayName:           a.Name,
			FolderID:              a.FolderID,
			JoinMethod:            "created",
			JoinTime:              isoTime(e.times.join(a.ID)),
			ModifyTime:            isoTime(e.times.modify(a.ID)),
			ResourceDirectoryID:   d.RootID,
			ResourceDirectoryPath: d.path(a.FolderID, a.ID),
			Status:                "CreateSuccess",
			Type:                  "ResourceAccount",
		})
	}
	out := listAccountsResponse{RequestID: c.requestID, TotalCount: len(rows), PageNumber: number, PageSize: size}
	out.Accounts.Account = page(rows, number, size)
	return out, nil
}

func (e *Emulator) listFoldersForParent(c *call) (any, *apiError) {
	number, size, aerr := pageParams(c.params)
	if aerr != nil {
		return nil, aerr
	}
	d := e.cfg.directory
	parent, _ := lookup(c.params, "ParentFolderId")
	switch {
	case parent == "":
		parent = d.RootFolderID // documented: the root folder's children
	case !rootFolderIDPattern.MatchString(parent) && !folderIDPattern.MatchString(parent):
		return nil, fail(codeInvalidParentFolderID)
	case !d.isFolder(parent):
		return nil, fail(codeFolderNotFound)
	}
	keyword, _ := lookup(c.params, "QueryKeyword")
	var rows []wireFolder
	for _, f := range d.Folders {
		if f.ParentID == parent && keywordMatch(keyword, f.Name) {
			rows = append(rows, wireFolder{FolderID: f.ID, FolderName: f.Name, CreateTime: isoTime(e.times.started)})
		}
	}
	out := listFoldersResponse{RequestID: c.requestID, TotalCount: len(rows), PageNumber: number, PageSize: size}
	out.Folders.Folder = page(rows, number, size)
	return out, nil
}

func (e *Emulator) listAncestors(c *call) (any, *apiError) {
	child, _ := lookup(c.params, "ChildId")
	d := e.cfg.directory
	switch {
	case child == "":
		return nil, fail(codeMissingChildID)
	case !rootFolderIDPattern.MatchString(child) && !folderIDPattern.MatchString(child):
		return nil, fail(codeInvalidChildID)
	case !d.isFolder(child):
		return nil, fail(codeFolderNotFound)
	}
	ids, _ := d.ancestors(child)
	out := listAncestorsResponse{RequestID: c.requestID}
	out.Folders.Folder = []wireFolder{}
	for _, id := range ids {
		name := "root"
		if i := d.folder(id); i >= 0 {
			name = d.Folders[i].Name
		}
		out.Folders.Folder = append(out.Folders.Folder, wireFolder{FolderID: id, FolderName: name, CreateTime: isoTime(e.times.started)})
	}
	return out, nil
}

// ErrNotInDirectory is returned by MoveAccount and RemoveAccount for an
// account that is not a member, and by AddAccount and MoveAccount for a
// folder that does not exist.
var ErrNotInDirectory = errors.New("emulator: not in the resource directory")

// ErrAccountExists is returned by AddAccount for an ID already in the
// directory.
var ErrAccountExists = errors.New("emulator: the account is already a member")

// AddAccount adds a member account to the folder folderID (the root folder
// or a folder), as if it had been created in or invited to the directory.
// Contacts bound to the directory or to a folder above it apply to it at
// once, as the API documents. The tree is not kept in the state file.
func (e *Emulator) AddAccount(a Account) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.cfg.directory
	if !accountIDPattern.MatchString(a.ID) {
		return fmt.Errorf("account id %q must be 16 digits", a.ID)
	}
	if d.contains(a.ID) {
		return fmt.Errorf("%w: %s", ErrAccountExists, a.ID)
	}
	if !d.isFolder(a.FolderID) {
		return fmt.Errorf("%w: folder %q%s", ErrNotInDirectory, a.FolderID, d.rootHint(a.FolderID))
	}
	e.cfg.directory.Accounts = append(slices.Clone(d.Accounts), a)
	now := e.now()
	e.times.joined[a.ID] = now
	e.times.modified[a.ID] = now
	return nil
}

// MoveAccount moves a member account to the folder folderID (the root
// folder or a folder). It then gets the contacts of its new folders, no
// longer those of its old ones (directly bound contacts stay).
func (e *Emulator) MoveAccount(accountID, folderID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.cfg.directory
	i := d.account(accountID)
	if i < 0 {
		return fmt.Errorf("%w: account %q", ErrNotInDirectory, accountID)
	}
	if !d.isFolder(folderID) {
		return fmt.Errorf("%w: folder %q%s", ErrNotInDirectory, folderID, d.rootHint(folderID))
	}
	accounts := slices.Clone(d.Accounts)
	accounts[i].FolderID = folderID
	e.cfg.directory.Accounts = accounts
	e.times.modified[accountID] = e.now()
	return nil
}

// RemoveAccount removes a member account from the directory. As the API
// documents, contacts bound to it directly are not unbound.
func (e *Emulator) RemoveAccount(accountID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.cfg.directory
	i := d.account(accountID)
	if i < 0 {
		return fmt.Errorf("%w: account %q", ErrNotInDirectory, accountID)
	}
	e.cfg.directory.Accounts = slices.Delete(slices.Clone(d.Accounts), i, i+1)
	if d.ManagementAccountID == accountID {
		e.cfg.directory.ManagementAccountID = ""
	}
	delete(e.times.joined, accountID)
	delete(e.times.modified, accountID)
	return nil
}
