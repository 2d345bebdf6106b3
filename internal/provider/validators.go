package provider

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
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

// emailValidator accepts a bare address (no display name) of ASCII
// characters whose local part has at most 64 characters and whose domain is
// a host name of at least two labels (letters, digits and inner hyphens, 63
// characters each), at most 254 characters in all (RFC 5321): what the
// API's InvalidParameter.EmailAddress check lets through.
type emailValidator struct{}

// domainLabel is one label of a host name (RFC 1123).
var domainLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

func (emailValidator) Description(context.Context) string {
	return "must be an email address such as someone@example.com"
}

func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emailValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if why := emailProblem(s); why != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Email Address",
			fmt.Sprintf("%s %s, got %q: %s.", req.Path, v.Description(ctx), s, why))
	}
}

// emailProblem says what is wrong with s as an email address, or "".
func emailProblem(s string) string {
	if trimmed := strings.TrimSpace(s); trimmed != s && trimmed != "" {
		return fmt.Sprintf("it has leading or trailing space; write it as %q", trimmed)
	}
	if addr, err := mail.ParseAddress(s); err == nil && addr.Address != s && strings.Contains(s, "<") {
		return fmt.Sprintf("it has a display name; the API takes the bare address, write it as %q", addr.Address)
	}
	for _, r := range s {
		if r > 0x7e || r < 0x21 {
			return "only ASCII letters, digits and punctuation are accepted (write an internationalized domain " +
				"in its xn-- form)"
		}
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return "it is not a bare address of the form local-part@domain"
	}
	local, domain, _ := strings.Cut(s, "@")
	switch {
	case len(local) > 64:
		return fmt.Sprintf("the part before @ has %d characters, at most 64 are allowed", len(local))
	case len(s) > 254:
		return fmt.Sprintf("it has %d characters, at most 254 are allowed", len(s))
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "the domain needs at least one dot, as in example.com"
	}
	for _, l := range labels {
		if !domainLabel.MatchString(l) {
			return fmt.Sprintf("the domain label %q is not valid: labels are 1 to 63 letters, digits or hyphens, "+
				"and do not start or end with a hyphen", l)
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "the top-level domain cannot be all digits"
	}
	return ""
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

// positiveDuration accepts a Go duration ("30s", "5m", "1h30m") greater
// than zero. A zero or negative operation timeout would fail every call at
// once with a misleading error, so it is rejected at plan time.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string {
	return `must be a positive duration such as "30s", "10m" or "1h30m"`
}

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v positiveDuration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s %s (a number with a unit: s, m or h), got %q.", req.Path, v.Description(ctx), s))
	case d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s %s, got %q: a zero or negative timeout would end every API call before it starts.",
				req.Path, v.Description(ctx), s))
	}
}

// withPositiveTimeouts adds positiveDuration to every attribute of a
// timeouts block built by the framework-timeouts package.
func withPositiveTimeouts(b schema.Block) schema.Block {
	nb, ok := b.(schema.SingleNestedBlock)
	if !ok {
		return b
	}
	for name, a := range nb.Attributes {
		if sa, ok := a.(schema.StringAttribute); ok {
			sa.Validators = append(sa.Validators, positiveDuration{})
			nb.Attributes[name] = sa
		}
	}
	return nb
}

// oneOf checks a string argument against an enumeration: a wrong value is
// named, the closest accepted value is suggested ("Did you mean …?") when
// there is one, and the accepted values are listed. It replaces the
// framework's stringvalidator.OneOf, whose error quotes every value in Go
// syntax and suggests nothing.
type oneOf struct {
	what   string // a singular noun for one value, such as "title"
	values []string
}

func (v oneOf) Description(context.Context) string {
	return "must be one of " + strings.Join(v.values, ", ")
}

func (v oneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oneOf) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if detail := v.problem(fmt.Sprintf("%s is %%q", req.Path), req.ConfigValue.ValueString()); detail != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+titleCase(v.what), detail)
	}
}

