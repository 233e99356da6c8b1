// Package devicemetadata cross-checks allot's device metadata files (GET /api/v1/claims/NS/NAME/metadata,
// service/tooling/device_metadata_files.h) against the real Go package a container would read them with:
// k8s.io/dynamic-resource-allocation/devicemetadata v0.37.2.
//
// Input: ALLOT_DEVICE_METADATA_DIR, a directory of <case>.json files written by the C++ test
// service_tooling_device_metadata_test (tests/service/tooling/device_metadata_files_test.cc) with
// ALLOT_DEVICE_METADATA_EXPORT_DIR set; tests/service/tooling/device_metadata_crosscheck.sh runs both (CTest
// test device_metadata_go_crosscheck). Each case holds the claim, the ResourceSlices of its devices, and per
// file allot's path and stream. Without the variable the test skips.
//
// For every case it recomputes, independently of allot, what a 1.37 driver writes (kubeletplugin/metadata.go:
// one file per base request and driver, path by metadata.ResourceClaimFilePath / ResourceClaimTemplateFilePath,
// name/namespace/uid/generation 1, podClaimName from the annotation, the result's request name, devices in
// result order, attributes of the slice device, networkData of the claim's device status) and checks allot's
// stream: decodable by devicemetadata.DecodeMetadataFromStream into the internal, v1beta1 and v1alpha1 types
// with declarative validation passing, newest version first, every field equal, and re-encoding by the
// scheme's own encoders reproducing allot's JSON objects exactly (no unknown, missing or renamed field).
package devicemetadata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	resourceapi "k8s.io/api/resource/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/dynamic-resource-allocation/api/metadata"
	"k8s.io/dynamic-resource-allocation/api/metadata/install"
	"k8s.io/dynamic-resource-allocation/api/metadata/v1alpha1"
	"k8s.io/dynamic-resource-allocation/api/metadata/v1beta1"
	"k8s.io/dynamic-resource-allocation/devicemetadata"
	"k8s.io/dynamic-resource-allocation/resourceclaim"
)

// The cases the C++ test must export; a missing one fails (so a silently skipped export cannot pass).
var wantCases = []string{"admin", "mig", "missing-device", "multi", "shared", "template", "template-empty-annotation"}

type exportedFile struct {
	Path    string `json:"path"`
	Driver  string `json:"driver"`
	Request string `json:"request"`
	Stream  string `json:"stream"`
}

type exportedCase struct {
	Case   string                      `json:"case"`
	Claim  resourceapi.ResourceClaim   `json:"claim"`
	Slices []resourceapi.ResourceSlice `json:"slices"`
	Files  []exportedFile              `json:"files"`
}

// What the Go writer would produce for one file, computed here from the claim and the slices.
type wantFile struct {
	path    string
	doc     metadata.DeviceMetadata
	request string
	driver  string
}

