package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
)

// signing selects how the official SDK signs a call.
type signing int

const (
	signV3      signing = iota // ACS3-HMAC-SHA256, parameters in the query
	signV1Form                 // HMAC-SHA1, operation parameters in a form body (Terraform's way)
	signV1Query                // HMAC-SHA1, everything in the query
	signV3Form                 // ACS3-HMAC-SHA256, parameters in a form body
)

func (s signing) String() string {
	return [...]string{"V3", "V1-form", "V1-query", "V3-form"}[s]
}

var allSignings = []signing{signV3, signV1Form, signV1Query, signV3Form}

// sdk is the official Alibaba Cloud OpenAPI client pointed at an emulator.
type sdk struct {
	t       testing.TB
	client  *openapi.Client
	signing signing
}

type sdkCreds struct{ id, secret, token string }

var defaultCreds = sdkCreds{DefaultAccessKeyID, DefaultAccessKeySecret, ""}

func newSDK(t testing.TB, s *Server, sig signing) *sdk {
	return newSDKWith(t, s.Endpoint(), sig, defaultCreds)
}

// newSDKWith builds a client for endpoint (host:port) with credentials c.
func newSDKWith(t testing.TB, endpoint string, sig signing, c sdkCreds) *sdk {
	t.Helper()
	cfg := &openapi.Config{
		AccessKeyId:     dara.String(c.id),
		AccessKeySecret: dara.String(c.secret),
		Endpoint:        dara.String(endpoint),
		Protocol:        dara.String("HTTP"),
		ReadTimeout:     dara.Int(10000),
		ConnectTimeout:  dara.Int(5000),
	}
	if c.token != "" {
		cfg.SecurityToken = dara.String(c.token)
	}
	if sig == signV1Form || sig == signV1Query {
		cfg.SignatureAlgorithm = dara.String("v2")
	}
	cl, err := openapi.NewClient(cfg)
	if err != nil {
		t.Fatalf("openapi.NewClient: %v", err)
	}
	return &sdk{t: t, client: cl, signing: sig}
}

// call invokes action and returns the decoded JSON body.
func (s *sdk) call(action string, params map[string]any) (map[string]any, error) {
	req := &openapiutil.OpenApiRequest{}
	switch s.signing {
	case signV3, signV1Query:
		req.Query = openapiutil.Query(params)
	case signV1Form, signV3Form:
		req.Body = params
	}
	p := &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String(APIVersion),
		Protocol:    dara.String("HTTP"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
	out, err := s.client.CallApi(p, req, &dara.RuntimeOptions{})
	if err != nil {
		return nil, err
	}
	body, _ := out["body"].(map[string]any)
	return body, nil
}

// must invokes action and fails the test on error.
func (s *sdk) must(action string, params map[string]any) map[string]any {
	s.t.Helper()
	body, err := s.call(action, params)
	if err != nil {
		s.t.Fatalf("%s (%s): %v", action, s.signing, err)
	}
	return body
}

// mustFail invokes action and checks the SDK decoded our error into code and
// status.
func (s *sdk) mustFail(action string, params map[string]any, wantCode string, wantStatus int) {
	s.t.Helper()
	s.failureMessage(action, params, wantCode, wantStatus)
}

// failureMessage is mustFail for callers that go on to check the error's
// message: it returns the message the SDK decoded.
func (s *sdk) failureMessage(action string, params map[string]any, wantCode string, wantStatus int) string {
	s.t.Helper()
	_, err := s.call(action, params)
	if err == nil {
		s.t.Fatalf("%s (%s): succeeded, want %s", action, s.signing, wantCode)
	}
	var se *tea.SDKError
	if !errors.As(err, &se) {
		s.t.Fatalf("%s (%s): error %T %v is not a *tea.SDKError", action, s.signing, err, err)
	}
	if got := tea.StringValue(se.Code); got != wantCode {
		s.t.Errorf("%s (%s): code = %q, want %q (%v)", action, s.signing, got, wantCode, err)
	}
	if got := tea.IntValue(se.StatusCode); got != wantStatus {
		s.t.Errorf("%s (%s): status = %d, want %d", action, s.signing, got, wantStatus)
	}
	return tea.StringValue(se.Message)
}

// addContact creates a contact and returns its ID.
func (s *sdk) addContact(name, email, phone string, types ...string) string {
	s.t.Helper()
	p := map[string]any{"Name": name, "EmailAddress": email, "Title": "TechnicalDirector", "MessageTypes": types}
	if phone != "" {
		p["PhoneNumber"] = phone
	}
	if len(types) == 0 {
		p["MessageTypes"] = []string{"AccountExpenses"}
	}
	body := s.must("AddMessageContact", p)
	id, _ := body["Contact"].(map[string]any)["ContactId"].(string)
	if !contactIDPattern.MatchString(id) {
		s.t.Fatalf("AddMessageContact returned ContactId %q", id)
	}
	return id
}

// get returns GetMessageContact's Contact object.
func (s *sdk) get(id string) map[string]any {
	s.t.Helper()
	c, _ := s.must("GetMessageContact", map[string]any{"ContactId": id})["Contact"].(map[string]any)
	return c
}

func decodeJSON(t testing.TB, r io.Reader, dst any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(dst); err != nil {
		t.Fatalf("decoding JSON: %v", err)
	}
}
