// Comparison of the reference allocator's output with a scenario's `expect`,
// following shared/scenarios/FORMAT.md "Comparing an allocator's output":
// outcome, errorContains, one allocation per claim (by index), results as an
// unordered multiset (literal order for cases marked ordered), shareID by
// presence only, node-selector terms/requirements/values order-insensitive.
//
// Two levels are checked. The *semantic* comparison decides PASS/FAIL: both
// sides are decoded into resourceapi.AllocationResult and re-encoded, so that
// e.g. "1024Mi" and "1Gi" compare equal. The *wire* comparison looks at the
// expected JSON exactly as written against the JSON the reference marshals;
// a difference there is reported as a note (it matters for an allocator that
// wants byte-identical output) but does not fail the case.
package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	resourceapi "k8s.io/api/resource/v1"
)

const shareIDPlaceholder = "<set>"

// Outcome classifies an Allocate return value the way FORMAT.md does.
func Outcome(results []resourceapi.AllocationResult, err error) string {
	switch {
	case err != nil:
		return "error"
	case len(results) == 0:
		return "unsatisfiable"
	default:
		return "allocated"
	}
}

// CompareWithExpect returns "" when the reference output matches `expect`,
// otherwise a one-line reason. notes collects wire-level differences.
func CompareWithExpect(exp Expectation, ordered bool, results []resourceapi.AllocationResult, err error) (reason string, notes []string) {
	got := Outcome(results, err)
	if got != exp.Outcome {
		detail := ""
		if err != nil {
			detail = fmt.Sprintf(" (error: %v)", err)
		} else if len(results) > 0 {
			b, _ := json.Marshal(results)
			detail = fmt.Sprintf(" (results: %s)", truncate(string(b), 600))
		}
		return fmt.Sprintf("outcome %s, expected %s%s", got, exp.Outcome, detail), nil
	}
	switch got {
	case "error":
		if !strings.Contains(err.Error(), exp.ErrorContains) {
			return fmt.Sprintf("error %q does not contain %q", err.Error(), exp.ErrorContains), nil
		}
		return "", nil
	case "unsatisfiable":
		return "", nil
	}
	if len(results) != len(exp.Allocations) {
		return fmt.Sprintf("%d allocation results, expected %d", len(results), len(exp.Allocations)), nil
	}
	for i := range results {
		refWire, err := toGeneric(results[i])
		if err != nil {
			return fmt.Sprintf("claim %d: cannot encode result: %v", i, err), nil
		}
		refSem, err := roundTrip(refWire)
		if err != nil {
			return fmt.Sprintf("claim %d: %v", i, err), nil
		}
		expWire, err := rawToGeneric(exp.Allocations[i])
		if err != nil {
			return fmt.Sprintf("claim %d: bad expected allocation: %v", i, err), nil
		}
		expSem, err := roundTrip(expWire)
		if err != nil {
			return fmt.Sprintf("claim %d: bad expected allocation: %v", i, err), nil
		}
		normalize(refSem, ordered)
		normalize(expSem, ordered)
		if !reflect.DeepEqual(refSem, expSem) {
			return fmt.Sprintf("claim %d: got %s, expected %s", i, canon(refSem), canon(expSem)), nil
		}
		normalize(refWire, ordered)
		normalize(expWire, ordered)
		if !reflect.DeepEqual(refWire, expWire) {
			notes = append(notes, fmt.Sprintf("claim %d wire form differs: reference %s, file %s",
				i, canon(refWire), canon(expWire)))
		}
		if !ordered {
			if lit, err := toGeneric(results[i]); err == nil {
				expLit, _ := rawToGeneric(exp.Allocations[i])
				if !sameResultOrder(lit, expLit) {
					notes = append(notes, fmt.Sprintf("claim %d: results equal as a multiset but in a different order", i))
				}
			}
		}
	}
	return "", notes
}

func toGeneric(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return rawToGeneric(b)
}

func rawToGeneric(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// roundTrip decodes a generic allocation into the typed API struct and
// encodes it again, which canonicalises quantities and omitted fields.
func roundTrip(m map[string]any) (map[string]any, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var a resourceapi.AllocationResult
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	return toGeneric(a)
}

// normalize rewrites an allocation in place so that order-insensitive parts
// compare equal: shareID values, result order (unless ordered), node selector
// terms, requirements and values.
func normalize(m map[string]any, ordered bool) {
	if devices, ok := m["devices"].(map[string]any); ok {
		if results, ok := devices["results"].([]any); ok {
			for _, r := range results {
				if rm, ok := r.(map[string]any); ok {
					if _, has := rm["shareID"]; has {
						rm["shareID"] = shareIDPlaceholder
					}
				}
			}
			if !ordered {
				sortByCanon(results)
			}
		}
		if len(devices) == 0 {
			delete(m, "devices")
		}
	}
	if ns, ok := m["nodeSelector"].(map[string]any); ok {
		if terms, ok := ns["nodeSelectorTerms"].([]any); ok {
			for _, t := range terms {
				tm, ok := t.(map[string]any)
				if !ok {
					continue
				}
				for _, key := range []string{"matchExpressions", "matchFields"} {
					reqs, ok := tm[key].([]any)
					if !ok {
						continue
					}
					for _, r := range reqs {
						if rm, ok := r.(map[string]any); ok {
							if vals, ok := rm["values"].([]any); ok {
								sortByCanon(vals)
							}
						}
					}
					sortByCanon(reqs)
				}
			}
			sortByCanon(terms)
		}
	}
}

func sortByCanon(list []any) {
	sort.SliceStable(list, func(i, j int) bool { return canon(list[i]) < canon(list[j]) })
}

// canon is a deterministic JSON rendering (encoding/json sorts map keys).
func canon(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameResultOrder reports whether the device results appear in the same
// (driver, pool, device, request) order in both allocations.
func sameResultOrder(a, b map[string]any) bool {
	key := func(m map[string]any) []string {
		var out []string
		d, _ := m["devices"].(map[string]any)
		rs, _ := d["results"].([]any)
		for _, r := range rs {
			rm, _ := r.(map[string]any)
			out = append(out, fmt.Sprint(rm["request"], "/", rm["driver"], "/", rm["pool"], "/", rm["device"]))
		}
		return out
	}
	return reflect.DeepEqual(key(a), key(b))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
