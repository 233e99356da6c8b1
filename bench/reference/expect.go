// `expect` mode: fill the `expect` object of generated workload scenarios
// from the reference allocator (by default its incubating channel, as bench), so that the
// workloads double as scenarios whose expectation is the real allocator's
// decision. Every other field of the file is kept; keys are rewritten sorted.
// shareIDs are written as the fixed UUID FORMAT.md uses (compared by presence).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

const fixedShareID = types.UID("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")

// FillExpect rewrites path in place with `expect` set from the reference.
// channel is the preferred implementation (see bench); timeout bounds the
// search (a timed-out case gets no expectation).
func FillExpect(path, channel string, timeout time.Duration) (string, error) {
	s, err := LoadScenario(path)
	if err != nil {
		return "", err
	}
	if s.Node.Name == "" {
		return "", fmt.Errorf("%s: not a scenario file (cluster files carry no expectation)", path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	results, aerr, _, ok := runScenario(ctx, s, channel, true)
	if ctx.Err() != nil {
		return "", fmt.Errorf("%s: reference gave up after %v: %v", path, timeout, aerr)
	}
	if !ok {
		return "", fmt.Errorf("%s: no reference channel supports features %v", path, s.Features)
	}
	exp := map[string]any{"outcome": Outcome(results, aerr)}
	if aerr != nil {
		exp["errorContains"] = aerr.Error()
	}
	if len(results) > 0 {
		for i := range results {
			for j := range results[i].Devices.Results {
				if results[i].Devices.Results[j].ShareID != nil {
					id := fixedShareID
					results[i].Devices.Results[j].ShareID = &id
				}
			}
		}
		exp["allocations"] = results
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", err
	}
	doc["expect"] = exp
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return "", err
	}
	return exp["outcome"].(string), os.WriteFile(path, buf.Bytes(), 0o644)
}
