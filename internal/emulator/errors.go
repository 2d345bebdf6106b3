package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// code is an API error code. It knows its HTTP status and default message.
type code string

// Codes documented for the message contact operations (the API reference; see the fidelity contract, doc.go).
const (
	codeMissingContactID        code = "MissingParameter.ContactId"
	codeInvalidContactID        code = "InvalidParameter.ContactId"
	codeContactNotFound         code = "EntityNotExists.Contact"
	codeVerificationNotFound    code = "EntityNotExists.Contact.Verification"
	codeMemberNotFound          code = "EntityNotExists.Member"
	codeInvalidMemberFilter     code = "InvalidParameter.Member"
	codeMissingName             code = "MissingParameter.Name"
	codeInvalidName             code = "InvalidParameter.Name"
	codeInvalidNameLength       code = "InvalidParameter.Name.Length"
	codeNameAlreadyUsed         code = "InvalidParameter.Name.AlreadyUsed"
	codeMissingEmail            code = "MissingParameter.EmailAddress"
	codeInvalidEmail            code = "InvalidParameter.EmailAddress"
	codeMissingPhone            code = "MissingParameter.PhoneNumber"
	codeInvalidPhone            code = "InvalidParameter.PhoneNumber"
	codeInvalidCountryCode      code = "InvalidParameter.MobileCountryCode"
	codeMissingTitle            code = "MissingParameter.Title"
	codeInvalidTitle            code = "InvalidParameter.Title"
	codeMissingMessageTypes     code = "MissingParameter.MessageTypes"
	codeInvalidMessageTypes     code = "InvalidParameter.MessageTypes"
	codeMissingMembers          code = "MissingParameter.Members"
	codeInvalidMembers          code = "InvalidParameter.Members"
	codeMembersDuplicate        code = "InvalidParameter.Members.Duplicate"
	codeMembersLength           code = "InvalidParameter.Members.Length"
	codeInvalidMember           code = "InvalidMember"
	codeContactMembersLimit     code = "LimitExceeded.ContactMembers"
	codeStatusMismatch          code = "ContactStatusMismatchAction"
	codeConcurrentCall          code = "ConcurrentCallNotSupported"
	codeSendLimit               code = "SendValidateCodeExceedsLimitForAccount"
	codeInvalidPageNumber       code = "InvalidParameter.PageNumber"
	codeInvalidPageSize         code = "InvalidParameter.PageSize"
	codeInvalidRetain           code = "InvalidParameter.RetainContactInMembers"
	codeInvalidParameter        code = "InvalidParameter"
	codeMissingAction           code = "MissingParameter.Action"
	codeMissingVersion          code = "MissingParameter.Version"
	codeInvalidAction           code = "InvalidAction.NotFound"
	codeInvalidVersion          code = "InvalidVersion"
	codeAccessKeyNotFound       code = "InvalidAccessKeyId.NotFound"
	codeSignatureMismatch       code = "SignatureDoesNotMatch"
	codeIncompleteSignature     code = "IncompleteSignature"
	codeInvalidSignatureMethod  code = "InvalidSignatureMethod"
	codeInvalidSignatureVersion code = "InvalidSignatureVersion"
	codeTimestampFormat         code = "InvalidTimeStamp.Format"
	codeTimestampExpired        code = "InvalidTimeStamp.Expired"
	codeNonceUsed               code = "SignatureNonceUsed"
	codeMissingSecurityToken    code = "MissingSecurityToken"
	codeSecurityTokenMismatch   code = "InvalidSecurityToken.MismatchWithAccessKey"
	codeSecurityTokenMalformed  code = "InvalidSecurityToken.Malformed"
	codeUnsupportedHTTPMethod   code = "UnsupportedHTTPMethod"
	codeThrottlingUser          code = "Throttling.User"
	codeServiceUnavailable      code = "ServiceUnavailable"
	codeInternalError           code = "InternalError"
	codeUnsupportedContentType  code = "InvalidParameter.ContentType"
	codeRequestEntityTooLarge   code = "RequestEntityTooLarge"
	codeInvalidFormBody         code = "InvalidParameter.Body"
	codeMissingChildID          code = "MissingParameter.ChildId"
	codeInvalidChildID          code = "InvalidParameter.ChildId"
	codeInvalidParentFolderID   code = "InvalidParameter.ParentFolderId"
	codeFolderNotFound          code = "EntityNotExists.Folder"
	codeNoPermission            code = "NoPermission"
	codeForbiddenRAM            code = "Forbidden.RAM"
	codeMemberAccountDenied     code = "NoPermission.ResourceDirectory.MemberAccount"
)

