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
