package emulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// emptyBodySHA256 is the x-acs-content-sha256 of a request without a body.
var emptyBodySHA256 = func() string {
	sum := sha256.Sum256(nil)
	return hex.EncodeToString(sum[:])
}()

// signedRequest builds an RPC call of action with params in the query,
// signed ACS3-HMAC-SHA256 with the emulator's default key by the official
// SDK's own signing function (openapiutil.GetAuthorization), so the
// benchmark measures the emulator and not a signer written for it.
func signedRequest(tb testing.TB, baseURL, action string, params map[string]string) *http.Request {
	tb.Helper()
	u, err := url.Parse(baseURL)
	if err != nil {
		tb.Fatalf("parsing %q: %v", baseURL, err)
	}
	q := url.Values{}
	query := make(map[string]*string, len(params))
	for k, v := range params {
		q.Set(k, v)
		query[k] = dara.String(v)
	}
	headers := map[string]*string{
		"host":                  dara.String(u.Host),
		"x-acs-action":          dara.String(action),
		"x-acs-version":         dara.String(emulator.APIVersion),
		"x-acs-date":            dara.String(time.Now().UTC().Format("2006-01-02T15:04:05Z")),
		"x-acs-signature-nonce": openapiutil.GetNonce(),
		"x-acs-content-sha256":  dara.String(emptyBodySHA256),
	}
	auth := openapiutil.GetAuthorization(&dara.Request{
		Method:   dara.String(http.MethodPost),
		Pathname: dara.String("/"),
		Query:    query,
		Headers:  headers,
	}, dara.String("ACS3-HMAC-SHA256"), dara.String(emptyBodySHA256),
		dara.String(emulator.DefaultAccessKeyID), dara.String(emulator.DefaultAccessKeySecret))

	u.Path = "/"
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		tb.Fatalf("building %s request: %v", action, err)
	}
	for k, v := range headers {
		if k != "host" {
			req.Header.Set(k, *v)
		}
	}
	req.Header.Set("Authorization", *auth)
	req.Header.Set("Accept", "application/json")
	return req
}

// addContact creates a contact through h and returns its ID.
func addContact(tb testing.TB, h http.Handler, baseURL string) string {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedRequest(tb, baseURL, "AddMessageContact", map[string]string{
		"Name":           "bench",
		"EmailAddress":   "bench@example.com",
		"Title":          "TechnicalDirector",
		"MessageTypes.1": "AccountExpenses",
	}))
	if rec.Code != http.StatusOK {
		tb.Fatalf("AddMessageContact: HTTP %d: %s", rec.Code, rec.Body)
	}
	var out struct {
		Contact struct {
			ContactID string `json:"ContactId"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Contact.ContactID == "" {
		tb.Fatalf("AddMessageContact: undecodable reply %s (%v)", rec.Body, err)
	}
	return out.Contact.ContactID
}

// getRequests pre-signs n GetMessageContact calls (each needs its own
// nonce), so that signing stays outside the measured loop.
func getRequests(tb testing.TB, n int, baseURL, contactID string) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = signedRequest(tb, baseURL, "GetMessageContact", map[string]string{"ContactId": contactID})
	}
	return reqs
}

// BenchmarkGetMessageContact measures how many signed GetMessageContact
// calls the emulator serves per second, so that it is never what makes the
// client and provider suites slow. The rate limit is off: it would measure
// the emulator's token bucket, not its speed.
//
//   - in-process: the handler alone (authentication, nonce bookkeeping,
//     store, JSON), one call at a time;
//   - loopback: through NewServer's loopback listener with parallel
//     clients, as the client and provider tests reach it.
func BenchmarkGetMessageContact(b *testing.B) {
	b.Run("in-process", func(b *testing.B) {
		const base = "http://emulator.invalid"
		e := emulator.New(emulator.WithSettings(func(cfg *emulator.Settings) { cfg.RateLimit = 0 }))
		id := addContact(b, e, base)
		reqs := getRequests(b, b.N, base, id)
		e.ResetStats()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, reqs[i])
			if rec.Code != http.StatusOK {
				b.Fatalf("GetMessageContact: HTTP %d: %s", rec.Code, rec.Body)
			}
		}
		b.StopTimer()
		reportThroughput(b, e)
	})

	b.Run("loopback", func(b *testing.B) {
		s := emulator.NewServer(b, emulator.WithSettings(func(cfg *emulator.Settings) { cfg.RateLimit = 0 }))
		id := addContact(b, s, s.URL)
		reqs := getRequests(b, b.N, s.URL, id)
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		b.Cleanup(tr.CloseIdleConnections)
		client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
		s.ResetStats()

		var next, failures atomic.Int64
		var firstFailure atomic.Pointer[string]
		b.ReportAllocs()
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := reqs[next.Add(1)-1]
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					msg := err.Error()
					firstFailure.CompareAndSwap(nil, &msg)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, &resp.Status)
				}
			}
		})
		b.StopTimer()
		if n := failures.Load(); n > 0 {
			b.Fatalf("%d of %d GetMessageContact calls failed; first: %s", n, b.N, *firstFailure.Load())
		}
		reportThroughput(b, s.Emulator)
	})
}

// reportThroughput reports calls per second and checks that the emulator
// counted exactly one GetMessageContact per iteration.
func reportThroughput(b *testing.B, e *emulator.Emulator) {
	b.Helper()
	if got := e.Stats().Calls["GetMessageContact"]; got != b.N {
		b.Fatalf("emulator counted %d GetMessageContact calls, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
