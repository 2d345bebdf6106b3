package rdapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error codes the provider branches on: this list is the provider's whole
// vocabulary of API error codes. The API reference lists them per
// operation, for example
// https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcedirectorymaster-2022-04-19-getmessagecontact
// Match them with the predicates below (IsNotFound, IsThrottled,
// IsInvalidMember, IsMembersLimit, ContactParameter) or IsCode.
const (
	// CodeContactNotFound: the addressed contact does not exist (HTTP 404).
	CodeContactNotFound = "EntityNotExists.Contact"
	// CodeVerificationNotFound: the email address or phone number given to
	// a Send*Verification call is not pending verification for the contact
	// (HTTP 404). It does not mean the contact is gone.
	CodeVerificationNotFound = "EntityNotExists.Contact.Verification"
	// CodeSendLimit: the account's daily verification-send limit is reached
	// (HTTP 409).
	CodeSendLimit = "SendValidateCodeExceedsLimitForAccount"
	// CodeNameAlreadyUsed: another contact in the resource directory has the
	// name (HTTP 400).
	CodeNameAlreadyUsed = "InvalidParameter.Name.AlreadyUsed"
	// CodeConcurrentCall: another mutation of the account is in progress
	// (HTTP 429). The client retries it.
	CodeConcurrentCall = "ConcurrentCallNotSupported"
	// CodeStatusMismatch: the contact's status does not allow the operation,
	// for example cancelling an update when nothing is pending (HTTP 400).
	CodeStatusMismatch = "ContactStatusMismatchAction"
	// CodeMemberNotFound: the Member filter of ListMessageContacts names an
	// object that does not exist (HTTP 404).
	CodeMemberNotFound = "EntityNotExists.Member"
	// CodeInvalidMember: a member given to AssociateMembers or
	// DisassociateMembers is not part of the resource directory (HTTP 400).
	CodeInvalidMember = "InvalidMember"
	// CodeInvalidMembersParameter: the Members parameter of
	// AssociateMembers or DisassociateMembers is malformed (HTTP 400).
	CodeInvalidMembersParameter = "InvalidParameter.Members"
	// CodeInvalidMemberParameter: the Member filter of ListMessageContacts
	// is malformed (HTTP 400).
	CodeInvalidMemberParameter = "InvalidParameter.Member"
	// CodeInvalidContactID: the ContactId parameter is malformed (HTTP 400).
	CodeInvalidContactID = "InvalidParameter.ContactId"
	// CodeMissingContactID: an operation that needs ContactId got none
	// (HTTP 400).
	CodeMissingContactID = "MissingParameter.ContactId"
	// CodeInvalidPageSize: a list operation refuses the PageSize (HTTP 400);
	// the largest accepted size is undocumented.
	CodeInvalidPageSize = "InvalidParameter.PageSize"
	// CodeMembersLimitExceeded: the contact is bound to the maximum number
	// of objects (HTTP 400).
	CodeMembersLimitExceeded = "LimitExceeded.ContactMembers"
	// CodeMembersQuotaExceeded: the account's quota of bindings is reached
	// (HTTP 400).
	CodeMembersQuotaExceeded = "QuotaExceeded.Members"
	// CodeServiceUnavailable: a transient server failure (HTTP 503). The
	// client retries it.
	CodeServiceUnavailable = "ServiceUnavailable"
	// CodeThrottlingPrefix starts every flow-control code (Throttling,
	// Throttling.User, Throttling.Api). The client retries them whatever
	// their HTTP status.
	CodeThrottlingPrefix = "Throttling"
)

// maxErrorBody bounds how much of an error reply is read, both when
// classifying a reply for retry and when decoding it.
const maxErrorBody = 64 << 10

