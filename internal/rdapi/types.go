package rdapi

// Titles accepted by the API for a contact's Title parameter, in the order
// the API reference lists them.
var Titles = []string{
	"FinanceDirector",
	"TechnicalDirector",
	"MaintenanceDirector",
	"CEO",
	"ProjectDirector",
	"Other",
}

// MessageTypes accepted by the API for a contact's MessageTypes parameter.
var MessageTypes = []string{
	"ServiceMessage",
	"FaultMessage",
	"AccountExpenses",
	"SecurityMessage",
	"ActivityMessage",
	"ProductMessage",
}

// Contact statuses reported by GetMessageContact and ListMessageContacts.
const (
	StatusVerifying = "Verifying"
	StatusActive    = "Active"
	StatusDeleting  = "Deleting"
)

// Statuses reported by DeleteMessageContact and GetMessageContactDeletionStatus.
const (
	DeletionStatusDeleting = "Deleting"
	DeletionStatusDeleted  = "Deleted"
	DeletionStatusFailed   = "Failed"
)

// MessageContact is a contact as returned by GetMessageContact and
// ListMessageContacts.
type MessageContact struct {
	ContactID    string   `json:"ContactId"`
	Name         string   `json:"Name"`
	EmailAddress string   `json:"EmailAddress"`
	PhoneNumber  string   `json:"PhoneNumber"`
	Title        string   `json:"Title"`
	MessageTypes []string `json:"MessageTypes"`
	// Members holds the IDs the contact is bound to directly: the resource
	// directory root (rd-…), folders (fd-…) or 16-digit member account IDs.
	Members []string `json:"Members"`
	Status  string   `json:"Status"`
	// CreateDate is "yyyy-MM-dd HH:mm:ss" with no zone, exactly as sent.
	CreateDate string `json:"CreateDate"`
	// AssociatedDate is set by ListMessageContacts only.
	AssociatedDate string `json:"AssociatedDate,omitempty"`
}

// AddMessageContactInput is the request of AddMessageContact.
type AddMessageContactInput struct {
	Name         string
	EmailAddress string
	PhoneNumber  string // optional; "" is not sent
	Title        string
	MessageTypes []string
}

// AddMessageContactOutput is the reply of AddMessageContact.
type AddMessageContactOutput struct {
	RequestID  string
	ContactID  string
	CreateDate string
	// Recovered reports that the reply of the attempt that created the
	// contact was lost and the contact was found by name instead (see
	// Client.AddMessageContact); RequestID is then empty and Contact holds
	// the contact as listed.
	Recovered bool
	Contact   *MessageContact
}

// UpdateMessageContactInput is the request of UpdateMessageContact. A nil
// pointer or nil slice means "not sent", so callers send only what changed.
type UpdateMessageContactInput struct {
	ContactID    string
	Name         *string
	EmailAddress *string
	PhoneNumber  *string
	Title        *string
	MessageTypes []string
}

// DeleteMessageContactInput is the request of DeleteMessageContact.
type DeleteMessageContactInput struct {
	ContactID string
	// RetainContactInMembers is sent only when non-nil; the API default is true.
	RetainContactInMembers *bool
}

// DeleteMessageContactOutput is the reply of DeleteMessageContact.
type DeleteMessageContactOutput struct {
	RequestID string
	Status    string // DeletionStatusDeleting or DeletionStatusDeleted
}

// ContactDeletionStatus is the reply of GetMessageContactDeletionStatus.
type ContactDeletionStatus struct {
	ContactID   string
	Status      string // DeletionStatusDeleting or DeletionStatusFailed
	FailReasons []DeletionFailReason
}

// DeletionFailReason names a member account whose contact settings could not
// be cleaned up, and the message types concerned.
type DeletionFailReason struct {
	AccountID    string
	MessageTypes []string
}

// CancelMessageContactUpdateInput is the request of CancelMessageContactUpdate.
// Set the pending target(s) to drop; "" is not sent.
type CancelMessageContactUpdateInput struct {
	ContactID    string
	EmailAddress string
	PhoneNumber  string
}

// ListMessageContactsInput filters ListMessageContacts; zero values are not sent.
type ListMessageContactsInput struct {
	ContactID string
	Member    string
	// PageSize is the number of contacts fetched per request: 0 means
	// DefaultPageSize, and values above MaxPageSize are lowered to it.
	PageSize int
	// ahead is how many pages may be fetched ahead of the consumer (see
	// paginate): the snapshot, which reads every page, sets it.
	ahead int
	// replies, when set, is given the contacts of each reply as it came,
	// in page order and before duplicates across pages are dropped: a
	// deletion round reads absence from where a contact would sit in one
	// reply.
	replies func([]MessageContact)
}

// ContactVerification is a target (email address or phone number) still
// awaiting verification, from ListMessageContactVerifications.
type ContactVerification struct {
	ContactID string `json:"ContactId"`
	Target    string `json:"Target"`
}
