package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(timestampLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestV3_officialVector checks the verifier against the worked example of
// Alibaba Cloud's V3 signature document (Authentication in the fidelity contract, doc.go).
func TestV3_officialVector(t *testing.T) {
	const wantSig = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
	e := New(WithCredential("YourAccessKeyId", "YourAccessKeySecret"),
		WithClock(func() time.Time { return mustTime(t, "2023-10-26T10:22:32Z") }))

	r := httptest.NewRequest(http.MethodPost,
		"http://ecs.cn-shanghai.aliyuncs.com/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai", nil)
	r.Host = "ecs.cn-shanghai.aliyuncs.com"
	r.Header.Set("x-acs-action", "RunInstances")
	r.Header.Set("x-acs-version", "2014-05-26")
	r.Header.Set("x-acs-date", "2023-10-26T10:22:32Z")
	r.Header.Set("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
	r.Header.Set("x-acs-content-sha256", emptyPayloadHash)
	r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="+wantSig)

	q := r.URL.Query()
	id, aerr := e.authenticate(r, nil, q, q)
	if aerr != nil {
		t.Fatalf("official vector rejected: %v", aerr)
	}
	if id != "YourAccessKeyId" {
		t.Fatalf("authenticated as %q", id)
	}

	wantCanonical := "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n" +
		"host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:" + emptyPayloadHash + "\n" +
		"x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\n" +
		"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" + emptyPayloadHash
	headers := map[string]string{"host": r.Host}
	for k, v := range r.Header {
		headers[strings.ToLower(k)] = v[0]
	}
	signed := strings.Split("host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version", ";")
	got := v3CanonicalRequest("POST", "/", q, headers, signed, emptyPayloadHash)
	if got != wantCanonical {
		t.Errorf("canonical request:\n%s\nwant:\n%s", got, wantCanonical)
	}
	if h := hexSHA256(got); h != "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259" {
		t.Errorf("hashed canonical request = %s", h)
	}

	// The same request again reuses the nonce.
	if _, aerr := e.authenticate(r, nil, q, q); aerr == nil || aerr.code != codeNonceUsed {
		t.Fatalf("replay: got %v, want SignatureNonceUsed", aerr)
	}
}

// TestV3_contractVectors replays the self-computed AddMessageContact vectors
// (the same vectors as internal/rdapi's signer tests) through the whole handler.
func TestV3_contractVectors(t *testing.T) {
	tests := []struct {
		name, sig, signed string
		sts               bool
	}{
		{"plain", "c94be3dc477630ad5c129c93c8e46b1f22b8eee0dd922e3bfd7728280c0b65b7",
			"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version", false},
		{"sts", "fef2266d266009bf75c721a2d6f5e75346b190e34c3efd9fa49b2c899444b1fd",
			"host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred := WithCredential("YourAccessKeyId", "YourAccessKeySecret")
			if tt.sts {
				cred = WithSTSCredential("YourAccessKeyId", "YourAccessKeySecret", "YourSecurityToken")
			}
			e := New(cred, WithClock(func() time.Time { return mustTime(t, "2023-10-26T10:22:32Z") }))
			r := httptest.NewRequest(http.MethodPost,
				"http://resourcedirectory.aliyuncs.com/?EmailAddress=someone%40example.com&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage&Name=tom&Title=TechnicalDirector", nil)
			r.Host = "resourcedirectory.aliyuncs.com"
			r.Header.Set("x-acs-action", "AddMessageContact")
			r.Header.Set("x-acs-version", "2022-04-19")
			r.Header.Set("x-acs-date", "2023-10-26T10:22:32Z")
			r.Header.Set("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
			r.Header.Set("x-acs-content-sha256", emptyPayloadHash)
			if tt.sts {
				r.Header.Set("x-acs-accesskey-id", "YourAccessKeyId")
				r.Header.Set("x-acs-security-token", "YourSecurityToken")
			}
			r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders="+tt.signed+",Signature="+tt.sig)
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if e.Len() != 1 {
				t.Fatalf("Len = %d, want 1", e.Len())
			}
		})
	}
}

// TestV1_knownAnswers checks the HMAC-SHA1 verifier against the documented
// examples (Authentication in the fidelity contract), in GET and POST form.
func TestV1_knownAnswers(t *testing.T) {
	kat1 := url.Values{
		"AccessKeyId": {"testid"}, "Action": {"DescribeDedicatedHosts"}, "Format": {"JSON"}, "RegionId": {"cn-beijing"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"edb2b34af0af9a6d14deaf7c1a5315eb"}, "SignatureVersion": {"1.0"},
		"Timestamp": {"2023-03-13T08:34:30Z"}, "Version": {"2014-05-26"},
	}
	kat2 := url.Values{
		"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"}, "SignatureVersion": {"1.0"},
		"Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"},
	}
	tests := []struct {
		name, method, sig string
		params            url.Values
	}{
		{"KAT-1 GET", http.MethodGet, "9NaGiOspFP5UPcwX8Iwt2YJXXuk=", kat1},
		{"KAT-1 POST", http.MethodPost, "ZvQ9xGiFnquSJRvj+WE6kdSpTwU=", kat1},
		{"KAT-2 GET", http.MethodGet, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", kat2},
		{"KAT-2 POST", http.MethodPost, "MxbnVAM4w6sft9xjVpe/GCKueuk=", kat2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := mustTime(t, tt.params.Get("Timestamp"))
			e := New(WithCredential("testid", "testsecret"), WithClock(func() time.Time { return ts }))
			p := url.Values{}
			for k, v := range tt.params {
				p[k] = v
			}
			p.Set("Signature", tt.sig)
			r := httptest.NewRequest(tt.method, "http://ecs.aliyuncs.com/?"+p.Encode(), nil)
			if _, aerr := e.authenticate(r, nil, r.URL.Query(), r.URL.Query()); aerr != nil {
				t.Fatalf("rejected: %v", aerr)
			}
		})
	}
	want := "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
	if got := v1StringToSign("GET", kat2); got != want {
		t.Errorf("KAT-2 string to sign:\n%s\nwant\n%s", got, want)
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"a b":           "a%20b",
		"*":             "%2A",
		"~-_.":          "~-_.",
		"someone@x.com": "someone%40x.com",
		"中":             "%E4%B8%AD",
		"a+b/c=d&e":     "a%2Bb%2Fc%3Dd%26e",
		"":              "",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := canonicalQuery(url.Values{"b": {""}, "a": {"x y"}, "A": {"*"}}); got != "A=%2A&a=x%20y&b=" {
		t.Errorf("canonicalQuery = %q", got)
	}
}

// recorder wraps an Emulator and keeps a copy of every API request, so tests
// can replay or tamper with what the official SDK sent.
type recorder struct {
	e       *Emulator
	mu      sync.Mutex
	reqs    []recorded
	headers []http.Header
}

type recorded struct {
	method, rawQuery string
	header           http.Header
	body             []byte
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, recorded{r.Method, r.URL.RawQuery, r.Header.Clone(), body})
	rec.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.e.ServeHTTP(w, r)
	rec.mu.Lock()
	rec.headers = append(rec.headers, w.Header().Clone())
	rec.mu.Unlock()
}

// lastHeader returns the response headers of the last completed request.
func (rec *recorder) lastHeader(t *testing.T) http.Header {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.headers) == 0 {
		t.Fatal("no response recorded")
	}
	return rec.headers[len(rec.headers)-1]
}

func (rec *recorder) last(t *testing.T) recorded {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) == 0 {
		t.Fatal("no request recorded")
	}
	return rec.reqs[len(rec.reqs)-1]
}

// send replays a recorded request after mutate has changed it, and returns
// the status and error code.
func send(t *testing.T, base string, req recorded, mutate func(*http.Request)) (int, string) {
	t.Helper()
	r, err := http.NewRequest(req.method, base+"/?"+req.rawQuery, bytes.NewReader(req.body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header = req.header.Clone()
	if mutate != nil {
		mutate(r)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env errorEnvelope
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &env)
	return resp.StatusCode, env.Code
}
