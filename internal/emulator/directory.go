package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
)

// Directory is the resource directory that contacts can be bound to: a root,
// folders and member accounts. Its JSON form is the format LoadDirectory
// reads.
type Directory struct {
	RootID   string    `json:"root_id"`
	Folders  []Folder  `json:"folders"`
	Accounts []Account `json:"accounts"`
}

// Folder is a folder of the resource directory. ParentID is the root or
// another folder.
type Folder struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id"`
}

// Account is a member account. ID is 16 digits; FolderID is the root or a
// folder.
type Account struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	FolderID string `json:"folder_id"`
}

var (
	rootIDPattern    = regexp.MustCompile(`^rd-[A-Za-z0-9]{1,32}$`)
	folderIDPattern  = regexp.MustCompile(`^fd-[A-Za-z0-9]{1,32}$`)
	accountIDPattern = regexp.MustCompile(`^[0-9]{16}$`)
)

// DefaultDirectory returns the fixed tree the emulator uses unless
// WithDirectory is given:
//
//	rd-k3Ux9d                          (root)
//	├── 1500000000000001  Management
//	├── fd-Prod4Nz7Qa  Production
//	│   ├── 1500000000000002  prod-app
//	│   └── fd-ProdDb8Kc  Databases
//	│       └── 1500000000000003  prod-db
//	├── fd-Dev2Lm5Wx  Development
//	│   └── 1500000000000004  dev-sandbox
//	└── fd-Sec6Tr1Hy  Security
//	    └── 1500000000000005  security-audit
func DefaultDirectory() Directory {
	const root = "rd-k3Ux9d"
	return Directory{
		RootID: root,
		Folders: []Folder{
			{ID: "fd-Prod4Nz7Qa", Name: "Production", ParentID: root},
			{ID: "fd-ProdDb8Kc", Name: "Databases", ParentID: "fd-Prod4Nz7Qa"},
			{ID: "fd-Dev2Lm5Wx", Name: "Development", ParentID: root},
			{ID: "fd-Sec6Tr1Hy", Name: "Security", ParentID: root},
		},
		Accounts: []Account{
			{ID: "1500000000000001", Name: "Management", FolderID: root},
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
		return Directory{}, fmt.Errorf("decoding directory file %s: %w", path, err)
	}
	if err := d.Validate(); err != nil {
		return Directory{}, fmt.Errorf("directory file %s: %w", path, err)
	}
	return d, nil
}

// Validate checks ID formats, uniqueness and that every parent exists.
func (d Directory) Validate() error {
	if !rootIDPattern.MatchString(d.RootID) {
		return fmt.Errorf("root_id %q must look like rd-xxxx", d.RootID)
	}
	seen := map[string]bool{d.RootID: true}
	var errs []error
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
		if !seen[f.ParentID] || f.ParentID == f.ID {
			errs = append(errs, fmt.Errorf("folder %q: unknown parent_id %q", f.ID, f.ParentID))
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
		if a.FolderID != d.RootID && !d.hasFolder(a.FolderID) {
			errs = append(errs, fmt.Errorf("account %q: unknown folder_id %q", a.ID, a.FolderID))
		}
	}
	return errors.Join(errs...)
}

func (d Directory) hasFolder(id string) bool {
	for _, f := range d.Folders {
		if f.ID == id {
			return true
		}
	}
	return false
}

// contains reports whether id names the root, a folder or an account.
func (d Directory) contains(id string) bool {
	if id == d.RootID || d.hasFolder(id) {
		return true
	}
	for _, a := range d.Accounts {
		if a.ID == id {
			return true
		}
	}
	return false
}

// wellFormedMemberID reports whether id has the shape of a root, folder or
// account ID, whether or not it exists.
func wellFormedMemberID(id string) bool {
	return rootIDPattern.MatchString(id) || folderIDPattern.MatchString(id) || accountIDPattern.MatchString(id)
}

func (d Directory) clone() Directory {
	return Directory{
		RootID:   d.RootID,
		Folders:  append([]Folder(nil), d.Folders...),
		Accounts: append([]Account(nil), d.Accounts...),
	}
}
