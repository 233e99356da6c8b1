package journeys

// Journey: binding conditions (KEP-5007, beta and on by default in 1.37), stock scheduler vs allot. One
// node's slice has three devices with bindingConditions [Attached] and bindingFailureConditions
// [AttachFailed], told apart by an attribute `mode`. A fake driver (a goroutine of this test, watching the
// namespace's claims) acts on every allocation of them as a real driver would in status.devices:
//
//	ok     after 2 s sets Attached=True                    -> the pod is bound, never before that
//	fail   sets AttachFailed=True                          -> the pod stays unbound; the claim is deallocated
//	never  sets nothing                                    -> after harness.BindingTimeout the same
//
// Both schedulers retry a failed or timed-out pod; the journey checks the first deallocation and that the pod
// was never bound. Only the outcome is compared: the stock scheduler polls every 5 s in PreBind and
// deallocates in the next cycle's PostFilter, allot waits on the claim watch and undoes in bind.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	resourcev1 "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"allot/tests/e2e/harness"
)

const (
	bcDriver     = "bc.e2e.allot.example"
	bcCondition  = "Attached"
	bcFailure    = "AttachFailed"
	bcReadyDelay = 2 * time.Second
)

func TestBindingConditions(t *testing.T) {
	if !cl.BindingConditionsEnabled() {
		t.Skip("binding-condition gates are off in E2E_FEATURE_GATES")
	}
	variants(t, func(e *env) {
		class := e.prefix + "-bc"
		e.addClass(&resourcev1.DeviceClass{
			ObjectMeta: metav1.ObjectMeta{Name: class},
			Spec: resourcev1.DeviceClassSpec{Selectors: []resourcev1.DeviceSelector{{
				CEL: &resourcev1.CELDeviceSelector{Expression: fmt.Sprintf("device.driver == %q", bcDriver)},
			}}},
		})
		node := e.addNode("n1")
		var devices []resourcev1.Device
		for _, mode := range []string{"ok", "fail", "never"} {
			devices = append(devices, resourcev1.Device{
				Name:                     mode + "-0",
				Attributes:               map[resourcev1.QualifiedName]resourcev1.DeviceAttribute{"mode": {StringValue: ptr.To(mode)}},
				BindsToNode:              ptr.To(true),
				BindingConditions:        []string{bcCondition},
				BindingFailureConditions: []string{bcFailure},
			})
		}
		e.addSlice(&resourcev1.ResourceSlice{
			ObjectMeta: metav1.ObjectMeta{Name: node + "-bc"},
			Spec: resourcev1.ResourceSliceSpec{
				Driver:   bcDriver,
				NodeName: &node,
				Pool:     resourcev1.ResourcePool{Name: node, Generation: 1, ResourceSliceCount: 1},
				Devices:  devices,
			},
		})
		driver := startFakeBindingDriver(e)

		claim := func(mode string) {
			e.addClaim(&resourcev1.ResourceClaim{
				ObjectMeta: metav1.ObjectMeta{Name: mode},
				Spec: resourcev1.ResourceClaimSpec{Devices: resourcev1.DeviceClaim{Requests: []resourcev1.DeviceRequest{{
					Name: "dev",
					Exactly: &resourcev1.ExactDeviceRequest{
						DeviceClassName: class,
						Selectors: []resourcev1.DeviceSelector{{CEL: &resourcev1.CELDeviceSelector{
							Expression: fmt.Sprintf("device.attributes[%q].mode == %q", bcDriver, mode),
						}}},
					},
				}}}},
			})
			e.addPod(mode, claimRef("dev", mode))
		}

		// Success: bound once the condition is True (the driver checks the pod was not bound before).
		claim("ok")
		if got := e.waitBound("ok"); got != node {
			e.t.Fatalf("pod ok bound to %s, want %s", got, node)
		}
		c := e.getClaim("ok")
		e.checkAllocatedFor(c, e.getPod("ok"), node)
		if r := c.Status.Allocation.Devices.Results; len(r) != 1 || !hasString(r[0].BindingConditions, bcCondition) {
			e.t.Fatalf("claim ok: results %+v do not carry the device's binding conditions", r)
		}
		if c.Status.Allocation.AllocationTimestamp == nil {
			e.t.Fatalf("claim ok: allocationTimestamp not set")
		}

		// Failure and timeout: deallocated, never bound.
		for _, mode := range []string{"fail", "never"} {
			claim(mode)
			wait := bindTimeout
			if mode == "never" {
				wait += 2 * harness.BindingTimeout
			}
			e.eventually(wait, "claim "+mode+" to be deallocated after its binding "+mode+"ed", func() (bool, string) {
				return driver.deallocations(mode) > 0, scheduledCondition(e.getPod(mode))
			})
			if p := e.getPod(mode); p.Spec.NodeName != "" {
				e.t.Fatalf("pod %s bound to %s although its device's binding did not succeed", mode, p.Spec.NodeName)
			}
			e.deletePod(mode)
		}
		if v := driver.violations(); v != "" {
			e.t.Fatal(v)
		}
	})
}

