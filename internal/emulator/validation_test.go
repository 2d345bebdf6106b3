package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// num converts a JSON number as the SDK decodes it.
func num(t testing.TB, v any) int {
	t.Helper()
	switch n := v.(type) {
	case float64:
		return int(n)
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			t.Fatalf("number %v: %v", n, err)
		}
		return int(i)
	case int:
		return n
	case int64:
		return int(n)
	}
	t.Fatalf("not a number: %T %v", v, v)
	return 0
}

func TestValidation(t *testing.T) {
	const missingID = "c-AAAAAAAAAAAAAAAA"
	valid := func(over map[string]any) map[string]any {
		p := map[string]any{"Name": "alice", "EmailAddress": "alice@example.com", "Title": "CEO", "MessageTypes": []string{"FaultMessage"}}
		for k, v := range over {
			if v == nil {
				delete(p, k)
			} else {
				p[k] = v
			}
		}
		return p
	}
	type tc struct {
		action string
		params map[string]any
		code   string
		status int
	}
	tests := map[string]tc{
		"add missing name":          {"AddMessageContact", valid(map[string]any{"Name": nil}), "MissingParameter.Name", 400},
		"add name too short":        {"AddMessageContact", valid(map[string]any{"Name": "a"}), "InvalidParameter.Name.Length", 400},
		"add name too long":         {"AddMessageContact", valid(map[string]any{"Name": "abcdefghijklm"}), "InvalidParameter.Name.Length", 400},
		"add name digits":           {"AddMessageContact", valid(map[string]any{"Name": "bob1"}), "InvalidParameter.Name", 400},
		"add name taken":            {"AddMessageContact", valid(map[string]any{"Name": "taken"}), "InvalidParameter.Name.AlreadyUsed", 400},
		"add missing email":         {"AddMessageContact", valid(map[string]any{"EmailAddress": nil}), "MissingParameter.EmailAddress", 400},
		"add bad email":             {"AddMessageContact", valid(map[string]any{"EmailAddress": "not-an-email"}), "InvalidParameter.EmailAddress", 400},
		"add foreign phone":         {"AddMessageContact", valid(map[string]any{"PhoneNumber": "1-5551234567"}), "InvalidParameter.MobileCountryCode", 400},
		"add malformed phone":       {"AddMessageContact", valid(map[string]any{"PhoneNumber": "86-2391234"}), "InvalidParameter.PhoneNumber", 400},
		"add phone without code":    {"AddMessageContact", valid(map[string]any{"PhoneNumber": "13900001234"}), "InvalidParameter.PhoneNumber", 400},
		"add missing title":         {"AddMessageContact", valid(map[string]any{"Title": nil}), "MissingParameter.Title", 400},
		"add bad title":             {"AddMessageContact", valid(map[string]any{"Title": "CTO"}), "InvalidParameter.Title", 400},
		"add missing types":         {"AddMessageContact", valid(map[string]any{"MessageTypes": nil}), "MissingParameter.MessageTypes", 400},
		"add bad type":              {"AddMessageContact", valid(map[string]any{"MessageTypes": []string{"Spam"}}), "InvalidParameter.MessageTypes", 400},
		"get missing id":            {"GetMessageContact", map[string]any{}, "MissingParameter.ContactId", 400},
		"get bad id":                {"GetMessageContact", map[string]any{"ContactId": "c-short"}, "InvalidParameter.ContactId", 400},
		"get unknown id":            {"GetMessageContact", map[string]any{"ContactId": missingID}, "EntityNotExists.Contact", 404},
		"update unknown id":         {"UpdateMessageContact", map[string]any{"ContactId": missingID, "Title": "CEO"}, "EntityNotExists.Contact", 404},
		"update bad email":          {"UpdateMessageContact", map[string]any{"ContactId": missingID, "EmailAddress": "x@"}, "InvalidParameter.EmailAddress", 400},
		"update taken name":         {"UpdateMessageContact", map[string]any{"ContactId": "$id2", "Name": "taken"}, "InvalidParameter.Name.AlreadyUsed", 400},
		"delete missing id":         {"DeleteMessageContact", map[string]any{}, "MissingParameter.ContactId", 400},
		"delete bad retain":         {"DeleteMessageContact", map[string]any{"ContactId": "$id", "RetainContactInMembers": "maybe"}, "InvalidParameter.RetainContactInMembers", 400},
		"delete unknown":            {"DeleteMessageContact", map[string]any{"ContactId": missingID}, "EntityNotExists.Contact", 404},
		"deletion status unknown":   {"GetMessageContactDeletionStatus", map[string]any{"ContactId": missingID}, "EntityNotExists.Contact", 404},
		"deletion status never":     {"GetMessageContactDeletionStatus", map[string]any{"ContactId": "$id"}, "EntityNotExists.Contact", 404},
		"list bad page size":        {"ListMessageContacts", map[string]any{"PageSize": 101}, "InvalidParameter.PageSize", 400},
		"list zero page size":       {"ListMessageContacts", map[string]any{"PageSize": 0}, "InvalidParameter.PageSize", 400},
		"list bad page number":      {"ListMessageContacts", map[string]any{"PageNumber": 0}, "InvalidParameter.PageNumber", 400},
		"list bad contact id":       {"ListMessageContacts", map[string]any{"ContactId": "x"}, "InvalidParameter.ContactId", 400},
		"list unknown contact":      {"ListMessageContacts", map[string]any{"ContactId": missingID}, "EntityNotExists.Contact", 404},
		"list malformed member":     {"ListMessageContacts", map[string]any{"Member": "acct-1"}, "InvalidParameter.Member", 400},
		"list unknown member":       {"ListMessageContacts", map[string]any{"Member": "fd-Nope"}, "EntityNotExists.Member", 404},
		"associate missing members": {"AssociateMembers", map[string]any{"ContactId": "$id"}, "MissingParameter.Members", 400},
		"associate six members": {"AssociateMembers", map[string]any{"ContactId": "$id", "Members": []string{
			"1500000000000001", "1500000000000002", "1500000000000003", "1500000000000004", "1500000000000005", "rd-k3Ux9d"}}, "InvalidParameter.Members.Length", 400},
		"associate duplicate":       {"AssociateMembers", map[string]any{"ContactId": "$id", "Members": []string{"rd-k3Ux9d", "rd-k3Ux9d"}}, "InvalidParameter.Members.Duplicate", 400},
		"associate malformed":       {"AssociateMembers", map[string]any{"ContactId": "$id", "Members": []string{"account-7"}}, "InvalidParameter.Members", 400},
		"associate unknown":         {"AssociateMembers", map[string]any{"ContactId": "$id", "Members": []string{"1999999999999999"}}, "InvalidMember", 400},
		"associate unknown contact": {"AssociateMembers", map[string]any{"ContactId": missingID, "Members": []string{"rd-k3Ux9d"}}, "EntityNotExists.Contact", 404},
		"disassociate missing id":   {"DisassociateMembers", map[string]any{"Members": []string{"rd-k3Ux9d"}}, "MissingParameter.ContactId", 400},
		"send email wrong target":   {"SendEmailVerificationForMessageContact", map[string]any{"ContactId": "$id", "EmailAddress": "other@example.com"}, "EntityNotExists.Contact.Verification", 404},
		"send email missing":        {"SendEmailVerificationForMessageContact", map[string]any{"ContactId": "$id"}, "MissingParameter.EmailAddress", 400},
		"send phone missing":        {"SendPhoneVerificationForMessageContact", map[string]any{"ContactId": "$id"}, "MissingParameter.PhoneNumber", 400},
		"send phone foreign":        {"SendPhoneVerificationForMessageContact", map[string]any{"ContactId": "$id", "PhoneNumber": "44-7700900123"}, "InvalidParameter.MobileCountryCode", 400},
		"send phone not pending":    {"SendPhoneVerificationForMessageContact", map[string]any{"ContactId": "$id", "PhoneNumber": "86-13900009999"}, "EntityNotExists.Contact.Verification", 404},
		"cancel bad phone":          {"CancelMessageContactUpdate", map[string]any{"ContactId": "$id", "PhoneNumber": "86-1"}, "InvalidParameter.PhoneNumber", 400},
		"cancel unverified email":   {"CancelMessageContactUpdate", map[string]any{"ContactId": "$id", "EmailAddress": "taken@example.com"}, "ContactStatusMismatchAction", 400},
		"verifications bad id":      {"ListMessageContactVerifications", map[string]any{"ContactId": "c-!"}, "InvalidParameter.ContactId", 400},
		"verifications unknown":     {"ListMessageContactVerifications", map[string]any{"ContactId": missingID}, "EntityNotExists.Contact", 404},
	}
	for _, sig := range []signing{signV3, signV1Form} {
		s := NewServer(t)
		c := newSDK(t, s, sig)
		id := c.addContact("taken", "taken@example.com", "")
		id2 := c.addContact("second", "second@example.com", "")
		for name, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s", sig, name), func(t *testing.T) {
				c := newSDK(t, s, sig)
				p := map[string]any{}
				for k, v := range tt.params {
					switch v {
					case "$id":
						v = id
					case "$id2":
						v = id2
					}
					p[k] = v
				}
				c.mustFail(tt.action, p, tt.code, tt.status)
			})
		}
		if s.Len() != 2 {
			t.Fatalf("failed calls changed state: Len = %d", s.Len())
		}
	}
}

