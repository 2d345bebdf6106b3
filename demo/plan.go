package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// The demo's checks on a saved plan (`show -json <planfile>`, decoded by
// terraform-exec into terraform-json's types).

// action is the change's actions joined, e.g. "update", "no-op",
// "delete,create".
func action(rc *tfjson.ResourceChange) string {
	if rc.Change == nil {
		return ""
	}
	parts := make([]string, len(rc.Change.Actions))
	for i, a := range rc.Change.Actions {
		parts[i] = string(a)
	}
	return strings.Join(parts, ",")
}

// object returns a planned value as an object (nil for null).
func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// changedAttributes lists, sorted, the top-level attributes whose known
// planned value differs from the prior one.
func changedAttributes(rc *tfjson.ResourceChange) []string {
	if rc.Change == nil {
		return nil
	}
	before, after := object(rc.Change.Before), object(rc.Change.After)
	var out []string
	for k := range keys(before, after) {
		if unknown(rc, k) {
			continue
		}
		if !reflect.DeepEqual(before[k], after[k]) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// unknownAttributes lists, sorted, the top-level attributes that will only
// be known after apply.
func unknownAttributes(rc *tfjson.ResourceChange) []string {
	if rc.Change == nil {
		return nil
	}
	var out []string
	for k := range object(rc.Change.AfterUnknown) {
		if unknown(rc, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// unknown reports whether after_unknown marks attribute k (or any part of
// it) unknown.
func unknown(rc *tfjson.ResourceChange, k string) bool {
	return containsTrue(object(rc.Change.AfterUnknown)[k])
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
func describe(rc *tfjson.ResourceChange) []string {
	var out []string
	for _, k := range changedAttributes(rc) {
		out = append(out, fmt.Sprintf("%s: %s → %s", k, render(object(rc.Change.Before)[k]), render(object(rc.Change.After)[k])))
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
func changesOtherThanNoOp(p *tfjson.Plan) []*tfjson.ResourceChange {
	var out []*tfjson.ResourceChange
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || !rc.Change.Actions.NoOp() {
			out = append(out, rc)
		}
	}
	return out
}

// find returns the change for address.
func find(changes []*tfjson.ResourceChange, address string) (*tfjson.ResourceChange, bool) {
	i := slices.IndexFunc(changes, func(rc *tfjson.ResourceChange) bool { return rc.Address == address })
	if i < 0 {
		return nil, false
	}
	return changes[i], true
}

// expectOnlyUpdate checks that the plan changes exactly one resource,
// address, in place, and exactly the attributes want (sorted), with no
// other attribute becoming unknown.
func expectOnlyUpdate(p *tfjson.Plan, address string, want ...string) error {
	changes := changesOtherThanNoOp(p)
	if len(changes) != 1 || changes[0].Address != address {
		var got []string
		for _, rc := range changes {
			got = append(got, rc.Address+" ("+action(rc)+")")
		}
		return fmt.Errorf("expected a change to %s only, the plan changes %v", address, got)
	}
	rc := changes[0]
	if !rc.Change.Actions.Update() {
		return fmt.Errorf("expected an in-place update of %s, the plan says %q", address, action(rc))
	}
	if got := changedAttributes(rc); !slices.Equal(got, want) {
		return fmt.Errorf("expected %s to change %v, the plan changes %v", address, want, got)
	}
	if u := unknownAttributes(rc); len(u) > 0 {
		return fmt.Errorf("expected no attribute of %s to become unknown, the plan marks %v (known after apply)", address, u)
	}
	return nil
}
