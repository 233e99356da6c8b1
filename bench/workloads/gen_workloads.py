#!/usr/bin/env python3
"""Seeded generator of allocator benchmark workloads (docs/perf/README.md).

Writes, for each workload shape and pre-allocation level (50 % and 90 %):
  <shape>-fill<NN>.json               a scenario file (shared/scenarios/FORMAT.md):
                                      one node, its slices, the devices already
                                      in use as `allocatedClaims`, the pod's claims.
                                      `expect` is left with outcome "" (unknown);
                                      `reference expect` fills it from the
                                      Kubernetes allocator.
  cluster-<shape>-<N>nodes-fill<NN>.json  a cluster file (kind "cluster") for the
                                      fan-out benchmarks: N nodes sharing one
                                      slice template, per-node in-use devices.

Shapes:
  plain       10 devices per node, scheduler_perf SchedulingWithResourceClaimTemplate
              (test-driver.cdi.k8s.io), claim: 1 device.
  h100mig     8 x H100 80GB with DynamicMIG (gen_slices.py "split" shape: 1 counter
              slice + 8 device slices, 208 partitionable devices), pre-allocation =
              random MIG placements until the memory slices are NN % used;
              claim: one 1g.10gb and (at 50 %) one 2g.20gb MIG device.
              PartitionableDevices.
  shared      dra-example-driver with gpuAllowMultipleAllocations (8 shared GPUs,
              memory 80Gi / compute 100 with requestPolicy), pre-allocation =
              random shares until NN % of the memory is consumed; claim: one share
              of 10Gi memory + 10 compute. ConsumableCapacity.
  matchattr   8 full H100 GPUs (DynamicMIG off), GPU pairs share a PCIe root;
              claim: 2 GPUs with matchAttribute on pcieRoot and productName
              (at 90 % only one GPU is free: a fast "unsatisfiable").
  backtrack   plain devices sized so that 12 stay free after pre-allocation; the
              claim has two requests of 6 and 7 devices (13 > 12): unsatisfiable,
              and the reference enumerates every 6-of-12 choice before giving up.

Usage: gen_workloads.py [--out DIR] [--seed N] [--nodes 500,5000] [--big]
  --big also writes the 5,000-node h100mig cluster (about one million devices).
Output is byte-identical for the same arguments. Python standard library only.
"""
import argparse
import copy
import hashlib
import importlib.util
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FILLS = (50, 90)
NODE = "$NODE"  # placeholder in cluster slice templates