func TestValidation_acceptedValues(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	for i, title := range titles {
		name := "contact" + strings.Repeat("x", i)
		c.must("AddMessageContact", map[string]any{"Name": name, "EmailAddress": "a.b+c@mail.example.cn", "Title": title, "MessageTypes": messageTypes})
	}
	id := c.addContact("张三", "zhang@example.com", "86-13900001234", "AccountExpenses", "AccountExpenses")
	if got := c.get(id)["MessageTypes"]; fmt.Sprint(got) != "[AccountExpenses]" {
		t.Errorf("repeated message types: got %v", got)
	}
	if got := c.get(id)["Name"]; got != "张三" {
		t.Errorf("Name = %v", got)
	}
}

func TestArrayIndexGaps(t *testing.T) {
	s := NewServer(t)
	c := newSDK(t, s, signV3)
	base := map[string]any{"Name": "gap", "EmailAddress": "gap@example.com", "Title": "CEO"}
	for _, idx := range []map[string]any{
		{"MessageTypes.1": "FaultMessage", "MessageTypes.3": "AccountExpenses"},
		{"MessageTypes.0": "FaultMessage"},
		{"MessageTypes.01": "FaultMessage"},
	} {
		p := map[string]any{}
		for k, v := range base {
			p[k] = v
		}
		for k, v := range idx {
			p[k] = v
		}
		c.mustFail("AddMessageContact", p, "InvalidParameter", 400)
	}
}
