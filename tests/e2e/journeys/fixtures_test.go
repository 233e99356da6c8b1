package journeys

// Device fixtures from tests/testdata/data (kubectl-style Lists of resource.k8s.io/v1 objects), rewritten
// for one test: server-set metadata is dropped, slices get the test's node name as nodeName and pool name,
// and unique object names.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	resourcev1 "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type fixtureList[T any] struct {
	Items []T `json:"items"`
}

func loadFixture[T any](file string) ([]T, error) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "tests", "testdata", "data", file))
	if err != nil {
		return nil, err
	}
	var l fixtureList[T]
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return l.Items, nil
}

// cleanMeta keeps only what a user would write: name, labels and annotations.
func cleanMeta(m metav1.ObjectMeta, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: m.Labels, Annotations: m.Annotations}
}

// fixtureClass returns the DeviceClass `name` from a fixture file.
func (e *env) fixtureClass(file, name string) *resourcev1.DeviceClass {
	e.t.Helper()
	classes, err := loadFixture[resourcev1.DeviceClass](file)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range classes {
		if c.Name == name {
			c.ObjectMeta = cleanMeta(c.ObjectMeta, c.Name)
			return &c
		}
	}
	e.t.Fatalf("%s: no DeviceClass %s", file, name)
	return nil
}

// addFixtureSlices publishes the slices of a single-node fixture for node (pool = node name). keep, when
// non-nil, filters the devices (a slice left without devices and counters is dropped, and the pool's
// resourceSliceCount is set to the number of slices actually published).
func (e *env) addFixtureSlices(file, node string, keep func(resourcev1.Device) bool) []*resourcev1.ResourceSlice {
	e.t.Helper()
	out := e.fixtureSlices(file, node, keep)
	for _, s := range out {
		e.addSlice(s)
	}
	return out
}

// fixtureSlices is addFixtureSlices without creating the slices, for a test that changes them first.
func (e *env) fixtureSlices(file, node string, keep func(resourcev1.Device) bool) []*resourcev1.ResourceSlice {
	e.t.Helper()
	slices, err := loadFixture[resourcev1.ResourceSlice](file)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*resourcev1.ResourceSlice
	for i := range slices {
		s := slices[i]
		if keep != nil {
			var devs []resourcev1.Device
			for _, d := range s.Spec.Devices {
				if keep(d) {
					devs = append(devs, d)
				}
			}
			s.Spec.Devices = devs
			if len(devs) == 0 && len(s.Spec.SharedCounters) == 0 {
				continue
			}
		}
		s.ObjectMeta = cleanMeta(s.ObjectMeta, fmt.Sprintf("%s-%s-%d", node, s.Spec.Driver, i))
		s.Spec.NodeName = &node
		s.Spec.Pool.Name = node
		out = append(out, &s)
	}
	for _, s := range out {
		s.Spec.Pool.ResourceSliceCount = int64(len(out))
	}
	return out
}

// deviceNamed returns a keep-filter for addFixtureSlices that keeps the named devices.
func deviceNamed(names ...string) func(resourcev1.Device) bool {
	return func(d resourcev1.Device) bool {
		for _, n := range names {
			if d.Name == n {
				return true
			}
		}
		return false
	}
}