// messages holds the documented message of each code, from the API reference.
var messages = map[code]string{
	codeMissingContactID:        "You must specify ContactId.",
	codeInvalidContactID:        "The ContactId is invalid.",
	codeContactNotFound:         "This Contact does not exist.",
	codeVerificationNotFound:    "This contact verification does not exist.",
	codeMemberNotFound:          "This Member does not exist.",
	codeInvalidMemberFilter:     "The Member is invalid.",
	codeMissingName:             "You must specify Name.",
	codeInvalidName:             "The Name is invalid.",
	codeInvalidNameLength:       "The Name exceeds the length limit.",
	codeNameAlreadyUsed:         "The Name already exists. Please change to another name.",
	codeMissingEmail:            "You must specify EmailAddress.",
	codeInvalidEmail:            "The EmailAddress is invalid.",
	codeMissingPhone:            "You must specify PhoneNumber.",
	codeInvalidPhone:            "The PhoneNumber is invalid.",
	codeInvalidCountryCode:      "The current site does not support the country code.",
	codeMissingTitle:            "You must specify Title.",
	codeInvalidTitle:            "The Title is invalid.",
	codeMissingMessageTypes:     "You must specify MessageTypes.",
	codeInvalidMessageTypes:     "The MessageTypes is invalid.",
	codeMissingMembers:          "You must specify Members.",
	codeInvalidMembers:          "The Members is invalid.",
	codeMembersDuplicate:        "The Members contains duplicate values.",
	codeMembersLength:           "The maximum number of Members exceeds the limit.",
	codeInvalidMember:           "The member does not exist in the resource directory.",
	codeContactMembersLimit:     "The maximum number of contact members exceeds the limit.",
	codeStatusMismatch:          "The status of the contact does not allow the specified operation.",
	codeConcurrentCall:          "The operation conflicts with other operations. Please try again later.",
	codeSendLimit:               "For the same account, the number of verification codes sent exceeds the limit.",
	codeInvalidPageNumber:       "The PageNumber is invalid.",
	codeInvalidPageSize:         "The PageSize is invalid.",
	codeInvalidRetain:           "The RetainContactInMembers is invalid.",
	codeInvalidParameter:        "The specified parameter is invalid.",
	codeMissingAction:           "You must specify Action.",
	codeMissingVersion:          "You must specify Version.",
	codeInvalidAction:           "Specified api is not found, please check your url and method.",
	codeInvalidVersion:          "Specified parameter Version is not valid.",
	codeAccessKeyNotFound:       "Specified access key is not found.",
	codeSignatureMismatch:       "The request signature does not conform to Aliyun standards.",
	codeIncompleteSignature:     "The request signature does not conform to Aliyun standards.",
	codeInvalidSignatureMethod:  "Specified signature method is not valid.",
	codeInvalidSignatureVersion: "Specified signature version is not valid.",
	codeTimestampFormat:         "Specified time stamp or date value is not well formatted.",
	codeTimestampExpired:        "Specified time stamp or date value is expired.",
	codeNonceUsed:               "Specified signature nonce was used already.",
	codeMissingSecurityToken:    "SecurityToken is mandatory for this action.",
	codeSecurityTokenMismatch:   "The provided SecurityToken does not match the AccessKeyId.",
	codeSecurityTokenMalformed:  "The provided SecurityToken is malformed.",
	codeUnsupportedHTTPMethod:   "This http method is not supported.",
	codeThrottlingUser:          "Request was denied due to user flow control.",
	codeServiceUnavailable:      "The request has failed due to a temporary failure of the server.",
	codeInternalError:           "The request processing has failed due to some unknown error, exception or failure.",
	codeUnsupportedContentType:  "The Content-Type of the request body is not supported.",
	codeRequestEntityTooLarge:   "The request body is too large.",
	codeInvalidFormBody:         "The request body is not a valid form.",
	codeMissingChildID:          "You must specify ChildId.",
	codeInvalidChildID:          "The ChildId is invalid.",
	codeInvalidParentFolderID:   "The ParentFolderId is invalid.",
	codeFolderNotFound:          "The resource directory folder does not exist.",
	codeNoPermission:            "You are not authorized to perform this operation.",
	codeForbiddenRAM:            "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
	codeMemberAccountDenied:     "ResourceDirectory Member Account is not authorized to perform this operation.",
}

// status maps a code to its HTTP status, from the API reference.
func (c code) status() int {
	s := string(c)
	switch {
	case c == codeConcurrentCall:
		return http.StatusTooManyRequests
	case c == codeSendLimit, c == codeMemberAccountDenied:
		return http.StatusConflict
	case c == codeInternalError:
		return http.StatusInternalServerError
	case c == codeServiceUnavailable:
		return http.StatusServiceUnavailable
	case c == codeRequestEntityTooLarge:
		return http.StatusRequestEntityTooLarge
	case strings.HasPrefix(s, "EntityNotExists."), c == codeAccessKeyNotFound, c == codeInvalidAction:
		return http.StatusNotFound
	case strings.HasPrefix(s, "Forbidden"), c == codeNoPermission:
		return http.StatusForbidden
	default:
		return http.StatusBadRequest
	}
}

// message returns the documented message, or a generic one for codes the
// table does not know (FailNext accepts any code).
func (c code) message() string {
	if m, ok := messages[c]; ok {
		return m
	}
	return fmt.Sprintf("The request failed with error code %s.", string(c))
}

// apiError is an error reply before it is rendered.
type apiError struct {
	code   code
	detail string // appended to the documented message when non-empty
}

func (e *apiError) Error() string {
	return string(e.code) + ": " + e.text()
}

func (e *apiError) text() string {
	if e.detail == "" {
		return e.code.message()
	}
	return e.code.message() + " " + e.detail
}

func fail(c code) *apiError { return &apiError{code: c} }

func failf(c code, format string, args ...any) *apiError {
	return &apiError{code: c, detail: fmt.Sprintf(format, args...)}
}

// errorEnvelope is Alibaba Cloud's common error body (Protocol in the fidelity contract, doc.go).
type errorEnvelope struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
	// AccessDeniedDetail is set on RAM denials (NoPermission).
	AccessDeniedDetail *wireAccessDeniedDetail `json:"AccessDeniedDetail,omitempty"`
}

func recommendURL(c code, requestID string) string {
	return "https://api.aliyun.com/troubleshoot?q=" + string(c) + "&product=ResourceDirectoryMaster&requestId=" + requestID
}
