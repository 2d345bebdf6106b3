package emulator

// Wire structs, written from the API reference of ResourceDirectoryMaster
// 2022-04-19 (see Data model in the fidelity contract, doc.go). They are deliberately not shared with the
// API client, so a field-name mistake on either side shows up in tests.

// wireContact is the Contact object of GetMessageContact and the Contacts
// entries of ListMessageContacts.
type wireContact struct {
	ContactID      string   `json:"ContactId"`
	Name           string   `json:"Name"`
	EmailAddress   string   `json:"EmailAddress"`
	PhoneNumber    string   `json:"PhoneNumber,omitempty"`
	Title          string   `json:"Title"`
	MessageTypes   []string `json:"MessageTypes"`
	Members        []string `json:"Members"`
	Status         string   `json:"Status"`
	CreateDate     string   `json:"CreateDate"`
	AssociatedDate string   `json:"AssociatedDate,omitempty"`
}

type requestIDOnly struct {
	RequestID string `json:"RequestId"`
}

type addContactResponse struct {
	RequestID string `json:"RequestId"`
	Contact   struct {
		ContactID  string `json:"ContactId"`
		CreateDate string `json:"CreateDate"`
	} `json:"Contact"`
}

type getContactResponse struct {
	RequestID string      `json:"RequestId"`
	Contact   wireContact `json:"Contact"`
}

type listContactsResponse struct {
	RequestID  string        `json:"RequestId"`
	TotalCount int           `json:"TotalCount"`
	PageNumber int           `json:"PageNumber"`
	PageSize   int           `json:"PageSize"`
	Contacts   []wireContact `json:"Contacts"`
}

type deleteContactResponse struct {
	RequestID string `json:"RequestId"`
	Status    string `json:"Status"`
}

type wireFailReason struct {
	AccountID    string   `json:"AccountId"`
	MessageTypes []string `json:"MessageTypes"`
}

type deletionStatusResponse struct {
	RequestID             string `json:"RequestId"`
	ContactDeletionStatus struct {
		ContactID      string           `json:"ContactId"`
		Status         string           `json:"Status"`
		FailReasonList []wireFailReason `json:"FailReasonList"`
	} `json:"ContactDeletionStatus"`
}

type wireMemberBinding struct {
	ContactID  string `json:"ContactId"`
	MemberID   string `json:"MemberId"`
	ModifyDate string `json:"ModifyDate"`
}

type membersResponse struct {
	RequestID string              `json:"RequestId"`
	Members   []wireMemberBinding `json:"Members"`
}

type wireVerification struct {
	ContactID string `json:"ContactId"`
	Target    string `json:"Target"`
}

type verificationsResponse struct {
	RequestID            string             `json:"RequestId"`
	TotalCount           int                `json:"TotalCount"`
	PageNumber           int                `json:"PageNumber"`
	PageSize             int                `json:"PageSize"`
	ContactVerifications []wireVerification `json:"ContactVerifications"`
}

// The tree operations' replies. Their lists are wrapped in an object named
// after the list, holding an array named after the item ({"Accounts":
// {"Account": […]}}), as the API reference's JSON examples and the SDK's
// response structs show.

type wireResourceDirectory struct {
	ResourceDirectoryID  string `json:"ResourceDirectoryId"`
	RootFolderID         string `json:"RootFolderId"`
	MasterAccountID      string `json:"MasterAccountId"`
	MasterAccountName    string `json:"MasterAccountName"`
	CreateTime           string `json:"CreateTime"`
	ControlPolicyStatus  string `json:"ControlPolicyStatus"`
	MemberDeletionStatus string `json:"MemberDeletionStatus"`
}

type getResourceDirectoryResponse struct {
	RequestID         string                `json:"RequestId"`
	ResourceDirectory wireResourceDirectory `json:"ResourceDirectory"`
}

type wireAccount struct {
	AccountID             string `json:"AccountId"`
	AccountName           string `json:"AccountName"`
	DisplayName           string `json:"DisplayName"`
	FolderID              string `json:"FolderId"`
	JoinMethod            string `json:"JoinMethod"`
	JoinTime              string `json:"JoinTime"`
	ModifyTime            string `json:"ModifyTime"`
	ResourceDirectoryID   string `json:"ResourceDirectoryId"`
	ResourceDirectoryPath string `json:"ResourceDirectoryPath"`
	Status                string `json:"Status"`
	Type                  string `json:"Type"`
}

type listAccountsResponse struct {
	RequestID  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
	Accounts   struct {
		Account []wireAccount `json:"Account"`
	} `json:"Accounts"`
}

type wireFolder struct {
	FolderID   string `json:"FolderId"`
	FolderName string `json:"FolderName"`
	CreateTime string `json:"CreateTime"`
}

type listFoldersResponse struct {
	RequestID  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
	Folders    struct {
		Folder []wireFolder `json:"Folder"`
	} `json:"Folders"`
}

type listAncestorsResponse struct {
	RequestID string `json:"RequestId"`
	Folders   struct {
		Folder []wireFolder `json:"Folder"`
	} `json:"Folders"`
}

// wireAccessDeniedDetail is the AccessDeniedDetail object a RAM denial
// carries beside the common error envelope's fields.
type wireAccessDeniedDetail struct {
	AuthAction        string `json:"AuthAction"`
	AuthPrincipalType string `json:"AuthPrincipalType"`
	NoPermissionType  string `json:"NoPermissionType"`
	PolicyType        string `json:"PolicyType"`
}
