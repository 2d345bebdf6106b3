package emulator

// Request authentication, written from Alibaba Cloud's published signature
// documents (V3 "ACS3-HMAC-SHA256" and the older RPC HMAC-SHA1 scheme; see
// Authentication in the fidelity contract, doc.go). Nothing here is shared with the API client.

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	v3Algorithm      = "ACS3-HMAC-SHA256"
	timestampLayout  = "2006-01-02T15:04:05Z"
	emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// percentEncode applies the RFC 3986 encoding both signature versions use:
// A–Z a–z 0–9 - _ . ~ stay as they are, every other byte becomes %XX
// (uppercase hex), so a space is %20 and * is %2A.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// canonicalQuery sorts parameters by name (then value), encodes names and
// values and joins them as k=v pairs with &. An empty value yields "k=".
func canonicalQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		vals := slices.Clone(v[k])
		slices.Sort(vals)
		for _, val := range vals {
			parts = append(parts, percentEncode(k)+"="+percentEncode(val))
		}
	}
	return strings.Join(parts, "&")
}

// v3CanonicalRequest builds the canonical V3 request from the
// headers named in signedHeaders (lowercase names; values as received).
func v3CanonicalRequest(method, path string, query url.Values, headers map[string]string, signedHeaders []string, payloadHash string) string {
	if path == "" {
		path = "/"
	}
	var ch strings.Builder
	for _, h := range signedHeaders {
		ch.WriteString(h)
		ch.WriteByte(':')
		ch.WriteString(strings.TrimSpace(headers[h]))
		ch.WriteByte('\n')
	}
	return strings.Join([]string{
		strings.ToUpper(method),
		path,
		canonicalQuery(query),
		ch.String(),
		strings.Join(signedHeaders, ";"),
		payloadHash,
	}, "\n")
}

// v3Signature signs a canonical request with the AccessKey secret.
func v3Signature(secret, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	stringToSign := v3Algorithm + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// v1StringToSign builds METHOD&%2F&encode(canonicalized query) over every
// parameter except Signature (the RPC scheme).
func v1StringToSign(method string, params url.Values) string {
	signed := url.Values{}
	for k, v := range params {
		if k != "Signature" {
			signed[k] = v
		}
	}
	return strings.ToUpper(method) + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(signed))
}

// v1Signature is Base64(HMAC-SHA1(secret + "&", stringToSign)).
func v1Signature(secret, stringToSign string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// v3Authorization is a parsed Authorization header.
type v3Authorization struct {
	accessKeyID   string
	signedHeaders []string
	signature     string
}

func parseV3Authorization(h string) (v3Authorization, *apiError) {
	alg, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return v3Authorization{}, failf(codeIncompleteSignature, "The Authorization header is malformed.")
	}
	if alg != v3Algorithm {
		return v3Authorization{}, failf(codeInvalidSignatureMethod, "Only %s is supported, got %q.", v3Algorithm, alg)
	}
	var a v3Authorization
	var haveCred, haveHeaders, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return v3Authorization{}, failf(codeIncompleteSignature, "The Authorization header is malformed.")
		}
		switch k {
		case "Credential":
			a.accessKeyID, haveCred = v, v != ""
		case "SignedHeaders":
			a.signedHeaders, haveHeaders = strings.Split(v, ";"), v != ""
		case "Signature":
			a.signature, haveSig = v, v != ""
		default:
			return v3Authorization{}, failf(codeIncompleteSignature, "Unknown Authorization field %q.", k)
		}
	}
	if !haveCred || !haveHeaders || !haveSig {
		return v3Authorization{}, failf(codeIncompleteSignature, "The Authorization header needs Credential, SignedHeaders and Signature.")
	}
	return a, nil
}

