package rdapi

import (
	"errors"
	"fmt"
	"net"
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

// credentialHint explains a credential error, naming where the
// credentials came from (Options.CredentialSource).
func credentialHint(code, source string) string {
	why, ok := credentialCodes[code]
	if !ok {
		return ""
	}
	if source == "" {
		source = "the configured credentials"
	}
	return fmt.Sprintf("The API rejected the credentials: %s. They came from %s. Check them by calling the API with the "+
		"same source, for example `aliyun sts GetCallerIdentity`, or in the RAM console (AccessKey management).", why, source)
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
