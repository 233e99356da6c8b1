#!/usr/bin/env python3
"""Generates random allocation scenarios (FORMAT.md) for differential testing against the
Kubernetes reference allocator.

    python3 gen_random_scenarios.py OUTDIR [COUNT] [SEED]
    build/bench-reference/reference expect OUTDIR/*.json    # fill `expect` from the reference
    allot conformance scenarios OUTDIR                      # compare allot with it

Cases mix node-local and network-attached slices, multi-slice pools, partitionable devices with
shared counters, taints/tolerations, allocated devices, admin access, ExactCount/All,
firstAvailable, matchAttribute constraints and several claims. They avoid config entries
(1.36 and master differ there) and error outcomes whose wording differs between implementations.
Deterministic for a given seed.
"""
import json
import os
import random
import sys


def sel(expr):
    return {"cel": {"expression": expr}}


def gen(rng, idx):
    features = ["AdminAccess", "PrioritizedList", "PartitionableDevices", "DeviceTaints"]
    extended = rng.random() < 0.5
    if extended:
        features += ["BindingConditions", "ConsumableCapacity"]
    classes = [
        {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass", "metadata": {"name": "class-a"},
         "spec": {"selectors": [sel('device.driver == "driver-a"')]}},
        {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass", "metadata": {"name": "class-b"},
         "spec": {"selectors": [sel('device.driver == "driver-b"')]}},
    ]
    slices = []
    devices = []  # (driver, pool, name)
    for driver in ["driver-a", "driver-b"]:
        for p in range(rng.randint(1, 2)):
            pool = f"pool-{p}"
            nslices = rng.randint(1, 2)
            partitionable = rng.random() < 0.4
            count = nslices + (1 if partitionable else 0)
            local = rng.random() < 0.8
            if partitionable:
                slices.append({"apiVersion": "resource.k8s.io/v1", "kind": "ResourceSlice",
                               "metadata": {"name": f"{driver}-{pool}-counters"},
                               "spec": {"driver": driver, "pool": {"name": pool, "generation": 1, "resourceSliceCount": count},
                                        "allNodes": True,
                                        "sharedCounters": [{"name": "set-0", "counters": {"mem": {"value": str(rng.randint(2, 6))}}}]}})
            for s in range(nslices):
                devs = []
                for d in range(rng.randint(2, 5)):
                    name = f"dev-{s}-{d}"
                    dev = {"name": name, "attributes": {"numa": {"int": rng.randint(0, 1)},
                                                        "model": {"string": rng.choice(["x", "y"])}},
                           "capacity": {"mem": {"value": str(rng.randint(1, 3))}}}
                    if partitionable:
                        dev["consumesCounters"] = [{"counterSet": "set-0", "counters": {"mem": {"value": dev["capacity"]["mem"]["value"]}}}]
                    if extended and rng.random() < 0.25:
                        dev["allowMultipleAllocations"] = True
                        if rng.random() < 0.5:
                            dev["capacity"]["mem"]["requestPolicy"] = rng.choice([
                                {"default": "1", "validRange": {"min": "1", "step": "1"}},
                                {"default": "1", "validValues": ["1", "2"]}])
                    if extended and rng.random() < 0.1:
                        dev["bindingConditions"] = ["ready"]
                        dev["bindingFailureConditions"] = ["failed"]
                        if rng.random() < 0.5:
                            dev["bindsToNode"] = True
                    if rng.random() < 0.15:
                        dev["taints"] = [{"key": "t", "value": "v", "effect": rng.choice(["NoSchedule", "NoExecute", "None"])}]
                    devs.append(dev)
                    devices.append((driver, pool, name))
                spec = {"driver": driver, "pool": {"name": pool, "generation": 1, "resourceSliceCount": count}, "devices": devs}
                if local:
                    spec["nodeName"] = "node-1"
                else:
                    spec["nodeSelector"] = {"nodeSelectorTerms": [{"matchExpressions": [
                        {"key": "region", "operator": "In", "values": ["region-1"]}]}]}
                slices.append({"apiVersion": "resource.k8s.io/v1", "kind": "ResourceSlice",
                               "metadata": {"name": f"{driver}-{pool}-slice-{s}"}, "spec": spec})
    allocated = []
    for i, (driver, pool, name) in enumerate(rng.sample(devices, k=min(len(devices), rng.randint(0, 2)))):
        allocated.append({"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
                          "metadata": {"name": f"allocated-claim-{i}"},
                          "spec": {"devices": {"requests": [{"name": "req-0", "exactly": {
                              "deviceClassName": "class-a" if driver == "driver-a" else "class-b",
                              "allocationMode": "ExactCount", "count": 1}}]}},
                          "status": {"allocation": {"devices": {"results": [
                              {"request": "req-0", "driver": driver, "pool": pool, "device": name}]}}}})

    def exact(admin_ok):
        r = {"deviceClassName": rng.choice(["class-a", "class-b"])}
        if rng.random() < 0.1:
            r["allocationMode"] = "All"
        else:
            r["allocationMode"] = "ExactCount"
            r["count"] = rng.randint(1, 2)
        if rng.random() < 0.3:
            drv = "driver-a" if r["deviceClassName"] == "class-a" else "driver-b"
            r["selectors"] = [sel(f'device.attributes["{drv}"].model == "{rng.choice(["x", "y"])}"')]
        if rng.random() < 0.3:
            r["tolerations"] = [rng.choice([{"key": "t", "operator": "Exists"},
                                            {"key": "t", "operator": "Equal", "value": "v", "effect": "NoSchedule"}])]
        if admin_ok and rng.random() < 0.1:
            r["adminAccess"] = True
        if extended and rng.random() < 0.25:
            r["capacity"] = {"requests": {"mem": rng.choice(["1", "2"])}}
        return r

    claims = []
    for c in range(rng.randint(1, 2)):
        reqs = []
        for q in range(rng.randint(1, 2)):
            if rng.random() < 0.3:
                subs = []
                for s in range(rng.randint(2, 3)):
                    sub = exact(False)
                    sub["name"] = f"sub-{s}"
                    subs.append(sub)
                reqs.append({"name": f"req-{q}", "firstAvailable": subs})
            else:
                reqs.append({"name": f"req-{q}", "exactly": exact(True)})
        devices_spec = {"requests": reqs}
        if rng.random() < 0.3:
            if extended and rng.random() < 0.4:
                devices_spec["constraints"] = [{"distinctAttribute": rng.choice(["driver-a/numa", "driver-b/model"])}]
            else:
                devices_spec["constraints"] = [{"matchAttribute": rng.choice(["driver-a/numa", "driver-b/numa"])}]
        claims.append({"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
                       "metadata": {"name": f"claim-{c}"}, "spec": {"devices": devices_spec}})
    return {"name": f"random-{idx:04d}", "origin": "gen_random_scenarios.py", "features": features,
            "node": {"name": "node-1", "labels": {"region": "region-1"}},
            "deviceClasses": classes, "resourceSlices": slices, "allocatedClaims": allocated,
            "claims": claims, "expect": {"outcome": "unsatisfiable"}}


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    for i in range(count):
        with open(os.path.join(out, f"random-{i:04d}.json"), "w") as f:
            json.dump(gen(rng, i), f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
