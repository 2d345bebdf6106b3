package rdapi

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// benchAddParams are the query parameters of a typical AddMessageContact:
// the largest request the provider sends.
func benchAddParams() url.Values {
	return url.Values{
		"Name":           {"Ops"},
		"EmailAddress":   {"ops-team@example.com"},
		"PhoneNumber":    {"86-13800000000"},
		"Title":          {"TechnicalDirector"},
		"MessageTypes.1": {"AccountExpenses"},
		"MessageTypes.2": {"FaultMessage"},
		"MessageTypes.3": {"SecurityMessage"},
	}
}

// benchRequest builds the unsigned request call() hands to the signer.
func benchRequest(b *testing.B) *http.Request {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost,
		"https://resourcedirectory.aliyuncs.com/?"+canonicalQuery(benchAddParams()), http.NoBody)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set(headerAction, "AddMessageContact")
	req.Header.Set(headerVersion, APIVersion)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent("terraform-provider-resourcedirectory/bench"))
	return req
}

// BenchmarkSign measures the ACS3-HMAC-SHA256 signature of one attempt
// (canonical request, two SHA-256 and one HMAC), with a plain access key
// and with an STS token (two more signed headers).
func BenchmarkSign(b *testing.B) {
	for _, tc := range []struct {
		name string
		cred Credential
	}{
		{"access-key", Credential{AccessKeyID: "bench-key-id", AccessKeySecret: "bench-key-secret"}},
		{"sts", Credential{AccessKeyID: "STS.bench-key-id", AccessKeySecret: "bench-key-secret", SecurityToken: "bench-security-token"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := benchRequest(b)
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				signRequest(req, tc.cred, at, "3156853299f313e23d1673dc12e1703d", nil)
			}
			if req.Header.Get(headerAuthorization) == "" {
				b.Fatal("signRequest set no Authorization header")
			}
		})
	}
}

// benchNoopTransport answers every request with an empty 200, so that
// BenchmarkSignerRoundTrip measures the signer alone.
type benchNoopTransport struct{}

func (benchNoopTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get(headerAuthorization) == "" {
		return &http.Response{StatusCode: http.StatusUnauthorized, Body: http.NoBody, Request: req}, nil
	}
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: req}, nil
}

// BenchmarkSignerRoundTrip measures the whole per-attempt cost the signing
// transport adds beneath retryablehttp: fetching credentials, a fresh
// random nonce, cloning the request and signing it.
func BenchmarkSignerRoundTrip(b *testing.B) {
	s := &signer{
		next:  benchNoopTransport{},
		creds: StaticCredentials("bench-key-id", "bench-key-secret", ""),
		now:   time.Now,
		nonce: randomNonce,
	}
	req := benchRequest(b).WithContext(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		resp, err := s.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("signer sent an unsigned request (HTTP %d)", resp.StatusCode)
		}
	}
}
