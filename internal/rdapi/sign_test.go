package rdapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// kat is a V3 known-answer vector.
type kat struct {
	name        string
	host        string
	action      string
	version     string
	query       url.Values
	cred        Credential
	wantCanon   string // "" to skip
	wantSigned  string
	wantHashed  string
	wantSig     string
	wantAuthPfx string
}

var (
	katDate  = time.Date(2023, 10, 26, 10, 22, 32, 0, time.UTC)
	katNonce = "3156853299f313e23d1673dc12e1703d"
)

func katVectors() []kat {
	add := url.Values{
		"EmailAddress":   {"someone@example.com"},
		"MessageTypes.1": {"AccountExpenses"},
		"MessageTypes.2": {"ServiceMessage"},
		"Name":           {"tom"},
		"Title":          {"TechnicalDirector"},
	}
	return []kat{
		{
			// Official worked example, "Fixed parameter values" of
			// https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
			name:    "official RunInstances",
			host:    "ecs.cn-shanghai.aliyuncs.com",
			action:  "RunInstances",
			version: "2014-05-26",
			query: url.Values{
				"ImageId":  {"win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
				"RegionId": {"cn-shanghai"},
			},
			cred: Credential{AccessKeyID: "YourAccessKeyId", AccessKeySecret: "YourAccessKeySecret"},
			wantCanon: "POST\n/\n" +
				"ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n" +
				"host:ecs.cn-shanghai.aliyuncs.com\n" +
				"x-acs-action:RunInstances\n" +
				"x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
				"x-acs-date:2023-10-26T10:22:32Z\n" +
				"x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n" +
				"x-acs-version:2014-05-26\n" +
				"\n" +
				"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
				"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			wantSigned: "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
			wantHashed: "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259",
			wantSig:    "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
			wantAuthPfx: "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=" +
				"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=",
		},
		{
			// Computed, not official: the emulator's independent signer checks the
			// same vector (TestV3_contractVectors in internal/emulator).
			name:       "AddMessageContact plain AK",
			host:       "resourcedirectory.aliyuncs.com",
			action:     "AddMessageContact",
			version:    APIVersion,
			query:      add,
			cred:       Credential{AccessKeyID: "YourAccessKeyId", AccessKeySecret: "YourAccessKeySecret"},
			wantSigned: "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
			wantHashed: "4acdeeaafa5bd8fef401b417a7d7f5424b6267f762c13532b80e7d3f159fa21c",
			wantSig:    "c94be3dc477630ad5c129c93c8e46b1f22b8eee0dd922e3bfd7728280c0b65b7",
		},
		{
			// Computed, not official (as above): STS headers signed.
			name:       "AddMessageContact STS",
			host:       "resourcedirectory.aliyuncs.com",
			action:     "AddMessageContact",
			version:    APIVersion,
			query:      add,
			cred:       Credential{AccessKeyID: "YourAccessKeyId", AccessKeySecret: "YourAccessKeySecret", SecurityToken: "YourSecurityToken"},
			wantSigned: "host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version",
			wantHashed: "010e591074be40dab619160f096b26548559a980b9c4492f1628a2a6c5851325",
			wantSig:    "fef2266d266009bf75c721a2d6f5e75346b190e34c3efd9fa49b2c899444b1fd",
		},
	}
}

func katRequest(t *testing.T, v kat) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://"+v.host+"/?"+canonicalQuery(v.query), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(headerAction, v.action)
	req.Header.Set(headerVersion, v.version)
	// Unsigned headers must not change the signature.
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "test")
	return req
}