def load_gen_slices():
    """Imports ../gen_slices.py (the shared fixture generator) as a module."""
    path = os.path.join(HERE, "..", "gen_slices.py")
    saved = sys.argv
    sys.argv = [path]  # gen_slices reads sys.argv at import time
    try:
        spec = importlib.util.spec_from_file_location("gen_slices", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.argv = saved
    return mod


GS = load_gen_slices()


def det_uuid(*parts):
    return GS.det_uuid(*parts)


# ------------------------------------------------------------- quantities ----
_SUFFIX = {"": 1, "Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3, "Ti": 1024 ** 4,
           "k": 1000, "M": 1000 ** 2, "G": 1000 ** 3}


def qint(s):
    """Integer value of a simple quantity string ("16", "9984Mi", "80Gi")."""
    m = re.fullmatch(r"(\d+)([A-Za-z]*)", s)
    assert m and m.group(2) in _SUFFIX, s
    return int(m.group(1)) * _SUFFIX[m.group(2)]


# ---------------------------------------------------------------- objects ----
def meta(name, **extra):
    m = {"name": name}
    m.update(extra)
    return m


def device_class(name, expr):
    return {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass",
            "metadata": meta(name, uid=det_uuid("class", name)),
            "spec": {"selectors": [{"cel": {"expression": expr}}]}}


def claim(name, requests, constraints=None):
    devices = {"requests": requests}
    if constraints:
        devices["constraints"] = constraints
    return {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
            "metadata": meta(name, namespace="default", uid=det_uuid("claim", name)),
            "spec": {"devices": devices}}


def exactly(name, cls, count=1, selector=None, capacity=None):
    ex = {"deviceClassName": cls, "allocationMode": "ExactCount", "count": count}
    if selector:
        ex["selectors"] = [{"cel": {"expression": selector}}]
    if capacity:
        ex["capacity"] = {"requests": capacity}
    return {"name": name, "exactly": ex}


def allocated_claims(cls, results):
    """FORMAT.md encoding: one claim per in-use device, request req-0."""
    out = []
    for n, r in enumerate(results):
        res = {"request": "req-0"}
        res.update(r)
        c = claim(f"allocated-claim-{n}", [exactly("req-0", cls)])
        c["status"] = {"allocation": {"devices": {"results": [res]}}}
        out.append(c)
    return out


def node_slices(make):
    """Slices built by a gen_slices function, without the list wrapper. The
    resourceVersion counter of gen_slices is reset first so that every file
    is independent of what was generated before it."""
    GS._rv[0] = 41000
    return make()["items"]


# ------------------------------------------------------------------ shapes ----
class Shape:
    """One workload shape: slices for a node name, a pre-allocation for a fill
    level (a list of allocation results), classes, claims and features."""
    name = ""
    features = []
    alloc_class = ""

    def classes(self):
        raise NotImplementedError

    def slices(self, node, fill):
        raise NotImplementedError

    def preallocate(self, slices, fill, rng):
        raise NotImplementedError

    def claims(self, fill):
        raise NotImplementedError


class Plain(Shape):
    """scheduler_perf's test driver: N simple devices per node, one pool per node."""
    name, driver, alloc_class = "plain", "test-driver.cdi.k8s.io", "test-class"
    devices_per_node = 10

    def device_count(self, fill):
        return self.devices_per_node

    def classes(self):
        return [device_class(self.alloc_class, f"device.driver == '{self.driver}'")]

    def slices(self, node, fill):
        devs = [{"name": f"device-{k:05d}",
                 "attributes": {"driverVersion": {"version": "1.0.0"}},
                 "capacity": {"memory": {"value": "1Gi"}}}
                for k in range(self.device_count(fill))]
        return [{"apiVersion": "resource.k8s.io/v1", "kind": "ResourceSlice",
                 "metadata": meta(f"{node}-{self.driver}-0"),
                 "spec": {"driver": self.driver, "nodeName": node,
                          "pool": {"name": node, "generation": 1, "resourceSliceCount": 1},
                          "devices": devs}}]

    def preallocate(self, slices, fill, rng):
        sl = slices[0]["spec"]
        names = [d["name"] for d in sl["devices"]]
        used = sorted(rng.sample(names, (len(names) * fill) // 100))
        return [{"driver": sl["driver"], "pool": sl["pool"]["name"], "device": d} for d in used]

    def claims(self, fill):
        return [claim("pod-claim-0", [exactly("req-0", self.alloc_class)])]


class Backtrack(Plain):
    """12 free devices after pre-allocation; a claim for 6 + 7 of them."""
    name = "backtrack"
    free = 12

    def device_count(self, fill):
        return (self.free * 100 + (100 - fill) - 1) // (100 - fill)

    def preallocate(self, slices, fill, rng):
        sl = slices[0]["spec"]
        names = [d["name"] for d in sl["devices"]]
        used = sorted(rng.sample(names, len(names) - self.free))
        return [{"driver": sl["driver"], "pool": sl["pool"]["name"], "device": d} for d in used]

    def claims(self, fill):
        a = self.free // 2
        b = self.free - a + 1
        return [claim("pod-claim-0", [exactly("req-0", self.alloc_class, a),
                                      exactly("req-1", self.alloc_class, b)])]


class H100Mig(Shape):
    name, alloc_class, features = "h100mig", "mig.nvidia.com", ["PartitionableDevices"]

    def classes(self):
        t = "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == '%s'"
        return [device_class("gpu.nvidia.com", t % "gpu"), device_class("mig.nvidia.com", t % "mig")]

    def slices(self, node, fill):
        return node_slices(lambda: GS.nvidia_node(GS.H100_80GB, node, GS.SW, "split"))

    def preallocate(self, slices, fill, rng):
        counters = {}  # counter set -> counter -> remaining
        devices = []
        for sl in slices:
            spec = sl["spec"]
            for cs in spec.get("sharedCounters", []):
                counters[cs["name"]] = {k: qint(v["value"]) for k, v in cs["counters"].items()}
            for d in spec.get("devices", []):
                if d["attributes"]["type"]["string"] == "mig":
                    devices.append((spec["driver"], spec["pool"]["name"], d))
        total = sum(v for cs in counters.values() for k, v in cs.items() if k.startswith("memory-slice-"))
        target = (total * fill + 99) // 100
        used_slices, chosen = 0, []
        for drv, pool, d in rng.sample(devices, len(devices)):
            if used_slices >= target:
                break
            cons = d["consumesCounters"]
            if all(counters[c["counterSet"]][k] >= qint(v["value"])
                   for c in cons for k, v in c["counters"].items()):
                for c in cons:
                    for k, v in c["counters"].items():
                        counters[c["counterSet"]][k] -= qint(v["value"])
                        if k.startswith("memory-slice-"):
                            used_slices += qint(v["value"])
                chosen.append({"driver": drv, "pool": pool, "device": d["name"]})
        chosen.sort(key=lambda r: r["device"])
        return chosen

    def claims(self, fill):
        sel = "device.attributes['gpu.nvidia.com'].profile == '%s'"
        reqs = [exactly("mig-small", self.alloc_class, 1, sel % "1g.10gb")]
        if fill < 90:  # at 90 % the free memory slices are too scattered for a 2g
            reqs.append(exactly("mig-medium", self.alloc_class, 1, sel % "2g.20gb"))
        return [claim("pod-claim-0", reqs)]


class Shared(Shape):
    name, alloc_class, features = "shared", "gpu.example.com", ["ConsumableCapacity"]
    share_sizes_gi = (5, 10, 20)

    def classes(self):
        return [device_class(self.alloc_class, "device.driver == 'gpu.example.com'")]

    def slices(self, node, fill):
        items = node_slices(lambda: GS.example_node(shared=True))
        s = json.dumps(items).replace(GS.EX_NODE, node)
        return json.loads(s)

    def preallocate(self, slices, fill, rng):
        spec = slices[0]["spec"]
        free = {d["name"]: qint(d["capacity"]["memory"]["value"]) // 1024 ** 3 for d in spec["devices"]}
        total = sum(free.values())
        target = (total * fill) // 100
        used, out, n = 0, [], 0
        while used < target:
            size = min(rng.choice(self.share_sizes_gi), target - used)
            fits = sorted(k for k, v in free.items() if v >= size)
            if not fits:
                break
            dev = rng.choice(fits)
            free[dev] -= size
            used += size
            out.append({"driver": spec["driver"], "pool": spec["pool"]["name"], "device": dev,
                        "shareID": det_uuid("share", spec["pool"]["name"], n),
                        "consumedCapacity": {"compute": str(size), "memory": f"{size}Gi"}})
            n += 1
        return out

    def claims(self, fill):
        return [claim("pod-claim-0", [exactly("req-0", self.alloc_class, 1,
                                               capacity={"memory": "10Gi", "compute": "10"})])]


class MatchAttr(Shape):
    name, alloc_class = "matchattr", "gpu.nvidia.com"
    model = dict(GS.H100_80GB, roots=["pci0000:15", "pci0000:15", "pci0000:37", "pci0000:37",
                                      "pci0000:97", "pci0000:97", "pci0000:b7", "pci0000:b7"])

    def classes(self):
        t = "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == '%s'"
        return [device_class("gpu.nvidia.com", t % "gpu")]

    def slices(self, node, fill):
        return node_slices(lambda: GS.nvidia_node(self.model, node, GS.SW, "legacy"))

    def preallocate(self, slices, fill, rng):
        spec = slices[0]["spec"]
        names = [d["name"] for d in spec["devices"]]
        used = sorted(rng.sample(names, (len(names) * fill) // 100))
        return [{"driver": spec["driver"], "pool": spec["pool"]["name"], "device": d} for d in used]

    def claims(self, fill):
        return [claim("pod-claim-0", [exactly("req-0", self.alloc_class, 2)],
                      [{"matchAttribute": "resource.kubernetes.io/pcieRoot"},
                       {"matchAttribute": "gpu.nvidia.com/productName"}])]


SHAPES = [Plain(), H100Mig(), Shared(), MatchAttr(), Backtrack()]


# ------------------------------------------------------------------ output ----
def write(out, name, obj, indent=1):
    path = os.path.join(out, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent, sort_keys=True)
        f.write("\n")
    return path


def scenario(shape, fill, seed):
    node = "node-00000"
    rng = random.Random(f"{seed}/{shape.name}/{fill}/{node}")
    slices = shape.slices(node, fill)
    return {
        "name": f"{shape.name}-fill{fill}",
        "origin": f"bench/workloads/gen_workloads.py --seed {seed}",
        "features": list(shape.features),
        "node": {"name": node, "labels": {"kubernetes.io/hostname": node}},
        "deviceClasses": shape.classes(),
        "resourceSlices": slices,
        "allocatedClaims": allocated_claims(shape.alloc_class, shape.preallocate(slices, fill, rng)),
        "claims": shape.claims(fill),
        "expect": {"outcome": ""},
    }


def cluster(shape, fill, seed, nodes):
    template = shape.slices(NODE, fill)
    names = [f"node-{k:05d}" for k in range(nodes)]
    allocated = {}
    for n in names:
        rng = random.Random(f"{seed}/{shape.name}/{fill}/{n}")
        per_node = json.loads(json.dumps(template).replace(NODE, n))
        allocated[n] = shape.preallocate(per_node, fill, rng)
    return {
        "kind": "cluster",
        "name": f"cluster-{shape.name}-{nodes}nodes-fill{fill}",
        "origin": f"bench/workloads/gen_workloads.py --seed {seed}",
        "features": list(shape.features),
        "deviceClasses": shape.classes(),
        "claims": shape.claims(fill),
        "nodes": [{"name": n, "labels": {"kubernetes.io/hostname": n}} for n in names],
        "sliceTemplate": template,
        "allocated": allocated,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join("build", "bench-workloads"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nodes", default="500,5000", help="cluster sizes, comma-separated ('' for none)")
    ap.add_argument("--big", action="store_true", help="also the 5,000-node h100mig cluster")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sizes = [int(x) for x in args.nodes.split(",") if x]
    for shape in SHAPES:
        for fill in FILLS:
            print(write(args.out, f"{shape.name}-fill{fill}.json", scenario(shape, fill, args.seed)))
            if shape.name == "backtrack":
                continue  # tens of ms per node in the reference: single node only
            for n in sizes:
                if shape.name == "h100mig" and n > 500 and not args.big:
                    continue
                print(write(args.out, f"cluster-{shape.name}-{n}nodes-fill{fill}.json",
                            cluster(shape, fill, args.seed, n), indent=None))


if __name__ == "__main__":
    main()
