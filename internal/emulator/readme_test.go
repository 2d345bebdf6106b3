package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readmeSection returns the README's emulator section.
func readmeSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const heading = "## Testing your own modules offline with the emulator\n"
	_, section, ok := strings.Cut(string(b), heading)
	if !ok {
		t.Fatalf("README.md has no %q", heading)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	return section
}

// fenced returns the bodies of the section's code blocks in language lang.
func fenced(section, lang string) []string {
	var blocks []string
	for rest := section; ; {
		_, after, ok := strings.Cut(rest, "```"+lang+"\n")
		if !ok {
			return blocks
		}
		body, tail, _ := strings.Cut(after, "```")
		blocks = append(blocks, body)
		rest = tail
	}
}

// shellWords splits a command line as sh would for the README's simple
// commands: words, 'single' and "double" quotes, $EMU expanded.
func shellWords(t *testing.T, line, emu string) []string {
	t.Helper()
	var (
		words []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if in {
		words = append(words, cur.String())
	}
	for i, w := range words {
		words[i] = strings.ReplaceAll(w, "$EMU", emu)
	}
	return words
}

// curlRequest is one curl command of the README.
type curlRequest struct {
	line, method, url, body string
}

func parseCurl(t *testing.T, line, emu string) curlRequest {
	t.Helper()
	words := shellWords(t, line, emu)
	req := curlRequest{line: line, method: http.MethodGet}
	for i := 1; i < len(words); i++ {
		switch w := words[i]; w {
		case "-s":
		case "-X":
			i++
			req.method = words[i]
		case "-d":
			i++
			req.body = words[i]
			if req.method == http.MethodGet {
				req.method = http.MethodPost
			}
		default:
			if strings.HasPrefix(w, "-") || req.url != "" {
				t.Fatalf("%q: unexpected curl argument %q", line, w)
			}
			req.url = w
		}
	}
	return req
}

// Every admin endpoint is documented in the README, and each documented
// command works as shown there, with the effect its comment says.
func TestREADME_adminAPI(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	tom := c.addContact("tom", "tom@example.com", "")
	// The contact of the out-of-band changes, bound to the directory, and
	// the day's verification messages all sent.
	finance := c.addContact("FinanceTeam", "finance@example.com", "")
	c.must("AssociateMembers", map[string]any{"ContactId": finance, "Members": []string{"rd-k3Ux9d"}})
	for range DefaultSettings().DailySendLimit {
		c.must("SendEmailVerificationForMessageContact", map[string]any{"ContactId": finance, "EmailAddress": "finance@example.com"})
	}

	var requests []curlRequest
	for _, block := range fenced(readmeSection(t), "sh") {
		for line := range strings.SplitSeq(block, "\n") {
			if strings.HasPrefix(line, "curl ") {
				requests = append(requests, parseCurl(t, line, s.URL))
			}
		}
	}
	documented := map[adminRoute]bool{}
	for _, r := range requests {
		documented[adminRoute{r.method, strings.TrimPrefix(r.url, s.URL+adminPrefix)}] = true
	}
	for route := range adminRoutes {
		if !documented[route] {
			t.Errorf("the README shows no curl example of %s %s%s", route.method, adminPrefix, route.name)
		}
	}

	checks := map[string]func(body string){
		"verify": func(string) {
			if got, _ := s.Contact(tom); got.Status != statusActive || got.Email != "tom@example.com" {
				t.Errorf("after verify: %+v", got)
			}
		},
		"contacts/update": func(body string) {
			got, _ := s.Contact(finance)
			if got.Title != "CEO" || !cmp.Equal(got.MessageTypes, []string{"ServiceMessage"}) || !strings.Contains(body, `"title":"CEO"`) {
				t.Errorf("after contacts/update: %+v, answered %s", got, body)
			}
			// The API's rules hold: a taken name is refused with the API's code.
			status, answer := adminPost(t, s, "contacts/update", map[string]string{"contact": "FinanceTeam", "name": "tom"})
			if status != http.StatusBadRequest || !strings.Contains(answer, "InvalidParameter.Name.AlreadyUsed") {
				t.Errorf("renaming FinanceTeam to a taken name: HTTP %d %s", status, answer)
			}
		},
		"contacts/bind": func(string) {
			if got, _ := s.Contact(finance); !cmp.Equal(got.Members, []string{"rd-k3Ux9d", "fd-Prod4Nz7Qa"}) {
				t.Errorf("after contacts/bind: members %v", got.Members)
			}
		},
		"contacts/unbind": func(string) {
			if got, _ := s.Contact(finance); !cmp.Equal(got.Members, []string{"fd-Prod4Nz7Qa"}) {
				t.Errorf("after contacts/unbind: members %v", got.Members)
			}
		},
		"contacts/delete": func(body string) {
			if _, ok := s.Contact(finance); ok || body != `{"ok":true}` {
				t.Errorf("after contacts/delete the contact is still there (answered %s)", body)
			}
			c.mustFail("GetMessageContact", map[string]any{"ContactId": finance}, "EntityNotExists.Contact", 404)
		},
		"sends/reset": func(string) {
			ann := s.Contacts()[len(s.Contacts())-1]
			c.must("SendEmailVerificationForMessageContact", map[string]any{"ContactId": ann.ID, "EmailAddress": "ann@example.com"})
		},
		"faults ServiceUnavailable": func(string) {
			for range 2 {
				c.mustFail("GetMessageContact", map[string]any{"ContactId": tom}, "ServiceUnavailable", 503)
			}
			c.get(tom)
		},
		"faults drop": func(string) {
			if _, err := c.call("AddMessageContact", addParams("ann")); err == nil {
				t.Error("the dropped AddMessageContact got a reply")
			}
			if s.Len() != 2 {
				t.Errorf("the dropped AddMessageContact did not commit: %d contacts", s.Len())
			}
		},
		"faults deletion_failure": func(string) {
			c.must("DeleteMessageContact", map[string]any{"ContactId": tom, "RetainContactInMembers": false})
			c.get(tom) // observes Deleting, then the deletion ends
			got, _ := s.Contact(tom)
			if want := []FailReason{{AccountID: "1500000000000002", MessageTypes: []string{"AccountExpenses"}}}; !cmp.Equal(want, got.LastDeletionFailure) {
				t.Errorf("deletion failure = %+v, want %+v", got.LastDeletionFailure, want)
			}
		},
		"accounts": func(body string) {
			d := s.Directory()
			if i := d.account("1500000000000009"); i < 0 || d.Accounts[i].FolderID != "fd-Prod4Nz7Qa" || !strings.Contains(body, `"1500000000000009"`) {
				t.Errorf("after adding an account: %s", body)
			}
		},
		"accounts/move": func(string) {
			d := s.Directory()
			if i := d.account("1500000000000009"); i < 0 || d.Accounts[i].FolderID != "fd-Dev2Lm5Wx" {
				t.Errorf("after moving the account: %+v", d.Accounts)
			}
		},
		"accounts/remove": func(string) {
			if d := s.Directory(); d.account("1500000000000009") >= 0 {
				t.Errorf("after removing the account: %+v", d.Accounts)
			}
		},
		"POST settings": func(body string) {
			got := s.Settings()
			if got.ReadMode != ReadVerified || got.MessageTypesOrder != MessageTypesSorted || got.Latency.String() != "20ms" {
				t.Errorf("settings after POST: %+v", got)
			}
			if !strings.Contains(body, `"read_mode":"verified"`) || !strings.Contains(body, `"rate_limit":20`) {
				t.Errorf("POST settings answered %s, want every setting", body)
			}
		},
		"GET settings": func(body string) {
			got := DefaultSettings()
			if err := json.Unmarshal([]byte(body), &got); err != nil || !cmp.Equal(s.Settings(), got) {
				t.Errorf("GET settings = %s (%v), want %+v", body, err, s.Settings())
			}
		},
		"state": func(body string) {
			for _, want := range []string{`"directory":{"directory_id":"rd-k3Ux9d","root_folder_id":"r-k3Ux9d"`, `"pending_email_address":"ann@example.com"`, `"email_verifications_sent":0`, `"settings":{"read_mode":"verified"`} {
				if !strings.Contains(body, want) {
					t.Errorf("state lacks %s: %s", want, body)
				}
			}
		},
		"stats": func(body string) {
			var st Stats
			if err := json.Unmarshal([]byte(body), &st); err != nil || st.ServerErrors["GetMessageContact"] != 2 || st.Calls["AddMessageContact"] != 3 || st.Calls["UpdateMessageContact"] != 0 {
				t.Errorf("stats = %s (%v)", body, err)
			}
		},
		"reset": func(string) {
			if s.Len() != 0 {
				t.Errorf("%d contacts after reset", s.Len())
			}
		},
	}
	for _, r := range requests {
		name := strings.TrimPrefix(r.url, s.URL+adminPrefix)
		key := name
		switch name {
		case "settings":
			key = r.method + " settings"
		case "faults":
			var f map[string]any
			if err := json.Unmarshal([]byte(r.body), &f); err != nil {
				t.Fatalf("%s: the body is not JSON: %v", r.line, err)
			}
			switch {
			case f["code"] != nil:
				key += " " + f["code"].(string)
			case f["drop"] != nil:
				key += " drop"
			default:
				key += " deletion_failure"
			}
		}
		if key == "sends/reset" {
			// Without the reset, the day's limit refuses the send.
			ann := s.Contacts()[len(s.Contacts())-1]
			c.mustFail("SendEmailVerificationForMessageContact", map[string]any{"ContactId": ann.ID, "EmailAddress": "ann@example.com"},
				"SendValidateCodeExceedsLimitForAccount", 409)
		}
		check, ok := checks[key]
		if !ok {
			t.Errorf("no check for the README's %q", r.line)
			continue
		}
		delete(checks, key)
		req, err := http.NewRequest(r.method, r.url, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if r.body != "" {
			// curl -d sends a form content type; the emulator reads JSON anyway.
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", r.line, resp.StatusCode, body)
		}
		check(string(bytes.TrimSpace(body)))
	}
	for key := range checks {
		t.Errorf("the README no longer shows %q", key)
	}
}

// The directory file format the README documents, and the example file,
// load.
func TestREADME_directoryFormat(t *testing.T) {
	blocks := fenced(readmeSection(t), "json")
	if len(blocks) != 1 {
		t.Fatalf("the README's emulator section has %d json blocks, want 1", len(blocks))
	}
	path := filepath.Join(t.TempDir(), "directory.json")
	if err := os.WriteFile(path, []byte(blocks[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	fromREADME, err := LoadDirectory(path)
	if err != nil {
		t.Fatalf("the README's directory: %v", err)
	}
	example, err := LoadDirectory("../../examples/emulator/directory.json")
	if err != nil {
		t.Fatalf("examples/emulator/directory.json: %v", err)
	}
	if fromREADME.RootID != example.RootID || fromREADME.RootFolderID != example.RootFolderID || len(example.Accounts) < len(fromREADME.Accounts) {
		t.Errorf("the README shows another tree than examples/emulator/directory.json")
	}
	// A typo in a field name is an error, not a silently empty tree.
	if err := os.WriteFile(path, []byte(`{"directory_id": "rd-a", "acounts": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDirectory(path); err == nil || !strings.Contains(err.Error(), "acounts") {
		t.Errorf("misspelt field: err = %v", err)
	}
	// A file of the format before the root folder was distinct says what replaced root_id.
	if err := os.WriteFile(path, []byte(`{"root_id": "rd-a", "accounts": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDirectory(path); err == nil || !strings.Contains(err.Error(), "root_folder_id") {
		t.Errorf("old format: err = %v", err)
	}
}
