package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// startRecorded serves e behind a recorder.
func startRecorded(t *testing.T, e *Emulator) (*recorder, string) {
	t.Helper()
	rec := &recorder{e: e}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

func TestAuth_errorsThroughSDK(t *testing.T) {
	for _, sig := range allSignings {
		t.Run(sig.String(), func(t *testing.T) {
			s := NewServer(t,
				WithCredential("second-key", "second-secret"),
				WithSTSCredential("sts-key", "sts-secret", "sts-token"))
			ep := s.Endpoint()
			list := map[string]any{}

			newSDKWith(t, ep, sig, sdkCreds{"second-key", "second-secret", ""}).must("ListMessageContacts", list)
			newSDKWith(t, ep, sig, sdkCreds{"sts-key", "sts-secret", "sts-token"}).must("ListMessageContacts", list)

			newSDKWith(t, ep, sig, sdkCreds{"unknown-key", "x", ""}).
				mustFail("ListMessageContacts", list, "InvalidAccessKeyId.NotFound", 404)
			newSDKWith(t, ep, sig, sdkCreds{DefaultAccessKeyID, "wrong-secret", ""}).
				mustFail("ListMessageContacts", list, "SignatureDoesNotMatch", 400)
			newSDKWith(t, ep, sig, sdkCreds{"sts-key", "sts-secret", ""}).
				mustFail("ListMessageContacts", list, "MissingSecurityToken", 400)
			newSDKWith(t, ep, sig, sdkCreds{"sts-key", "sts-secret", "other-token"}).
				mustFail("ListMessageContacts", list, "InvalidSecurityToken.MismatchWithAccessKey", 400)
			newSDKWith(t, ep, sig, sdkCreds{DefaultAccessKeyID, DefaultAccessKeySecret, "stray-token"}).
				mustFail("ListMessageContacts", list, "InvalidSecurityToken.Malformed", 400)
			// The signature covers the operation parameters, wherever they travel.
			c := newSDK(t, s, sig)
			c.mustFail("GetMessageContact", map[string]any{"ContactId": "c-AAAAAAAAAAAAAAAA"}, "EntityNotExists.Contact", 404)
		})
	}
}

func TestAuth_clockSkew(t *testing.T) {
	for _, skew := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		clock := newFakeClock(time.Now().Add(skew))
		s := NewServer(t, WithClock(clock.Now))
		for _, sig := range []signing{signV3, signV1Form} {
			newSDK(t, s, sig).mustFail("ListMessageContacts", map[string]any{}, "InvalidTimeStamp.Expired", 400)
		}
		clock.Advance(-skew + 14*time.Minute*time.Duration(sign(skew)))
		newSDK(t, s, signV3).must("ListMessageContacts", map[string]any{})
	}
}

func sign(d time.Duration) int {
	if d < 0 {
		return -1
	}
	return 1
}

func TestAuth_replayAndTampering(t *testing.T) {
	for _, sig := range []signing{signV3, signV3Form, signV1Form, signV1Query} {
		t.Run(sig.String(), func(t *testing.T) {
			e := New()
			rec, base := startRecorded(t, e)
			c := newSDKWith(t, strings.TrimPrefix(base, "http://"), sig, defaultCreds)
			c.addContact("tom", "tom@example.com", "")
			req := rec.last(t)

			if st, code := send(t, base, req, nil); st != 400 || code != "SignatureNonceUsed" {
				t.Errorf("replay: %d %s, want 400 SignatureNonceUsed", st, code)
			}
			if e.Len() != 1 {
				t.Fatalf("replay created a contact: Len = %d", e.Len())
			}
			// A changed parameter breaks the signature (before the nonce is checked).
			tamper := func(r *http.Request) {
				if len(req.body) > 0 {
					body := strings.Replace(string(req.body), "Name=tom", "Name=eve", 1)
					r.Body = http.NoBody
					r2, _ := http.NewRequest(r.Method, r.URL.String(), strings.NewReader(body))
					*r = *r2.WithContext(r.Context())
					r.Header = req.header.Clone()
					r.ContentLength = int64(len(body))
					return
				}
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "Name=tom", "Name=eve", 1)
			}
			if st, code := send(t, base, req, tamper); st != 400 || code != "SignatureDoesNotMatch" {
				t.Errorf("tampered: %d %s, want 400 SignatureDoesNotMatch", st, code)
			}
			if sig == signV3 || sig == signV3Form {
				unsigned := func(r *http.Request) { r.Header.Set("x-acs-extra", "1") }
				if st, code := send(t, base, req, unsigned); st != 400 || code != "IncompleteSignature" {
					t.Errorf("unsigned x-acs header: %d %s, want 400 IncompleteSignature", st, code)
				}
				noAuth := func(r *http.Request) { r.Header.Del("Authorization") }
				if st, code := send(t, base, req, noAuth); st != 400 || code != "IncompleteSignature" {
					t.Errorf("no Authorization: %d %s, want 400 IncompleteSignature", st, code)
				}
				badAlg := func(r *http.Request) {
					r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", 1))
				}
				if st, code := send(t, base, req, badAlg); st != 400 || code != "InvalidSignatureMethod" {
					t.Errorf("SM3: %d %s, want 400 InvalidSignatureMethod", st, code)
				}
			}
		})
	}
}

func TestProtocol_envelopeAndRouting(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	msg := c.failureMessage("GetMessageContact", map[string]any{"ContactId": "c-AAAAAAAAAAAAAAAA"}, "EntityNotExists.Contact", 404)
	if !strings.Contains(msg, "This Contact does not exist.") {
		t.Errorf("message %q lacks the documented text", msg)
	}
	c.mustFail("NoSuchAction", map[string]any{}, "InvalidAction.NotFound", 404)

	resp, err := http.Post(s.URL+"/?Action=ListMessageContacts&Version=2014-01-01", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env errorEnvelope
	decodeJSON(t, resp.Body, &env)
	if resp.StatusCode != 400 || env.Code != "InvalidVersion" {
		t.Errorf("bad version: %d %s", resp.StatusCode, env.Code)
	}
	if env.HostID != s.Endpoint() || len(env.RequestID) != 36 || env.RequestID != strings.ToUpper(env.RequestID) {
		t.Errorf("envelope = %+v", env)
	}
	if want := "https://api.aliyun.com/troubleshoot?q=InvalidVersion&product=ResourceDirectoryMaster&requestId=" + env.RequestID; env.Recommend != want {
		t.Errorf("Recommend = %q, want %q", env.Recommend, want)
	}
	if got := resp.Header.Get("x-acs-request-id"); got != env.RequestID {
		t.Errorf("x-acs-request-id = %q, want %q", got, env.RequestID)
	}
	resp2, err := http.Post(s.URL+"/?Action=ListMessageContacts&Version=2022-04-19", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 400 {
		t.Errorf("unsigned call: status %d, want 400", resp2.StatusCode)
	}
}