// fakeBindingDriver plays the driver of bcDriver's devices for one namespace.
type fakeBindingDriver struct {
	e      *env
	mu     sync.Mutex
	state  map[string]*bcClaimState // by claim name
	errors []string
}

type bcClaimState struct {
	allocated     bool // the last event showed an allocation
	deallocations int  // allocated -> not allocated transitions
}

func startFakeBindingDriver(e *env) *fakeBindingDriver {
	d := &fakeBindingDriver{e: e, state: map[string]*bcClaimState{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			w, err := e.c.ResourceV1().ResourceClaims(e.ns).Watch(ctx, metav1.ListOptions{})
			if err != nil {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			for ev := range w.ResultChan() {
				if c, ok := ev.Object.(*resourcev1.ResourceClaim); ok {
					d.observe(ctx, c)
				}
			}
			w.Stop()
		}
	}()
	return d
}

func (d *fakeBindingDriver) deallocations(claim string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.state[claim]; s != nil {
		return s.deallocations
	}
	return 0
}

func (d *fakeBindingDriver) violations() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.errors) == 0 {
		return ""
	}
	return fmt.Sprintf("fake driver: %v", d.errors)
}

func (d *fakeBindingDriver) fail(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.errors = append(d.errors, fmt.Sprintf(format, args...))
}

// observe handles one watch event of claim c: counts deallocations and writes the device's conditions.
func (d *fakeBindingDriver) observe(ctx context.Context, c *resourcev1.ResourceClaim) {
	d.mu.Lock()
	s := d.state[c.Name]
	if s == nil {
		s = &bcClaimState{}
		d.state[c.Name] = s
	}
	allocated := c.Status.Allocation != nil
	if s.allocated && !allocated {
		s.deallocations++
	}
	s.allocated = allocated
	d.mu.Unlock()
	if !allocated || len(c.Status.Devices) > 0 {
		return // nothing to do, or this allocation's status is written already
	}
	for _, r := range c.Status.Allocation.Devices.Results {
		if r.Driver != bcDriver || len(r.BindingConditions) == 0 {
			continue
		}
		var cond string
		switch r.Device {
		case "ok-0":
			cond = bcCondition
			time.Sleep(bcReadyDelay) // a device that takes a while to attach
			if p, err := d.e.c.CoreV1().Pods(d.e.ns).Get(ctx, c.Name, metav1.GetOptions{}); err == nil && p.Spec.NodeName != "" {
				d.fail("pod %s was bound to %s before %s was True", c.Name, p.Spec.NodeName, cond)
			}
		case "fail-0":
			cond = bcFailure
		default:
			continue // never
		}
		d.setCondition(ctx, c.Name, r, cond)
	}
}

// setCondition writes status.devices for result r of the current claim, retrying conflicts.
func (d *fakeBindingDriver) setCondition(ctx context.Context, name string, r resourcev1.DeviceRequestAllocationResult, cond string) {
	for attempt := 0; attempt < 10 && ctx.Err() == nil; attempt++ {
		c, err := d.e.c.ResourceV1().ResourceClaims(d.e.ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil || c.Status.Allocation == nil {
			return // gone or deallocated meanwhile: the next allocation brings a new event
		}
		c.Status.Devices = []resourcev1.AllocatedDeviceStatus{{
			Driver: r.Driver, Pool: r.Pool, Device: r.Device,
			Conditions: []metav1.Condition{{
				Type: cond, Status: metav1.ConditionTrue, Reason: "FakeDriver", Message: "set by the e2e fake driver",
				LastTransitionTime: metav1.Now(),
			}},
		}}
		_, err = d.e.c.ResourceV1().ResourceClaims(d.e.ns).UpdateStatus(ctx, c, metav1.UpdateOptions{})
		if err == nil || !apierrors.IsConflict(err) {
			if err != nil && ctx.Err() == nil {
				d.fail("set %s on claim %s: %v", cond, name, err)
			}
			return
		}
	}
}
