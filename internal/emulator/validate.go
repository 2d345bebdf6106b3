package emulator

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Enumerations from the API reference (Data model in the fidelity contract, doc.go).
var (
	titles       = []string{"FinanceDirector", "TechnicalDirector", "MaintenanceDirector", "CEO", "ProjectDirector", "Other"}
	messageTypes = []string{"ServiceMessage", "FaultMessage", "AccountExpenses", "SecurityMessage", "ActivityMessage", "ProductMessage"}
)

var (
	contactIDPattern   = regexp.MustCompile(`^c-[A-Za-z0-9]{16}$`)
	nameCharset        = regexp.MustCompile(`^[A-Za-z\p{Han}]+$`)
	emailPattern       = regexp.MustCompile(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$`)
	phoneShape         = regexp.MustCompile(`^([0-9]{1,4})-([0-9]+)$`)
	mainlandChinaPhone = regexp.MustCompile(`^86-1[0-9]{10}$`)
)

const (
	minNameLength     = 2
	maxNameLength     = 12
	maxMembersPerCall = 5
	defaultPageSize   = 10
	maxPageSize       = 100
)

// contactIDParam reads the ContactId every operation but List requires.
func contactIDParam(p url.Values) (string, *apiError) {
	id, ok := lookup(p, "ContactId")
	if !ok || id == "" {
		return "", fail(codeMissingContactID)
	}
	if !contactIDPattern.MatchString(id) {
		return "", fail(codeInvalidContactID)
	}
	return id, nil
}

func lookup(p url.Values, name string) (string, bool) {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

func validateName(name string) *apiError {
	if n := utf8.RuneCountInString(name); n < minNameLength || n > maxNameLength {
		return failf(codeInvalidNameLength, "The Name must be %d to %d characters long.", minNameLength, maxNameLength)
	}
	if !nameCharset.MatchString(name) {
		return failf(codeInvalidName, "The Name may contain only English letters and Chinese characters.")
	}
	return nil
}

func validateEmail(email string) *apiError {
	if len(email) > 254 || !emailPattern.MatchString(email) {
		return fail(codeInvalidEmail)
	}
	return nil
}

func validatePhone(phone string) *apiError {
	m := phoneShape.FindStringSubmatch(phone)
	if m == nil {
		return failf(codeInvalidPhone, "Use <country code>-<number>, for example 86-13900001234.")
	}
	if m[1] != "86" {
		return fail(codeInvalidCountryCode)
	}
	if !mainlandChinaPhone.MatchString(phone) {
		return failf(codeInvalidPhone, "A mainland China mobile number is 86- followed by 11 digits starting with 1.")
	}
	return nil
}

func validateTitle(title string) *apiError {
	if !slices.Contains(titles, title) {
		return failf(codeInvalidTitle, "Valid values: %s.", strings.Join(titles, ", "))
	}
	return nil
}

// listParam reads a flattened array Name.1 … Name.N. Indexes must run from 1
// without gaps; present reports whether any element was sent.
func listParam(p url.Values, name string) (values []string, present bool, aerr *apiError) {
	prefix := name + "."
	byIndex := map[int]string{}
	for k, v := range p {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || strconv.Itoa(n) != rest {
			return nil, true, failf(codeInvalidParameter, "%s has an invalid index %q; use %s.1 to %s.N.", name, rest, name, name)
		}
		if len(v) > 0 {
			byIndex[n] = v[0]
		}
	}
	if len(byIndex) == 0 {
		return nil, false, nil
	}
	values = make([]string, len(byIndex))
	for i := range values {
		v, ok := byIndex[i+1]
		if !ok {
			return nil, true, failf(codeInvalidParameter, "%s.%d is missing; indexes must be consecutive from 1.", name, i+1)
		}
		values[i] = v
	}
	return values, true, nil
}

// messageTypesParam validates MessageTypes.N against the enumeration and
// drops repeated values, keeping the first occurrence.
func messageTypesParam(p url.Values) ([]string, bool, *apiError) {
	vals, present, aerr := listParam(p, "MessageTypes")
	if aerr != nil || !present {
		return nil, present, aerr
	}
	var out []string
	for _, v := range vals {
		if !slices.Contains(messageTypes, v) {
			return nil, true, failf(codeInvalidMessageTypes, "Valid values: %s.", strings.Join(messageTypes, ", "))
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, true, nil
}

// membersParam validates Members.N: 1 to 5 well-formed IDs, no duplicates,
// each present in the directory.
func membersParam(p url.Values, dir Directory) ([]string, *apiError) {
	vals, present, aerr := listParam(p, "Members")
	if aerr != nil {
		return nil, aerr
	}
	if !present {
		return nil, fail(codeMissingMembers)
	}
	if len(vals) > maxMembersPerCall {
		return nil, failf(codeMembersLength, "At most %d members per call.", maxMembersPerCall)
	}
	for i, v := range vals {
		if !wellFormedMemberID(v) {
			return nil, failf(codeInvalidMembers, "%q is not a resource directory, folder or account ID.", v)
		}
		if slices.Contains(vals[:i], v) {
			return nil, fail(codeMembersDuplicate)
		}
	}
	for _, v := range vals {
		if !dir.contains(v) {
			return nil, failf(codeInvalidMember, "Unknown member %q.", v)
		}
	}
	return vals, nil
}

// pageParams reads PageNumber (default 1, at least 1) and PageSize (default
// 10, 1 to 100).
func pageParams(p url.Values) (number, size int, aerr *apiError) {
	number, size = 1, defaultPageSize
	if v, ok := lookup(p, "PageNumber"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, failf(codeInvalidPageNumber, "PageNumber must be a positive integer.")
		}
		number = n
	}
	if v, ok := lookup(p, "PageSize"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return 0, 0, failf(codeInvalidPageSize, "PageSize must be 1 to %d.", maxPageSize)
		}
		size = n
	}
	return number, size, nil
}

// page returns the slice of items for a 1-based page.
func page[T any](items []T, number, size int) []T {
	start := (number - 1) * size
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+size, len(items))]
}