func TestAllotDeviceMetadataDecodesWithTheGoPackage(t *testing.T) {
	dir := os.Getenv("ALLOT_DEVICE_METADATA_DIR")
	if dir == "" {
		t.Skip("ALLOT_DEVICE_METADATA_DIR not set (run tests/service/tooling/device_metadata_crosscheck.sh)")
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, name := range names {
		found[strings.TrimSuffix(filepath.Base(name), ".json")] = true
	}
	for _, c := range wantCases {
		if !found[c] {
			t.Errorf("case %s: %s/%s.json missing (the C++ test did not export it)", c, dir, c)
		}
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var c exportedCase
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Run(c.Case, func(t *testing.T) { checkCase(t, &c) })
	}
}

func sliceDevice(slices []resourceapi.ResourceSlice, driver, pool, name string) *resourceapi.Device {
	var found *resourceapi.Device
	var generation int64
	for i := range slices {
		s := &slices[i]
		if s.Spec.Driver != driver || s.Spec.Pool.Name != pool || (found != nil && s.Spec.Pool.Generation <= generation) {
			continue
		}
		for j := range s.Spec.Devices {
			if s.Spec.Devices[j].Name == name {
				found, generation = &s.Spec.Devices[j], s.Spec.Pool.Generation
			}
		}
	}
	return found
}

func expectedFiles(c *exportedCase) map[string]*wantFile {
	claim := &c.Claim
	var podClaimName *string
	if v, ok := claim.Annotations[resourceapi.PodResourceClaimAnnotation]; ok {
		podClaimName = &v
	}
	files := map[string]*wantFile{}
	for _, r := range claim.Status.Allocation.Devices.Results {
		base := resourceclaim.BaseRequestRef(r.Request)
		path := metadata.ResourceClaimFilePath(r.Driver, claim.Name, base)
		if podClaimName != nil && *podClaimName != "" {
			path = metadata.ResourceClaimTemplateFilePath(r.Driver, *podClaimName, base)
		}
		f := files[path]
		if f == nil {
			f = &wantFile{path: path, request: base, driver: r.Driver}
			f.doc.Name, f.doc.Namespace, f.doc.UID, f.doc.Generation = claim.Name, claim.Namespace, claim.UID, 1
			f.doc.PodClaimName = podClaimName
			files[path] = f
		}
		var req *metadata.DeviceMetadataRequest
		for i := range f.doc.Requests {
			if f.doc.Requests[i].Name == r.Request {
				req = &f.doc.Requests[i]
			}
		}
		if req == nil {
			f.doc.Requests = append(f.doc.Requests, metadata.DeviceMetadataRequest{Name: r.Request})
			req = &f.doc.Requests[len(f.doc.Requests)-1]
		}
		d := metadata.Device{Driver: r.Driver, Pool: r.Pool, Name: r.Device}
		if sd := sliceDevice(c.Slices, r.Driver, r.Pool, r.Device); sd != nil && len(sd.Attributes) > 0 {
			d.Attributes = sd.Attributes
		}
		for _, s := range claim.Status.Devices {
			if s.Driver == r.Driver && s.Pool == r.Pool && s.Device == r.Device && derefString(s.ShareID) == derefUID(r.ShareID) {
				d.NetworkData = s.NetworkData
			}
		}
		req.Devices = append(req.Devices, d)
	}
	return files
}

// splitStream returns the JSON objects of a metadata stream as generic values.
func splitStream(t *testing.T, stream string) []map[string]any {
	var out []map[string]any
	dec := json.NewDecoder(strings.NewReader(stream))
	for dec.More() {
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("stream object %d: %v", len(out), err)
		}
		out = append(out, obj)
	}
	return out
}

