package provider

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	// contactNamePattern is the API's name rule: 2–12 English letters or
	// Chinese characters (the Chinese docs allow Han characters too).
	contactNamePattern = regexp.MustCompile(`^[A-Za-z\p{Han}]{2,12}$`)
	// contactIDPattern matches the API's contact IDs ("c-" plus letters and
	// digits, 16 of them in every documented example).
	contactIDPattern  = regexp.MustCompile(`^c-[A-Za-z0-9]+$`)
	phoneShapePattern = regexp.MustCompile(`^(\d{1,4})-(\d+)$`)
	chinaMobile       = regexp.MustCompile(`^1\d{10}$`)
)

// emailValidator accepts a bare address (no display name) whose domain has
// at least one dot, which is what the API's InvalidParameter.EmailAddress
// check lets through.
type emailValidator struct{}

func (emailValidator) Description(context.Context) string {
	return "must be an email address such as someone@example.com"
}

func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emailValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	addr, err := mail.ParseAddress(s)
	ok := err == nil && addr.Address == s
	if ok {
		_, domain, _ := strings.Cut(s, "@")
		ok = strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
	}
	if !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Email Address",
			fmt.Sprintf("%s %s, got %q.", req.Path, v.Description(ctx), s))
	}
}

// phoneValidator checks the API's "<country code>-<number>" format and that
// the number is a mainland China mobile number, the only kind the API
// accepts (others fail with InvalidParameter.MobileCountryCode).
type phoneValidator struct{}

func (phoneValidator) Description(context.Context) string {
	return "must be <country code>-<number>; the API accepts only mainland China mobile numbers, 86-1XXXXXXXXXX"
}

func (v phoneValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v phoneValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	m := phoneShapePattern.FindStringSubmatch(s)
	switch {
	case m == nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Phone Number",
			fmt.Sprintf("%s must be <country code>-<number>, such as 86-13800138000, got %q.", req.Path, s))
	case m[1] != "86":
		resp.Diagnostics.AddAttributeError(req.Path, "Unsupported Phone Country Code",
			fmt.Sprintf("%s has country code %s, but the API accepts only mainland China numbers (86-1XXXXXXXXXX), got %q.",
				req.Path, m[1], s))
	case !chinaMobile.MatchString(m[2]):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Phone Number",
			fmt.Sprintf("%s must be 86- followed by an 11-digit mainland China mobile number starting with 1, such as "+
				"86-13800138000, got %q.", req.Path, s))
	}
}

// regexSyntaxValidator checks that a string is a valid RE2 regular expression.
type regexSyntaxValidator struct{}

func (regexSyntaxValidator) Description(context.Context) string {
	return "must be a valid regular expression (RE2 syntax)"
}

func (v regexSyntaxValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v regexSyntaxValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("%s %s: %s", req.Path, v.Description(ctx), err))
	}
}

// memberIDPattern matches what a contact can be bound to: the resource
// directory root ("rd-…"), a folder ("fd-…") or a 16-digit member account ID.
var memberIDPattern = regexp.MustCompile(`^(?:rd-[A-Za-z0-9]+|fd-[A-Za-z0-9]+|[0-9]{16})$`)
