package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// plan is the part of `tofu show -json <planfile>` the demo checks.
type plan struct {
	ResourceDrift   []resourceChange `json:"resource_drift"`
	ResourceChanges []resourceChange `json:"resource_changes"`
}

// resourceChange is one entry of resource_changes or resource_drift.
type resourceChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions      []string       `json:"actions"`
		Before       map[string]any `json:"before"`
		After        map[string]any `json:"after"`
		AfterUnknown map[string]any `json:"after_unknown"`
		Importing    *struct {
			ID string `json:"id"`
		} `json:"importing"`
	} `json:"change"`
}

// action is the change's actions joined, e.g. "update", "no-op",
// "delete,create".
func (rc resourceChange) action() string {
	return strings.Join(rc.Change.Actions, ",")
}

// changedAttributes lists, sorted, the top-level attributes whose known
// planned value differs from the prior one.
func (rc resourceChange) changedAttributes() []string {
	var out []string
	for k := range keys(rc.Change.Before, rc.Change.After) {
		if rc.unknown(k) {
			continue
		}
		if !reflect.DeepEqual(rc.Change.Before[k], rc.Change.After[k]) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// unknownAttributes lists, sorted, the top-level attributes that will only
// be known after apply.
func (rc resourceChange) unknownAttributes() []string {
	var out []string
	for k := range rc.Change.AfterUnknown {
		if rc.unknown(k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// unknown reports whether after_unknown marks attribute k (or any part of
// it) unknown.
func (rc resourceChange) unknown(k string) bool {
	return containsTrue(rc.Change.AfterUnknown[k])
}

func containsTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case []any:
		return slices.ContainsFunc(v, containsTrue)
	case map[string]any:
		for _, e := range v {
			if containsTrue(e) {
				return true
			}
		}
	}
	return false
}

// describe renders the known changed attributes as `attr: before → after`.
func (rc resourceChange) describe() []string {
	var out []string
	for _, k := range rc.changedAttributes() {
		out = append(out, fmt.Sprintf("%s: %s → %s", k, render(rc.Change.Before[k]), render(rc.Change.After[k])))
	}
	return out
}

func render(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprint(v)
	}
}

// keys returns the union of the maps' keys.
func keys(maps ...map[string]any) map[string]struct{} {
	out := map[string]struct{}{}
	for _, m := range maps {
		for k := range m {
			out[k] = struct{}{}
		}
	}
	return out
}

// changesOtherThanNoOp returns the resource changes whose action is not
// no-op (a pure import is a no-op with Importing set).
func (p plan) changesOtherThanNoOp() []resourceChange {
	var out []resourceChange
	for _, rc := range p.ResourceChanges {
		if rc.action() != "no-op" {
			out = append(out, rc)
		}
	}
	return out
}

// find returns the change for address.
func find(changes []resourceChange, address string) (resourceChange, bool) {
	i := slices.IndexFunc(changes, func(rc resourceChange) bool { return rc.Address == address })
	if i < 0 {
		return resourceChange{}, false
	}
	return changes[i], true
}

// expectOnlyUpdate checks that the plan changes exactly one resource,
// address, in place, and exactly the attributes want (sorted), with no
// other attribute becoming unknown.
func (p plan) expectOnlyUpdate(address string, want ...string) error {
	changes := p.changesOtherThanNoOp()
	if len(changes) != 1 || changes[0].Address != address {
		var got []string
		for _, rc := range changes {
			got = append(got, rc.Address+" ("+rc.action()+")")
		}
		return fmt.Errorf("expected a change to %s only, the plan changes %v", address, got)
	}
	rc := changes[0]
	if rc.action() != "update" {
		return fmt.Errorf("expected an in-place update of %s, the plan says %q", address, rc.action())
	}
	if got := rc.changedAttributes(); !slices.Equal(got, want) {
		return fmt.Errorf("expected %s to change %v, the plan changes %v", address, want, got)
	}
	if u := rc.unknownAttributes(); len(u) > 0 {
		return fmt.Errorf("expected no attribute of %s to become unknown, the plan marks %v (known after apply)", address, u)
	}
	return nil
}