// parseTimestamp accepts the documented UTC layout (and RFC 3339 variants).
func parseTimestamp(s string) (time.Time, bool) {
	if t, err := time.Parse(timestampLayout, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// authenticate checks a request's signature and returns the caller's
// AccessKey ID. query holds the URL query only; params holds query ∪ form.
func (e *Emulator) authenticate(r *http.Request, body []byte, query, params url.Values) (string, *apiError) {
	if h := r.Header.Get("Authorization"); h != "" {
		return e.authenticateV3(r, h, body, query)
	}
	if params.Get("Signature") != "" {
		return e.authenticateV1(r, params)
	}
	return "", failf(codeIncompleteSignature, "The request carries neither an Authorization header nor a Signature parameter.")
}

func (e *Emulator) authenticateV3(r *http.Request, header string, body []byte, query url.Values) (string, *apiError) {
	auth, aerr := parseV3Authorization(header)
	if aerr != nil {
		return "", aerr
	}
	headers := map[string]string{"host": r.Host}
	for name, vals := range r.Header {
		headers[strings.ToLower(name)] = strings.Join(vals, ",")
	}
	for _, h := range []string{"x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} {
		if headers[h] == "" {
			return "", failf(codeIncompleteSignature, "The %s header is required.", h)
		}
	}
	if !slices.IsSorted(auth.signedHeaders) {
		return "", failf(codeIncompleteSignature, "SignedHeaders must be sorted.")
	}
	for name := range headers {
		if (name == "host" || name == "content-type" || strings.HasPrefix(name, "x-acs-")) && !slices.Contains(auth.signedHeaders, name) {
			return "", failf(codeIncompleteSignature, "Header %s must be signed.", name)
		}
	}
	for _, name := range auth.signedHeaders {
		if _, ok := headers[name]; !ok {
			return "", failf(codeIncompleteSignature, "Signed header %s is missing from the request.", name)
		}
	}
	cred, ok := e.credential(auth.accessKeyID)
	if !ok {
		return "", fail(codeAccessKeyNotFound)
	}
	if aerr := e.checkTimestamp(headers["x-acs-date"]); aerr != nil {
		return "", aerr
	}
	sum := sha256.Sum256(body)
	if headers["x-acs-content-sha256"] != hex.EncodeToString(sum[:]) {
		return "", failf(codeSignatureMismatch, "x-acs-content-sha256 does not match the request body.")
	}
	cr := v3CanonicalRequest(r.Method, r.URL.EscapedPath(), query, headers, auth.signedHeaders, headers["x-acs-content-sha256"])
	if subtle.ConstantTimeCompare([]byte(v3Signature(cred.secret, cr)), []byte(auth.signature)) != 1 {
		return "", failf(codeSignatureMismatch, "Server string to sign is: %s", v3Algorithm+"\n"+hexSHA256(cr))
	}
	if id := headers["x-acs-accesskey-id"]; id != "" && id != cred.id {
		return "", failf(codeIncompleteSignature, "x-acs-accesskey-id does not match the Credential.")
	}
	if aerr := checkToken(cred, headers["x-acs-security-token"]); aerr != nil {
		return "", aerr
	}
	if aerr := e.useNonce(cred.id, headers["x-acs-signature-nonce"]); aerr != nil {
		return "", aerr
	}
	return cred.id, nil
}

func (e *Emulator) authenticateV1(r *http.Request, params url.Values) (string, *apiError) {
	if m := params.Get("SignatureMethod"); m != "HMAC-SHA1" {
		return "", failf(codeInvalidSignatureMethod, "SignatureMethod must be HMAC-SHA1, got %q.", m)
	}
	if v := params.Get("SignatureVersion"); v != "1.0" {
		return "", failf(codeInvalidSignatureVersion, "SignatureVersion must be 1.0, got %q.", v)
	}
	for _, p := range []string{"AccessKeyId", "SignatureNonce", "Timestamp"} {
		if params.Get(p) == "" {
			return "", failf(codeIncompleteSignature, "The %s parameter is required.", p)
		}
	}
	cred, ok := e.credential(params.Get("AccessKeyId"))
	if !ok {
		return "", fail(codeAccessKeyNotFound)
	}
	if aerr := e.checkTimestamp(params.Get("Timestamp")); aerr != nil {
		return "", aerr
	}
	sts := v1StringToSign(r.Method, params)
	if subtle.ConstantTimeCompare([]byte(v1Signature(cred.secret, sts)), []byte(params.Get("Signature"))) != 1 {
		return "", failf(codeSignatureMismatch, "Server string to sign is: %s", sts)
	}
	if aerr := checkToken(cred, params.Get("SecurityToken")); aerr != nil {
		return "", aerr
	}
	if aerr := e.useNonce(cred.id, params.Get("SignatureNonce")); aerr != nil {
		return "", aerr
	}
	return cred.id, nil
}

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// checkToken enforces STS tokens: an STS key needs its token; a plain key
// must not carry one.
func checkToken(cred credential, token string) *apiError {
	switch {
	case cred.token == "" && token != "":
		return fail(codeSecurityTokenMalformed)
	case cred.token != "" && token == "":
		return fail(codeMissingSecurityToken)
	case subtle.ConstantTimeCompare([]byte(cred.token), []byte(token)) != 1:
		return fail(codeSecurityTokenMismatch)
	}
	return nil
}

func (e *Emulator) credential(id string) (credential, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.cfg.creds[id]
	return c, ok
}

func (e *Emulator) checkTimestamp(s string) *apiError {
	t, ok := parseTimestamp(s)
	if !ok {
		return failf(codeTimestampFormat, "Got %q; expected yyyy-MM-ddTHH:mm:ssZ.", s)
	}
	now := e.now()
	if d := now.Sub(t); d > e.cfg.timestampSkew || d < -e.cfg.timestampSkew {
		return failf(codeTimestampExpired, "The request time %s is more than %s away from the server time %s.",
			t.UTC().Format(timestampLayout), e.cfg.timestampSkew, now.UTC().Format(timestampLayout))
	}
	return nil
}

// useNonce records a signature nonce and rejects one seen within the
// retention window (30 minutes: the 15-minute skew in both directions).
func (e *Emulator) useNonce(keyID, nonce string) *apiError {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	key := keyID + "\x00" + nonce
	if exp, ok := e.nonces[key]; ok && now.Before(exp) {
		return fail(codeNonceUsed)
	}
	e.nonces[key] = now.Add(e.cfg.nonceRetention)
	if len(e.nonces) > e.noncePurgeAt {
		for k, exp := range e.nonces {
			if !now.Before(exp) {
				delete(e.nonces, k)
			}
		}
		e.noncePurgeAt = max(1024, 2*len(e.nonces))
	}
	return nil
}