func TestSignRequest_knownAnswers(t *testing.T) {
	for _, v := range katVectors() {
		t.Run(v.name, func(t *testing.T) {
			req := katRequest(t, v)
			signRequest(req, v.cred, katDate, katNonce, nil)

			creq, signed := canonicalRequest(req, v.host, req.Header.Get(headerContentSHA256))
			if v.wantCanon != "" {
				if diff := cmp.Diff(v.wantCanon, creq); diff != "" {
					t.Errorf("canonical request (-want +got):\n%s", diff)
				}
			}
			if signed != v.wantSigned {
				t.Errorf("SignedHeaders = %q, want %q", signed, v.wantSigned)
			}
			if got := sha256Hex(creq); got != v.wantHashed {
				t.Errorf("hashed canonical request = %s, want %s", got, v.wantHashed)
			}
			auth := req.Header.Get(headerAuthorization)
			wantAuth := "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=" + v.wantSigned + ",Signature=" + v.wantSig
			if auth != wantAuth {
				t.Errorf("Authorization = %q\nwant %q", auth, wantAuth)
			}
			if v.wantAuthPfx != "" && !strings.HasPrefix(auth, v.wantAuthPfx) {
				t.Errorf("Authorization %q lacks prefix %q", auth, v.wantAuthPfx)
			}
			if v.cred.SecurityToken != "" {
				if got := req.Header.Get(headerSecurityToken); got != v.cred.SecurityToken {
					t.Errorf("x-acs-security-token = %q", got)
				}
				if got := req.Header.Get(headerAccessKeyID); got != v.cred.AccessKeyID {
					t.Errorf("x-acs-accesskey-id = %q", got)
				}
			}
		})
	}
}

func TestSigner_signsCloneWithInjectedClockAndNonce(t *testing.T) {
	v := katVectors()[0]
	var sent *http.Request
	s := &signer{
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent = r
			return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
		}),
		creds: StaticCredentials(v.cred.AccessKeyID, v.cred.AccessKeySecret, ""),
		now:   func() time.Time { return katDate.In(time.FixedZone("CST", 8*3600)) },
		nonce: func() string { return katNonce },
	}
	req := katRequest(t, v)
	if _, err := s.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get(headerAuthorization) != "" || req.Header.Get(headerDate) != "" {
		t.Error("signer modified the caller's request")
	}
	if got := sent.Header.Get(headerDate); got != "2023-10-26T10:22:32Z" {
		t.Errorf("x-acs-date = %q, want UTC", got)
	}
	if !strings.HasSuffix(sent.Header.Get(headerAuthorization), "Signature="+v.wantSig) {
		t.Errorf("Authorization = %q, want signature %s", sent.Header.Get(headerAuthorization), v.wantSig)
	}
}

func TestSigner_credentialErrorsAreSignErrors(t *testing.T) {
	for name, creds := range map[string]CredentialsProvider{
		"provider error": credFunc(func(context.Context) (Credential, error) { return Credential{}, errors.New("no profile") }),
		"empty key":      StaticCredentials("", "secret", ""),
		"empty secret":   StaticCredentials("id", "", ""),
	} {
		t.Run(name, func(t *testing.T) {
			called := false
			s := &signer{
				next:  roundTripFunc(func(*http.Request) (*http.Response, error) { called = true; return nil, nil }),
				creds: creds, now: time.Now, nonce: randomNonce,
			}
			req, _ := http.NewRequest(http.MethodPost, "https://example.com/", nil)
			_, err := s.RoundTrip(req)
			if _, ok := errors.AsType[*signError](err); !ok {
				t.Fatalf("err = %v, want *signError", err)
			}
			if called {
				t.Error("request was sent without a signature")
			}
		})
	}
}

