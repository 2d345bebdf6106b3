package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Directory is the resource directory that contacts can be bound to: the
// directory itself, its root folder, folders and member accounts. Its JSON
// form is the format LoadDirectory reads.
//
// The directory has two root IDs, as in the API: RootID is the directory's
// own ID (rd-…), what a contact is bound to for the whole directory;
// RootFolderID is its root folder's ID (r-…), what GetResourceDirectory
// returns as RootFolderId and the parent of every top-level folder and
// account.
type Directory struct {
	// RootID is the resource directory's ID (rd-…).
	RootID string `json:"directory_id"`
	// RootFolderID is the ID of the root folder (r-…).
	RootFolderID string `json:"root_folder_id"`
	// ManagementAccountID is the management account (MasterAccountId of
	// GetResourceDirectory), one of Accounts; "" means none is listed.
	ManagementAccountID string    `json:"management_account_id,omitempty"`
	Folders             []Folder  `json:"folders"`
	Accounts            []Account `json:"accounts"`
}

// Folder is a folder of the resource directory. ParentID is the root
// folder or another folder.
type Folder struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id"`
}

// Account is a member account. ID is 16 digits; FolderID is the root folder
// or a folder.
type Account struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	FolderID string `json:"folder_id"`
}

var (
	rootIDPattern       = regexp.MustCompile(`^rd-[A-Za-z0-9]{1,32}$`)
	rootFolderIDPattern = regexp.MustCompile(`^r-[A-Za-z0-9]{1,32}$`)
	folderIDPattern     = regexp.MustCompile(`^fd-[A-Za-z0-9]{1,32}$`)
	accountIDPattern    = regexp.MustCompile(`^[0-9]{16}$`)
)

// DefaultDirectory returns the fixed tree the emulator uses unless
// WithDirectory is given:
//
//	rd-k3Ux9d                          (the directory)
//	└── r-k3Ux9d  root folder
//	    ├── 1500000000000001  Management (the management account)
//	    ├── fd-Prod4Nz7Qa  Production
//	    │   ├── 1500000000000002  prod-app
//	    │   └── fd-ProdDb8Kc  Databases
//	    │       └── 1500000000000003  prod-db
//	    ├── fd-Dev2Lm5Wx  Development
//	    │   └── 1500000000000004  dev-sandbox
//	    └── fd-Sec6Tr1Hy  Security
//	        └── 1500000000000005  security-audit
func DefaultDirectory() Directory {
	const rootFolder = "r-k3Ux9d"
	return Directory{
		RootID:              "rd-k3Ux9d",
		RootFolderID:        rootFolder,
		ManagementAccountID: "1500000000000001",
		Folders: []Folder{
			{ID: "fd-Prod4Nz7Qa", Name: "Production", ParentID: rootFolder},
			{ID: "fd-ProdDb8Kc", Name: "Databases", ParentID: "fd-Prod4Nz7Qa"},
			{ID: "fd-Dev2Lm5Wx", Name: "Development", ParentID: rootFolder},
			{ID: "fd-Sec6Tr1Hy", Name: "Security", ParentID: rootFolder},
		},
		Accounts: []Account{
			{ID: "1500000000000001", Name: "Management", FolderID: rootFolder},
			{ID: "1500000000000002", Name: "prod-app", FolderID: "fd-Prod4Nz7Qa"},
			{ID: "1500000000000003", Name: "prod-db", FolderID: "fd-ProdDb8Kc"},
			{ID: "1500000000000004", Name: "dev-sandbox", FolderID: "fd-Dev2Lm5Wx"},
			{ID: "1500000000000005", Name: "security-audit", FolderID: "fd-Sec6Tr1Hy"},
		},
	}
}

// LoadDirectory reads a Directory from a JSON file and validates it.
func LoadDirectory(path string) (Directory, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Directory{}, fmt.Errorf("reading directory file: %w", err)
	}
	var d Directory
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		if strings.Contains(err.Error(), `"root_id"`) {
			return Directory{}, fmt.Errorf("decoding directory file %s: root_id is replaced by directory_id (the "+
				"directory's rd-… ID) and root_folder_id (its root folder's r-… ID, the parent of top-level folders "+
				"and accounts): %w", path, err)
		}
		return Directory{}, fmt.Errorf("decoding directory file %s: %w", path, err)
	}
	if err := d.Validate(); err != nil {
		return Directory{}, fmt.Errorf("directory file %s: %w", path, err)
	}
	return d, nil
}

