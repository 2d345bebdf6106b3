package rdapi

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
)

// Errors that lead somewhere: the API's answer alone does not say which
// credentials were used or whether anything listens at the endpoint; the
// client knows, and says so.

// credentialCodes are the gateway's answers about the access key or the
// signature, with what each most likely means.
var credentialCodes = map[string]string{
	"InvalidAccessKeyId.NotFound": "the API does not know this AccessKey ID: it was deleted, mistyped, or belongs " +
		"to the other site (china or international, see the site argument)",
	"InvalidAccessKeyId.Inactive":                "this AccessKey is disabled; enable it or create a new one in the RAM console",
	"SignatureDoesNotMatch":                      "the AccessKey secret does not belong to this AccessKey ID (a wrong or rotated secret)",
	"IncompleteSignature":                        "the AccessKey secret does not belong to this AccessKey ID (a wrong or rotated secret)",
	"InvalidSecurityToken.Expired":               "the STS security token has expired; refresh the temporary credentials",
	"InvalidSecurityToken.MismatchWithAccessKey": "the STS security token does not belong to this AccessKey ID",
	"InvalidSecurityToken.Malformed":             "the STS security token is malformed",
}

// credentialHint explains a credential error in words: which key pair
// (its access key ID, masked), from which source (Options.CredentialSource),
// and where to fix it. The first error of each code is explained in full;
// the client is shared by every resource of a provider instance, so the
// same rejection met by many resources in one run is explained once and
// the later errors say so in one line.
func (c *Client) credentialHint(code, keyID string) string {
	why, ok := credentialCodes[code]
	if !ok {
		return ""
	}
	source := cmp.Or(c.credentialSource, "the configured credentials")
	pair := "the access key pair"
	if keyID != "" {
		pair += " with access key ID " + MaskKeyID(keyID)
	}
	if _, repeated := c.credentialReported.LoadOrStore(code, true); repeated {
		return fmt.Sprintf("The API rejected %s again (%s): the first error of this kind explains it.", pair, source)
	}
	return fmt.Sprintf("The API rejected %s, taken from %s: %s. Fix the pair where it is set: the access_key and "+
		"secret_key provider arguments, the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and "+
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET (both from the same pair), or the profile in the credentials file. Check "+
		"it with the same source, for example `aliyun sts GetCallerIdentity`, or in the RAM console (AccessKey "+
		"management). The API's own detail is in the debug log (TF_LOG=DEBUG).", pair, source, why)
}

// MaskKeyID shows enough of an access key ID to recognise it: its first
// four and last four characters, or only the first quarter of a short one.
func MaskKeyID(id string) string {
	if len(id) >= 12 {
		return id[:4] + "****" + id[len(id)-4:]
	}
	return id[:len(id)/4] + "****"
}

// signedKeyID is the access key ID a sent request was signed with (the
// Authorization header's Credential), or "".
func signedKeyID(req *http.Request) string {
	if req == nil {
		return ""
	}
	_, rest, ok := strings.Cut(req.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ",")
	return strings.TrimSpace(id)
}

// isConnRefused reports a connection refused by the endpoint host.
func isConnRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// isUnresolvable reports an endpoint host that the resolver says does not
// exist (not a DNS timeout or a temporary failure, which retries may
// outlast).
func isUnresolvable(err error) bool {
	dnsErr, ok := errors.AsType[*net.DNSError](err)
	return ok && dnsErr.IsNotFound
}

// unresolvableError explains a call that ended because the endpoint's host
// name does not resolve: retrying cannot help, so the first attempt is the
// last.
func (c *Client) unresolvableError(action string, err error) error {
	return fmt.Errorf("%s: the endpoint's host %s does not resolve (no such host), so nothing was sent to the API. "+
		"Check the machine's network and DNS, a proxy it must go through (HTTPS_PROXY), and the site or endpoint "+
		"setting: %w", action, c.endpoint.Hostname(), err)
}

// maxRefusedOnLoopback is how many attempts a call makes against a
// loopback endpoint that refuses connections: a local emulator that is not
// running does not start within the retries of a remote outage.
const maxRefusedOnLoopback = 3

// refusedError explains a call that ended because nothing listened.
func (c *Client) refusedError(action string, attempts int, err error) error {
	msg := fmt.Sprintf("%s: nothing is listening at %s (connection refused", action, c.Endpoint())
	if attempts > 1 {
		msg += fmt.Sprintf(", %d attempts", attempts)
	}
	msg += ")"
	if c.loopback {
		msg += "; start the local server (for example `rdemulator`) or fix the endpoint's port"
	}
	return fmt.Errorf("%s; nothing was sent to the API: %w", msg, err)
}

// bareLoopback reports an endpoint given without a scheme whose host is a
// loopback address, which is almost always a local emulator speaking plain
// HTTP: guessing https would fail with a TLS error that hides the cause.
func bareLoopback(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if strings.Contains(s, "://") {
		return "", false
	}
	host := s
	if h, _, err := net.SplitHostPort(strings.TrimSuffix(s, "/")); err == nil {
		host = h
	}
	if !isLoopback(host) {
		return "", false
	}
	return "http://" + strings.TrimSuffix(s, "/"), true
}

// LeastPrivilegeURL is the provider's page of the RAM policies each
// resource, data source, list resource and action needs.
const LeastPrivilegeURL = "https://registry.terraform.io/providers/rdcontact/resourcedirectory/latest/docs/guides/least-privilege"

// Denial codes: the API refused the caller, not the request.
const (
	// CodeNoPermission: the caller's RAM policies do not allow the action
	// (HTTP 403). Newer gateways add an AccessDeniedDetail naming it.
	CodeNoPermission = "NoPermission"
	// CodeForbiddenRAM: the older gateways' RAM denial (HTTP 403).
	CodeForbiddenRAM = "Forbidden.RAM"
	// CodeMemberAccountDenied: the caller is a member account, neither the
	// management account nor a delegated administrator (HTTP 409).
	CodeMemberAccountDenied = "NoPermission.ResourceDirectory.MemberAccount"
)

// IsPermissionDenied reports whether err says the caller may not call the
// action: a RAM denial, or a caller that is not the resource directory's
// management account (nor a delegated administrator).
func IsPermissionDenied(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && isDenial(e.Code)
}

func isDenial(code string) bool {
	switch code {
	case CodeNoPermission, CodeForbiddenRAM, CodeMemberAccountDenied, "Forbidden.RAMSTS":
		return true
	}
	return strings.HasPrefix(code, CodeNoPermission+".")
}

// RAMAction is the RAM action that authorizes an API action: the API
// reference's authorization tables name each resourcemanager:<Action>.
func RAMAction(action string) string { return "resourcemanager:" + action }

// denialHint explains a denial: which RAM action was refused (the one the
// reply names, else the called action's) and where the policies are.
func denialHint(e *APIError) string {
	if !isDenial(e.Code) {
		return ""
	}
	if e.Code == CodeMemberAccountDenied {
		return fmt.Sprintf("The credentials belong to a member account: %s may be called only by the resource "+
			"directory's management account (or a RAM identity of it) or a delegated administrator. See %s",
			e.Action, LeastPrivilegeURL)
	}
	action := e.AuthAction
	if action == "" {
		action = RAMAction(e.Action)
	}
	return fmt.Sprintf("The caller is not allowed %s: grant it to the RAM user or role these credentials belong "+
		"to; %s lists the policy each resource, data source and action needs.", action, LeastPrivilegeURL)
}
