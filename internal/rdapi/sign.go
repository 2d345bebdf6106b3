package rdapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Signature V3 (ACS3-HMAC-SHA256) as documented in
// https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
//
//	CanonicalRequest = Method \n URI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//	StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
//	Signature        = hex(hmac-sha256(AccessKeySecret, StringToSign))
//
// Every x-acs-* header, host and content-type are signed, so the security
// token and the access key ID header of STS credentials are covered too.

const (
	signatureAlgorithm = "ACS3-HMAC-SHA256"
	// acsDateFormat is the UTC ISO 8601 form x-acs-date requires.
	acsDateFormat = "2006-01-02T15:04:05Z"
)

// Header names set by the client and the signer.
const (
	headerAction        = "x-acs-action"
	headerVersion       = "x-acs-version"
	headerDate          = "x-acs-date"
	headerNonce         = "x-acs-signature-nonce"
	headerContentSHA256 = "x-acs-content-sha256"
	headerSecurityToken = "x-acs-security-token"
	headerAccessKeyID   = "x-acs-accesskey-id"
	headerAuthorization = "Authorization"
)

// percentEncode applies the RFC 3986 encoding the signature requires: the
// unreserved characters A–Z a–z 0–9 - _ . ~ stay, every other byte of the
// UTF-8 form becomes %XX with upper-case hex (so a space is %20, never +,
// and * is %2A).
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// canonicalQuery renders q sorted by encoded name, then by encoded value,
// each pair as name=value ("name=" for an empty value), joined with &. The
// client also sends exactly this string on the wire, so what is signed is
// what the server decodes.
func canonicalQuery(q url.Values) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(q))
	for k, vs := range q {
		ek := percentEncode(k)
		for _, v := range vs {
			pairs = append(pairs, pair{ek, percentEncode(v)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var sb strings.Builder
	for i, p := range pairs {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(p.k)
		sb.WriteByte('=')
		sb.WriteString(p.v)
	}
	return sb.String()
}

// canonicalHeaders returns the CanonicalHeaders block (each "name:value\n")
// and the SignedHeaders list for host plus every x-acs-* and content-type
// header of h.
func canonicalHeaders(host string, h http.Header) (canonical, signed string) {
	values := map[string]string{"host": strings.TrimSpace(host)}
	for name, vs := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-acs-") && lower != "content-type" {
			continue
		}
		trimmed := make([]string, len(vs))
		for i, v := range vs {
			trimmed[i] = strings.TrimSpace(v)
		}
		values[lower] = strings.Join(trimmed, ",")
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	var sb strings.Builder
	for _, name := range names {
		sb.WriteString(name)
		sb.WriteByte(':')
		sb.WriteString(values[name])
		sb.WriteByte('\n')
	}
	return sb.String(), strings.Join(names, ";")
}

// canonicalRequest builds the V3 CanonicalRequest of req (whose x-acs-*
// headers, including x-acs-content-sha256, are already set) and returns it
// with the SignedHeaders list.
func canonicalRequest(req *http.Request, host, payloadHash string) (string, string) {
	uri := req.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	headers, signed := canonicalHeaders(host, req.Header)
	return strings.Join([]string{
		req.Method,
		uri,
		canonicalQuery(req.URL.Query()),
		headers,
		signed,
		payloadHash,
	}, "\n"), signed
}

// signRequest stamps req in place with date, nonce, payload hash, the STS
// headers when cred carries a token, and the Authorization header.
func signRequest(req *http.Request, cred Credential, at time.Time, nonce string, body []byte) {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])

	req.Header.Del(headerAuthorization)
	req.Header.Set(headerDate, at.UTC().Format(acsDateFormat))
	req.Header.Set(headerNonce, nonce)
	req.Header.Set(headerContentSHA256, payloadHash)
	if cred.SecurityToken != "" {
		// Like the official SDK, send the key ID alongside the token; both
		// are x-acs-* headers and therefore signed.
		req.Header.Set(headerAccessKeyID, cred.AccessKeyID)
		req.Header.Set(headerSecurityToken, cred.SecurityToken)
	} else {
		req.Header.Del(headerAccessKeyID)
		req.Header.Del(headerSecurityToken)
	}

	creq, signed := canonicalRequest(req, host, payloadHash)
	hashed := sha256.Sum256([]byte(creq))
	mac := hmac.New(sha256.New, []byte(cred.AccessKeySecret))
	mac.Write([]byte(signatureAlgorithm + "\n" + hex.EncodeToString(hashed[:])))
	req.Header.Set(headerAuthorization, fmt.Sprintf("%s Credential=%s,SignedHeaders=%s,Signature=%s",
		signatureAlgorithm, cred.AccessKeyID, signed, hex.EncodeToString(mac.Sum(nil))))
}

// randomNonce returns 16 random bytes in hex, the form the official SDK
// uses for x-acs-signature-nonce.
func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24).
	return hex.EncodeToString(b[:])
}

// signError marks a failure to sign (no credentials, unreadable body). Such
// a request never left the process, and retrying does not help.
type signError struct{ err error }

func (e *signError) Error() string { return "signing request: " + e.err.Error() }
func (e *signError) Unwrap() error { return e.err }

// signer is the http.RoundTripper beneath retryablehttp that signs every
// attempt: each retry gets a fresh x-acs-date and x-acs-signature-nonce
// (the gateway rejects a reused nonce with SignatureNonceUsed) and freshly
// fetched credentials, so rotated STS tokens are picked up mid-retry.
type signer struct {
	next  http.RoundTripper
	creds CredentialsProvider
	now   func() time.Time
	nonce func() string
}

// RoundTrip signs a clone of req and sends it.
func (s *signer) RoundTrip(req *http.Request) (*http.Response, error) {
	fail := func(err error) (*http.Response, error) {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper must close the body, even on error
		}
		return nil, &signError{err}
	}
	cred, err := s.creds.Credential(req.Context())
	if err != nil {
		return fail(fmt.Errorf("fetching credentials: %w", err))
	}
	if cred.AccessKeyID == "" || cred.AccessKeySecret == "" {
		return fail(errors.New("credentials have no access key ID or secret"))
	}

	body, err := readBody(req)
	if err != nil {
		return fail(err)
	}
	out := req.Clone(req.Context()) // a RoundTripper must not modify the caller's request
	if len(body) > 0 {
		out.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	signRequest(out, cred, s.now(), s.nonce(), body)
	return s.next.RoundTrip(out)
}

// readBody returns req's body for hashing, leaving req.Body consumed and
// closed. The client itself always sends an empty body.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	return b, nil
}
