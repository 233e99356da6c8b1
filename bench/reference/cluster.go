// Cluster files: a compact multi-node workload (docs/perf/README.md,
// "Cluster files"). The per-node ResourceSlices come from one template in
// which every "$NODE" is replaced by the node name; the devices in use on each
// node are listed as allocation results, each standing for one allocated
// claim exactly as FORMAT.md's `allocatedClaims` (one claim, request req-0,
// that single result).
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"
	resourceapi "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ClusterFile is the on-disk form of a cluster workload.
type ClusterFile struct {
	Kind          string                                                 `json:"kind"` // "cluster"
	Name          string                                                 `json:"name"`
	Features      []string                                               `json:"features"`
	DeviceClasses []*resourceapi.DeviceClass                             `json:"deviceClasses"`
	Claims        []*resourceapi.ResourceClaim                           `json:"claims"`
	Nodes         []ScenarioNode                                         `json:"nodes"`
	SliceTemplate json.RawMessage                                        `json:"sliceTemplate"`
	Allocated     map[string][]resourceapi.DeviceRequestAllocationResult `json:"allocated"`
	Expect        *Expectation                                           `json:"expect,omitempty"`
}

// AllocatedClaimsFor wraps allocation results into allocated claims, one per
// result (FORMAT.md encoding).
func AllocatedClaimsFor(results []resourceapi.DeviceRequestAllocationResult, startIndex int) []*resourceapi.ResourceClaim {
	claims := make([]*resourceapi.ResourceClaim, 0, len(results))
	for i, r := range results {
		r.Request = "req-0"
		claims = append(claims, &resourceapi.ResourceClaim{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("allocated-claim-%d", startIndex+i)},
			Status: resourceapi.ResourceClaimStatus{Allocation: &resourceapi.AllocationResult{
				Devices: resourceapi.DeviceAllocationResult{Results: []resourceapi.DeviceRequestAllocationResult{r}},
			}},
		})
	}
	return claims
}

func loadCluster(path string, data []byte) (*benchInput, error) {
	var cf ClusterFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := ParseFeatures(cf.Features)
	if err != nil {
		return nil, err
	}
	template := string(cf.SliceTemplate)
	in := &benchInput{name: cf.Name, kind: "cluster", features: f, classes: cf.DeviceClasses, claims: cf.Claims, expect: cf.Expect}
	var allocated []*resourceapi.ResourceClaim
	for _, n := range cf.Nodes {
		var slices []*resourceapi.ResourceSlice
		if err := json.Unmarshal([]byte(strings.ReplaceAll(template, "$NODE", n.Name)), &slices); err != nil {
			return nil, fmt.Errorf("%s: sliceTemplate for %s: %w", path, n.Name, err)
		}
		in.slices = append(in.slices, slices...)
		in.nodes = append(in.nodes, &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels}})
		allocated = append(allocated, AllocatedClaimsFor(cf.Allocated[n.Name], len(allocated))...)
	}
	in.state = BuildAllocatedState(allocated, f)
	return in, nil
}