func TestRandomNonce_unique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := randomNonce()
		if len(n) != 32 || seen[n] {
			t.Fatalf("nonce %q is malformed or repeated", n)
		}
		seen[n] = true
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"abcXYZ019-_.~":       "abcXYZ019-_.~",
		"a b":                 "a%20b",
		"a+b":                 "a%2Bb",
		"*":                   "%2A",
		"~":                   "~",
		"someone@example.com": "someone%40example.com",
		"86-13900001234":      "86-13900001234",
		"/=&?#%":              "%2F%3D%26%3F%23%25",
		"张三":                  "%E5%BC%A0%E4%B8%89",
		"é":                   "%C3%A9",
		"\x00\xff":            "%00%FF",
		"emoji😀":              "emoji%F0%9F%98%80",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		name string
		in   url.Values
		want string
	}{
		{"empty", url.Values{}, ""},
		{"nil", nil, ""},
		{"empty value", url.Values{"k": {""}}, "k="},
		{"sorted bytewise", url.Values{"b": {"1"}, "B": {"2"}, "a": {"3"}, "A.1": {"4"}, "A.10": {"5"}, "A.2": {"6"}},
			"A.1=4&A.10=5&A.2=6&B=2&a=3&b=1"},
		{"space star tilde", url.Values{"q": {"a b*c~d"}}, "q=a%20b%2Ac~d"},
		{"utf8", url.Values{"Name": {"张三"}}, "Name=%E5%BC%A0%E4%B8%89"},
		{"reserved in key", url.Values{"a b": {"x"}}, "a%20b=x"},
		{"repeated key sorted by value", url.Values{"k": {"b", "a"}}, "k=a&k=b"},
		{"plus kept distinct from space", url.Values{"p": {"+ "}}, "p=%2B%20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canonicalQuery(tt.in); got != tt.want {
				t.Errorf("canonicalQuery = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCanonicalHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-Acs-Version", "  2022-04-19 ")
	h.Set("x-acs-action", "GetMessageContact")
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "ua")
	h.Set("Authorization", "ignored")
	canon, signed := canonicalHeaders("Host.Example:8080", h)
	wantCanon := "content-type:application/x-www-form-urlencoded\nhost:Host.Example:8080\nx-acs-action:GetMessageContact\nx-acs-version:2022-04-19\n"
	if canon != wantCanon {
		t.Errorf("canonical headers = %q, want %q", canon, wantCanon)
	}
	if want := "content-type;host;x-acs-action;x-acs-version"; signed != want {
		t.Errorf("signed headers = %q, want %q", signed, want)
	}
}

// FuzzCanonicalQuery checks, for arbitrary names and values, that the
// canonical query decodes back to its input, is deterministic, leaves only
// unreserved characters unescaped, and is sorted. The seed corpus runs as
// part of go test.
func FuzzCanonicalQuery(f *testing.F) {
	for _, seed := range [][4]string{
		{"Name", "tom", "EmailAddress", "someone@example.com"},
		{"q", "a b*c~d", "q", ""},
		{"MessageTypes.1", "AccountExpenses", "MessageTypes.10", "FaultMessage"},
		{"k", "张三", "K", "+%20"},
		{"", "", "=", "&"},
		{"x", "\x00\xff", "~", "*"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		in := url.Values{}
		in.Add(k1, v1)
		in.Add(k2, v2)
		got := canonicalQuery(in)
		if again := canonicalQuery(in); again != got {
			t.Fatalf("not deterministic: %q vs %q", got, again)
		}
		for i := 0; i < len(got); i++ {
			c := got[i]
			switch {
			case unreserved(c), c == '&', c == '=':
			case c == '%':
				if i+2 >= len(got) || !isUpperHex(got[i+1]) || !isUpperHex(got[i+2]) {
					t.Fatalf("bad escape at %d in %q", i, got)
				}
				i += 2
			default:
				t.Fatalf("unescaped %q at %d in %q", c, i, got)
			}
		}
		decoded := url.Values{}
		var prevK, prevV string
		for i, pair := range strings.Split(got, "&") {
			ek, ev, ok := strings.Cut(pair, "=")
			if !ok {
				t.Fatalf("pair %q has no '='", pair)
			}
			if i > 0 && (ek < prevK || ek == prevK && ev < prevV) {
				t.Fatalf("not sorted: %q after %q=%q", pair, prevK, prevV)
			}
			prevK, prevV = ek, ev
			k, err := url.PathUnescape(ek)
			if err != nil {
				t.Fatal(err)
			}
			v, err := url.PathUnescape(ev)
			if err != nil {
				t.Fatal(err)
			}
			decoded.Add(k, v)
		}
		for k := range in {
			if diff := cmp.Diff(slices.Sorted(slices.Values(in[k])), slices.Sorted(slices.Values(decoded[k]))); diff != "" {
				t.Fatalf("round trip of %q (-in +decoded):\n%s", k, diff)
			}
		}
		if len(decoded) != len(in) {
			t.Fatalf("decoded %d names, want %d", len(decoded), len(in))
		}
	})
}
