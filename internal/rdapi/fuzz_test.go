package rdapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for what a server controls: the error decoder and the reply
// decoder. `make fuzz` runs each for a fixed time; their seeds run in every
// `go test`.

var fuzzSeeds = []struct {
	status int
	ctype  string
	body   string
}{
	{400, "application/json", `{"RequestId":"R","Code":"InvalidParameter.Name","Message":"The Name is invalid."}`},
	{404, "application/json", `{"RequestId":"R","Code":"EntityNotExists.Contact","Message":"x\u001b[2J\r\nError: forged"}`},
	{503, "text/xml;charset=utf-8", `<Error><Code>ServiceUnavailable</Code><Message>busy</Message><RequestId>R</RequestId></Error>`},
	{502, "text/html", "<html><body>Bad gateway\x1b]0;t\x07</body></html>"},
	{200, "application/json", `{"RequestId":"R","Contact":{"ContactId":"c-1","Name":"tom","MessageTypes":["AccountExpenses"]}}`},
	{200, "application/json", `{"RequestId":"R","TotalCount":3,"PageSize":1,"PageNumber":1,"Contacts":[{"ContactId":"c-1"}]}`},
	{200, "application/json", `{"RequestId":"R","Contact":{"ContactId":`},
	{302, "text/plain", ""},
	{400, "application/json", `{"Code":"` + strings.Repeat("A", 300) + `","Message":"\xff\xfe"}`},
}

// FuzzParseError: any body becomes an *APIError whose fields and message
// are terminal-safe and bounded.
func FuzzParseError(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.status, s.ctype, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", ctype)
		e := parseError(actionGet, status, h, body, false)
		for name, v := range map[string]string{"Code": e.Code, "Message": e.Message, "RequestID": e.RequestID,
			"HostID": e.HostID, "Recommend": e.Recommend, "Error()": e.Error()} {
			if !utf8.ValidString(v) || !terminalSafe(v) {
				t.Fatalf("%s not terminal-safe: %q", name, v)
			}
		}
		if utf8.RuneCountInString(e.Code) > maxCodeLen+1 || utf8.RuneCountInString(e.Message) > maxMessageLen+1 {
			t.Fatalf("unbounded: code %d runes, message %d runes", utf8.RuneCountInString(e.Code), utf8.RuneCountInString(e.Message))
		}
	})
}

// fuzzTransport answers every request with one canned reply.
type fuzzTransport struct {
	status int
	ctype  string
	body   []byte
}

func (f fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	h.Set("Content-Type", f.ctype)
	return &http.Response{StatusCode: f.status, Header: h, Body: io.NopCloser(bytes.NewReader(f.body)), Request: req}, nil
}

// FuzzReplyDecoder: whatever a server replies, reads, lists and creates end
// in a value or an error, never a panic or a hang, and the error's text is
// terminal-safe.
func FuzzReplyDecoder(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.status, s.ctype, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c, err := New(Options{
			Endpoint:      "http://127.0.0.1:1",
			Credentials:   StaticCredentials("id", "secret", ""),
			MaxRetries:    -1,
			RateLimit:     -1,
			httpTransport: fuzzTransport{status: status, ctype: ctype, body: body},
			maxPages:      3,
		})
		if err != nil {
			t.Fatal(err)
		}
		// A hang (a poll that never ends) fails the target.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		check := func(what string, err error) {
			if err != nil && !terminalSafe(err.Error()) {
				t.Fatalf("%s: error not terminal-safe: %q", what, err)
			}
		}
		_, err = c.GetMessageContact(ctx, "c-1")
		check("Get", err)
		for _, err := range c.ListMessageContacts(ctx, ListMessageContactsInput{}) {
			check("List", err)
		}
		_, err = c.AddMessageContact(ctx, AddMessageContactInput{Name: "tom", EmailAddress: "t@example.com", Title: "CEO",
			MessageTypes: []string{"AccountExpenses"}})
		check("Add", err)
	})
}