// APIError is a non-2xx reply of the API. Code, Message, RequestID, HostID
// and Recommend come from the error envelope documented in
// https://www.alibabacloud.com/help/en/openapi/user-guide/api-error-diagnosis
// ({"RequestId":…,"HostId":…,"Code":…,"Message":…,"Recommend":…}). When the
// reply is not an envelope (a proxy's HTML page, a truncated body), Code is
// empty and Message describes what arrived.
type APIError struct {
	// Action is the API operation, e.g. "GetMessageContact".
	Action     string
	StatusCode int
	// Code is the API error code, e.g. "EntityNotExists.Contact".
	Code    string
	Message string
	// RequestID identifies the request for Alibaba Cloud support.
	RequestID string
	// HostID is the endpoint host that answered.
	HostID string
	// Recommend is a diagnosis URL on api.aliyun.com or api.alibabacloud.com.
	Recommend string
	// AuthAction is the RAM action a denial names (AccessDeniedDetail), or
	// "".
	AuthAction string
	// Hint is the client's own explanation (for example which credentials
	// a rejected signature came from, or which RAM action was refused), or
	// "".
	Hint string
}

// Error returns, for example,
// "AddMessageContact: InvalidParameter.Name: The Name is invalid. (HTTP 400, RequestId 2DFC…)".
// A credential error the client explained (Hint) leaves the API's message
// out: for a rejected signature it quotes the server's string-to-sign, noise
// to the reader, which the client's debug log keeps (LogEvent.Message).
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Action)
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code)
	} else {
		fmt.Fprintf(&b, "HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if _, credential := credentialCodes[e.Code]; e.Message != "" && (!credential || e.Hint == "") {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	fmt.Fprintf(&b, " (HTTP %d", e.StatusCode)
	if e.RequestID != "" {
		b.WriteString(", RequestId ")
		b.WriteString(e.RequestID)
	}
	b.WriteString(")")
	if e.Hint != "" {
		b.WriteString(". ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// IsNotFound reports whether err says that the addressed contact (or the
// member used as a filter) does not exist: any EntityNotExists.* code except
// EntityNotExists.Contact.Verification, which only means that a target is
// not pending verification (match it with IsCode and
// CodeVerificationNotFound).
//
// A bare HTTP 404 is deliberately not enough: the gateway also answers 404
// for InvalidAccessKeyId.NotFound and InvalidApi.NotFound, and a proxy may
// answer 404 for a wrong endpoint. Treating those as "gone" would make
// Terraform drop every resource from its state.
func IsNotFound(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && strings.HasPrefix(e.Code, "EntityNotExists.") && e.Code != CodeVerificationNotFound
}

// IsCode reports whether err is an *APIError whose Code is one of codes.
func IsCode(err error, codes ...string) bool {
	e, ok := errors.AsType[*APIError](err)
	if !ok {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// IsThrottled reports whether err is a flow-control or contention reply
// (see throttledReply). The client already retried such errors until
// Options.MaxRetries or the context deadline ran out.
func IsThrottled(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && throttledReply(e.StatusCode, e.Code)
}

// throttledReply is the one definition of "the API throttled the call":
// HTTP 429 (ConcurrentCallNotSupported: another mutation holds the
// account), a Throttling* code (documented as HTTP 400, but any status),
// ConcurrentCallNotSupported or ServiceUnavailable whatever their status.
// The client retries such replies; LogEvent.Throttled and IsThrottled report
// them.
func throttledReply(status int, code string) bool {
	return status == http.StatusTooManyRequests ||
		strings.HasPrefix(code, CodeThrottlingPrefix) ||
		code == CodeConcurrentCall ||
		code == CodeServiceUnavailable
}

// IsInvalidMember reports whether err says that a member ID (the Members of
// AssociateMembers/DisassociateMembers or the Member filter of
// ListMessageContacts) is malformed or not part of the resource directory.
func IsInvalidMember(err error) bool {
	return IsCode(err, CodeInvalidMember, CodeMemberNotFound, CodeInvalidMembersParameter, CodeInvalidMemberParameter)
}

// IsMembersLimit reports whether err says that the contact, or the account,
// cannot have more bindings.
func IsMembersLimit(err error) bool {
	return IsCode(err, CodeMembersLimitExceeded, CodeMembersQuotaExceeded)
}

// Contact parameters, as ContactParameter names them.
const (
	ParamName         = "Name"
	ParamEmailAddress = "EmailAddress"
	ParamPhoneNumber  = "PhoneNumber"
	ParamTitle        = "Title"
	ParamMessageTypes = "MessageTypes"
	ParamContactID    = "ContactId"
)

// ContactParameter reports which parameter of a contact operation
// (ParamName, ParamEmailAddress, ..., ParamContactID) an API error code
// concerns, for codes such as InvalidParameter.EmailAddress,
// MissingParameter.Name, InvalidParameter.Name.Length,
// InvalidParameter.MobileCountryCode or InvalidParameter.ContactId.
func ContactParameter(code string) (string, bool) {
	switch {
	case strings.HasSuffix(code, ".ContactId"):
		return ParamContactID, true
	case code == "MissingParameter.Name" || code == "InvalidParameter.Name" || strings.HasPrefix(code, "InvalidParameter.Name."):
		return ParamName, true
	case strings.HasSuffix(code, ".EmailAddress"):
		return ParamEmailAddress, true
	case strings.HasSuffix(code, ".PhoneNumber") || code == "InvalidParameter.MobileCountryCode":
		return ParamPhoneNumber, true
	case strings.HasSuffix(code, ".Title"):
		return ParamTitle, true
	case strings.HasSuffix(code, ".MessageTypes") || strings.Contains(code, ".MessageTypes."):
		return ParamMessageTypes, true
	}
	return "", false
}

// envelope is the JSON (or XML, when the reply is text/xml) error body.
type envelope struct {
	XMLName   xml.Name `json:"-" xml:"Error"`
	RequestID string   `json:"RequestId" xml:"RequestId"`
	HostID    string   `json:"HostId" xml:"HostId"`
	Code      string   `json:"Code" xml:"Code"`
	Message   string   `json:"Message" xml:"Message"`
	Recommend string   `json:"Recommend" xml:"Recommend"`
	// AccessDeniedDetail comes with a RAM denial (NoPermission) on newer
	// gateways; AuthAction names the refused RAM action.
	AccessDeniedDetail *struct {
		AuthAction string `json:"AuthAction" xml:"AuthAction"`
	} `json:"AccessDeniedDetail" xml:"AccessDeniedDetail"`
}

// parseError builds the *APIError for a non-2xx reply from its (bounded)
// body. It never fails: a body that is not an envelope becomes the Message.
func parseError(action string, status int, header http.Header, body []byte, truncated bool) *APIError {
	e := &APIError{Action: action, StatusCode: status}
	var env envelope
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		e.Message = "empty reply body"
	case json.Unmarshal(trimmed, &env) == nil && env.Code != "",
		trimmed[0] == '<' && xml.Unmarshal(trimmed, &env) == nil && env.Code != "":
		e.Code, e.Message, e.RequestID, e.HostID, e.Recommend = env.Code, env.Message, env.RequestID, env.HostID, env.Recommend
		if env.AccessDeniedDetail != nil {
			e.AuthAction = env.AccessDeniedDetail.AuthAction
		}
	default:
		kind := "unexpected reply"
		if ct := header.Get("Content-Type"); ct != "" {
			kind += " of type " + ct
		}
		if truncated {
			kind += " (truncated)"
		}
		e.Message = kind + ": " + snippet(trimmed, 200)
	}
	if e.RequestID == "" {
		e.RequestID = header.Get("x-acs-request-id")
	}
	return e.sanitized()
}

// readBounded reads at most limit bytes of r and reports whether more
// remained.
func readBounded(r io.Reader, limit int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b[:limit], true, err
	}
	return b, false, err
}

// decodeError consumes resp's body and turns the reply into an *APIError.
func decodeError(action string, resp *http.Response) *APIError {
	body, truncated, err := readBounded(resp.Body, maxErrorBody)
	e := parseError(action, resp.StatusCode, resp.Header, body, truncated)
	if err != nil && e.Code == "" {
		e.Message += fmt.Sprintf(" (reading body: %v)", err)
	}
	return e
}

// snippet renders at most n runes of b as printable text for an error
// message.
func snippet(b []byte, n int) string {
	var sb strings.Builder
	count := 0
	for len(b) > 0 && count < n {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == utf8.RuneError && size == 1:
			sb.WriteRune('\uFFFD')
		case unicode.IsSpace(r):
			sb.WriteByte(' ')
		case unicode.IsPrint(r):
			sb.WriteRune(r)
		default:
			sb.WriteRune('\uFFFD')
		}
		count++
	}
	if len(b) > 0 {
		sb.WriteString("…")
	}
	return sb.String()
}