// problem describes s when it is not one of the values, or returns "";
// subject is the sentence's start, with %q where s goes.
func (v oneOf) problem(subject, s string) string {
	if slices.Contains(v.values, s) {
		return ""
	}
	detail := fmt.Sprintf(subject+", which is not a %s the API accepts.", s, v.what)
	if near := closest(s, v.values); near != "" {
		detail += fmt.Sprintf(" Did you mean %q?", near)
		if strings.EqualFold(near, s) {
			detail += " Values are case-sensitive."
		}
	}
	return detail + " It must be one of: " + strings.Join(v.values, ", ") + "."
}

// oneOfEach is oneOf for every element of a set of strings. A wrong element
// is named by its value (the framework's element path would read
// message_types[Value("accountexpenses")]).
type oneOfEach struct{ oneOf }

func (v oneOfEach) Description(context.Context) string {
	return "each element must be one of " + strings.Join(v.values, ", ")
}

func (v oneOfEach) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oneOfEach) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if detail := v.problem(fmt.Sprintf("%s contains %%q", req.Path), s.ValueString()); detail != "" {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+titleCase(v.what), detail)
		}
	}
}

// The enumerated arguments.
var (
	titleValidator        = oneOf{"title", rdapi.Titles}
	messageTypesValidator = oneOfEach{oneOf{"message type", rdapi.MessageTypes}}
	statusValidator       = oneOf{"status", []string{rdapi.StatusVerifying, rdapi.StatusActive, rdapi.StatusDeleting}}
	siteValidator         = oneOf{"site", []string{string(rdapi.SiteChina), string(rdapi.SiteInternational)}}
	channelValidator      = oneOf{"channel", []string{channelEmail, channelPhone}}
	channelsValidator     = oneOfEach{channelValidator}
)

// closest returns the value s most likely meant, ignoring letter case: the
// value equal to s, else the nearest within a small edit distance, else the
// only value containing s ("finance"), else the only value s abbreviates
// ("intl"); or "" when nothing is likely.
func closest(s string, values []string) string {
	lower := strings.ToLower(strings.TrimSpace(s))
	if lower == "" {
		return ""
	}
	best, bestDist := "", max(2, len(lower)/4)+1
	var containing, abbreviated []string
	for _, v := range values {
		lv := strings.ToLower(v)
		if lv == lower {
			return v
		}
		if d := editDistance(lower, lv); d < bestDist {
			best, bestDist = v, d
		}
		if len(lower) >= 3 && strings.Contains(lv, lower) {
			containing = append(containing, v)
		}
		if len(lower) >= 2 && lower[0] == lv[0] && isSubsequence(lower, lv) {
			abbreviated = append(abbreviated, v)
		}
	}
	switch {
	case best != "":
		return best
	case len(containing) == 1:
		return containing[0]
	case len(containing) == 0 && len(abbreviated) == 1:
		return abbreviated[0]
	}
	return ""
}

// isSubsequence reports whether the bytes of a appear in b in order.
func isSubsequence(a, b string) bool {
	for i := 0; i < len(b) && a != ""; i++ {
		if b[i] == a[0] {
			a = a[1:]
		}
	}
	return a == ""
}

// editDistance is the Levenshtein distance between a and b, in bytes (the
// enumerations are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// titleCase capitalises each word of s ("message type" → "Message Type").
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// withPositiveReadTimeout is withPositiveTimeouts for a data source's
// timeouts block.
func withPositiveReadTimeout(b dsschema.Block) dsschema.Block {
	nb, ok := b.(dsschema.SingleNestedBlock)
	if !ok {
		return b
	}
	for name, a := range nb.Attributes {
		if sa, ok := a.(dsschema.StringAttribute); ok {
			sa.Validators = append(sa.Validators, positiveDuration{})
			nb.Attributes[name] = sa
		}
	}
	return nb
}