// Validate checks ID formats, uniqueness, that every parent exists and that
// folders form a tree.
func (d Directory) Validate() error {
	var errs []error
	if !rootIDPattern.MatchString(d.RootID) {
		errs = append(errs, fmt.Errorf("directory_id %q must look like rd-xxxx", d.RootID))
	}
	if !rootFolderIDPattern.MatchString(d.RootFolderID) {
		errs = append(errs, fmt.Errorf("root_folder_id %q must look like r-xxxx", d.RootFolderID))
	}
	seen := map[string]bool{d.RootID: true, d.RootFolderID: true}
	for _, f := range d.Folders {
		if !folderIDPattern.MatchString(f.ID) {
			errs = append(errs, fmt.Errorf("folder id %q must look like fd-xxxx", f.ID))
		}
		if seen[f.ID] {
			errs = append(errs, fmt.Errorf("duplicate id %q", f.ID))
		}
		seen[f.ID] = true
	}
	for _, f := range d.Folders {
		if f.ParentID != d.RootFolderID && (!d.hasFolder(f.ParentID) || f.ParentID == f.ID) {
			errs = append(errs, fmt.Errorf("folder %q: unknown parent_id %q%s", f.ID, f.ParentID, d.rootHint(f.ParentID)))
		}
	}
	if len(errs) == 0 {
		for _, f := range d.Folders {
			if _, err := d.ancestors(f.ID); err != nil {
				errs = append(errs, err)
				break
			}
		}
	}
	for _, a := range d.Accounts {
		if !accountIDPattern.MatchString(a.ID) {
			errs = append(errs, fmt.Errorf("account id %q must be 16 digits", a.ID))
		}
		if seen[a.ID] {
			errs = append(errs, fmt.Errorf("duplicate id %q", a.ID))
		}
		seen[a.ID] = true
		if a.FolderID != d.RootFolderID && !d.hasFolder(a.FolderID) {
			errs = append(errs, fmt.Errorf("account %q: unknown folder_id %q%s", a.ID, a.FolderID, d.rootHint(a.FolderID)))
		}
	}
	if d.ManagementAccountID != "" && d.account(d.ManagementAccountID) < 0 {
		errs = append(errs, fmt.Errorf("management_account_id %q is not one of the accounts", d.ManagementAccountID))
	}
	return errors.Join(errs...)
}

// rootHint explains a parent given as the directory's ID.
func (d Directory) rootHint(id string) string {
	if id != "" && id == d.RootID {
		return fmt.Sprintf(" (that is the directory's ID; the root folder is root_folder_id %q)", d.RootFolderID)
	}
	return ""
}

func (d Directory) hasFolder(id string) bool { return d.folder(id) >= 0 }

func (d Directory) folder(id string) int {
	return slices.IndexFunc(d.Folders, func(f Folder) bool { return f.ID == id })
}

func (d Directory) account(id string) int {
	return slices.IndexFunc(d.Accounts, func(a Account) bool { return a.ID == id })
}

// isFolder reports whether id is the root folder or a folder.
func (d Directory) isFolder(id string) bool { return id == d.RootFolderID || d.hasFolder(id) }

// contains reports whether id names something a contact can be bound to:
// the directory, a folder or an account. The root folder is not one (the
// directory's ID stands for the whole tree).
func (d Directory) contains(id string) bool {
	return id == d.RootID || d.hasFolder(id) || d.account(id) >= 0
}

// ancestors returns the folders above the folder id, top-down, starting
// with the root folder; the root folder has none.
func (d Directory) ancestors(id string) ([]string, error) {
	var chain []string
	for cur := id; cur != d.RootFolderID; {
		i := d.folder(cur)
		if i < 0 {
			return nil, fmt.Errorf("folder %q: unknown parent %q", id, cur)
		}
		cur = d.Folders[i].ParentID
		if slices.Contains(chain, cur) || cur == id {
			return nil, fmt.Errorf("folder %q: its parents form a cycle", id)
		}
		chain = append(chain, cur)
	}
	slices.Reverse(chain)
	return chain, nil
}

// path is the ResourceDirectoryPath of a folder or account in folderID:
// the directory, the root folder, the folders down to folderID, then leaf
// (the account ID, or "" for a folder's own path).
func (d Directory) path(folderID, leaf string) string {
	parts := []string{d.RootID}
	up, _ := d.ancestors(folderID)
	parts = append(parts, up...)
	parts = append(parts, folderID)
	if leaf != "" {
		parts = append(parts, leaf)
	}
	return strings.Join(parts, "/")
}

// wellFormedMemberID reports whether id has the shape of a directory,
// folder or account ID, whether or not it exists.
func wellFormedMemberID(id string) bool {
	return rootIDPattern.MatchString(id) || folderIDPattern.MatchString(id) || accountIDPattern.MatchString(id)
}

func (d Directory) clone() Directory {
	out := d
	out.Folders = slices.Clone(d.Folders)
	out.Accounts = slices.Clone(d.Accounts)
	return out
}

// GeneratedDirectory returns a tree of folders folders and accounts
// member accounts, for tests and benchmarks of large directories: the
// default directory's IDs, then folders "Unit N" (every fifth top-level,
// the others under the top-level folder before them), and accounts
// 17000000000NNNNN spread over the folders in turn.
func GeneratedDirectory(folders, accounts int) Directory {
	d := DefaultDirectory()
	d.Folders, d.Accounts = d.Folders[:0:0], []Account{{ID: d.ManagementAccountID, Name: "Management", FolderID: d.RootFolderID}}
	parent := d.RootFolderID
	for i := range folders {
		id := fmt.Sprintf("fd-Gen%07d", i)
		p := parent
		if i%5 == 0 {
			p, parent = d.RootFolderID, id
		}
		d.Folders = append(d.Folders, Folder{ID: id, Name: fmt.Sprintf("Unit %d", i), ParentID: p})
	}
	for i := range accounts - 1 {
		folder := d.RootFolderID
		if folders > 0 {
			folder = d.Folders[i%folders].ID
		}
		d.Accounts = append(d.Accounts, Account{ID: fmt.Sprintf("17%014d", i), Name: fmt.Sprintf("account-%d", i), FolderID: folder})
	}
	return d
}