func checkCase(t *testing.T, c *exportedCase) {
	want := expectedFiles(c)
	if len(c.Files) != len(want) {
		t.Errorf("allot wrote %d files, a 1.37 driver writes %d", len(c.Files), len(want))
	}
	scheme := install.NewScheme()
	codecs := runtimeserializer.NewCodecFactory(scheme)
	info, _ := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	for _, f := range c.Files {
		w := want[f.Path]
		if w == nil {
			var paths []string
			for p := range want {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			t.Errorf("allot's path %s is none of the driver's %v", f.Path, paths)
			continue
		}
		if f.Driver != w.driver || f.Request != w.request {
			t.Errorf("%s: driver/request %s/%s, want %s/%s", f.Path, f.Driver, f.Request, w.driver, w.request)
		}

		// Into the internal type, as ReadResourceClaimMetadata does, with declarative validation.
		var internal metadata.DeviceMetadata
		var validation error
		var gvk schema.GroupVersionKind
		err := devicemetadata.DecodeMetadataFromStream(json.NewDecoder(strings.NewReader(f.Stream)), &internal,
			devicemetadata.DecodeMetadataWithValidationResult(&validation), devicemetadata.DecodeMetadataStoreGVKResult(&gvk))
		if err != nil {
			t.Errorf("%s: DecodeMetadataFromStream: %v", f.Path, err)
			continue
		}
		checkValidation(t, f.Path, validation, &w.doc)
		if gvk != v1beta1.SchemeGroupVersion.WithKind("DeviceMetadata") {
			t.Errorf("%s: first decoded object is %v, want v1beta1 first (as 1.37 writes)", f.Path, gvk)
		}
		compareDoc(t, f.Path, &internal, &w.doc)

		// Each object alone, into its own versioned type: both versions hold the same document.
		objects := splitStream(t, f.Stream)
		if len(objects) != 2 {
			t.Errorf("%s: %d objects in the stream, want 2 (v1beta1, v1alpha1)", f.Path, len(objects))
			continue
		}
		for i, gv := range []schema.GroupVersion{v1beta1.SchemeGroupVersion, v1alpha1.SchemeGroupVersion} {
			raw, _ := json.Marshal(objects[i])
			var dest runtime.Object = &v1beta1.DeviceMetadata{}
			if gv == v1alpha1.SchemeGroupVersion {
				dest = &v1alpha1.DeviceMetadata{}
			}
			var objGVK schema.GroupVersionKind
			var objValidation error
			if err := devicemetadata.DecodeMetadataFromStream(json.NewDecoder(bytes.NewReader(raw)), dest,
				devicemetadata.DecodeMetadataStoreGVKResult(&objGVK), devicemetadata.DecodeMetadataWithValidationResult(&objValidation)); err != nil {
				t.Errorf("%s object %d: %v", f.Path, i, err)
				continue
			}
			if objGVK.GroupVersion() != gv {
				t.Errorf("%s object %d: apiVersion %v, want %v", f.Path, i, objGVK.GroupVersion(), gv)
			}
			checkValidation(t, f.Path+" object "+gv.Version, objValidation, &w.doc)
			var back metadata.DeviceMetadata
			if err := scheme.Convert(dest, &back, nil); err != nil {
				t.Fatalf("%s object %d: convert: %v", f.Path, i, err)
			}
			compareDoc(t, f.Path+" ("+gv.Version+")", &back, &w.doc)

			// The driver's own encoder (kubeletplugin's metadataWriter uses the same codec) writes exactly
			// allot's object: nothing allot writes is unknown to Go, nothing Go writes is missing.
			encoded, err := runtime.Encode(codecs.EncoderForVersion(info.Serializer, gv), &internal)
			if err != nil {
				t.Fatalf("%s: encode %v: %v", f.Path, gv, err)
			}
			var goObject map[string]any
			if err := json.Unmarshal(encoded, &goObject); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(goObject, objects[i]) {
				t.Errorf("%s object %d: the Go writer encodes\n  %s\nallot wrote\n  %s", f.Path, i, encoded, raw)
			}
		}
	}
}

func compareDoc(t *testing.T, where string, got, want *metadata.DeviceMetadata) {
	t.Helper()
	if got.Name != want.Name || got.Namespace != want.Namespace || got.UID != want.UID || got.Generation != want.Generation {
		t.Errorf("%s: metadata %s/%s uid=%s generation=%d, want %s/%s uid=%s generation=%d", where,
			got.Namespace, got.Name, got.UID, got.Generation, want.Namespace, want.Name, want.UID, want.Generation)
	}
	if !reflect.DeepEqual(got.PodClaimName, want.PodClaimName) {
		t.Errorf("%s: podClaimName %v, want %v", where, strp(got.PodClaimName), strp(want.PodClaimName))
	}
	if len(got.Requests) != len(want.Requests) {
		t.Errorf("%s: %d requests, want %d", where, len(got.Requests), len(want.Requests))
		return
	}
	for i := range want.Requests {
		g, w := got.Requests[i], want.Requests[i]
		if g.Name != w.Name {
			t.Errorf("%s: requests[%d].name %q, want %q", where, i, g.Name, w.Name)
		}
		if len(g.Devices) != len(w.Devices) {
			t.Errorf("%s: requests[%d]: %d devices, want %d", where, i, len(g.Devices), len(w.Devices))
			continue
		}
		for j := range w.Devices {
			gd, wd := g.Devices[j], w.Devices[j]
			at := where + ": requests[" + g.Name + "].devices[" + wd.Name + "]"
			if gd.Driver != wd.Driver || gd.Pool != wd.Pool || gd.Name != wd.Name {
				t.Errorf("%s: %s/%s/%s, want %s/%s/%s", at, gd.Driver, gd.Pool, gd.Name, wd.Driver, wd.Pool, wd.Name)
			}
			if len(gd.Attributes) != len(wd.Attributes) {
				t.Errorf("%s: %d attributes, want %d", at, len(gd.Attributes), len(wd.Attributes))
			}
			for k, wv := range wd.Attributes {
				if gv, ok := gd.Attributes[k]; !ok || !reflect.DeepEqual(gv, wv) {
					t.Errorf("%s: attribute %s = %+v, want %+v", at, k, gv, wv)
				}
			}
			if !reflect.DeepEqual(gd.NetworkData, wd.NetworkData) {
				t.Errorf("%s: networkData %+v, want %+v", at, gd.NetworkData, wd.NetworkData)
			}
		}
	}
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefUID(u *types.UID) string {
	if u == nil {
		return ""
	}
	return string(*u)
}

// checkValidation: declarative validation must pass, except for the one case where the Go writer itself writes
// an invalid document: a claim whose pod-claim-name annotation is present but empty (kubeletplugin copies the
// annotation into podClaimName as is; allot mirrors the writer, and the error must then name exactly that).
func checkValidation(t *testing.T, where string, err error, want *metadata.DeviceMetadata) {
	t.Helper()
	if want.PodClaimName != nil && *want.PodClaimName == "" {
		if err == nil || !strings.HasPrefix(err.Error(), "podClaimName: Invalid value: \"\"") {
			t.Errorf("%s: validation %v, want only the empty podClaimName error the Go writer also produces", where, err)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: validation: %v", where, err)
	}
}

func strp(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return "\"" + *s + "\""
}
