#!/usr/bin/env python3
"""Regenerates deploy/demo/*.json (the embedded demo cluster of `allot serve`) from tests/testdata/data.

Nodes: gpu-node-1 (8 x 80Gi example GPUs), gpu-node-2 (8 x 24Gi example GPUs), dgx-h100-01 (8 x H100 with
dynamic MIG, k8s 1.35 split slices), shared-gpu-node-1 (8 multi-allocatable example GPUs) and cpu-node-1
(no devices). Deterministic; run from the repository root: python3 deploy/demo/generate.py
"""
import copy
import json
import os

DATA = "tests/testdata/data"
OUT = os.path.dirname(os.path.abspath(__file__))


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)["items"]


def write(name, items):
    doc = {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")


def strip_meta(obj):
    meta = obj["metadata"]
    for k in ("resourceVersion", "uid", "creationTimestamp", "generation", "ownerReferences", "annotations", "labels",
              "generateName"):
        meta.pop(k, None)
    return obj


def rename_node(slices, node, prefix, memory=None):
    out = []
    for i, s in enumerate(copy.deepcopy(slices)):
        strip_meta(s)
        s["metadata"]["name"] = "%s-%s-%d" % (node, prefix, i)
        if "nodeName" in s["spec"]:
            s["spec"]["nodeName"] = node
        s["spec"]["pool"]["name"] = node
        if memory:
            for d in s["spec"].get("devices", []):
                if "memory" in d.get("capacity", {}):
                    d["capacity"]["memory"]["value"] = memory
        out.append(s)
    return out


def node(name, labels):
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": dict({"kubernetes.io/hostname": name}, **labels)},
            "status": {"allocatable": {"cpu": "64", "memory": "512Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def main():
    write("00-nodes.json", [
        node("gpu-node-1", {"allot.example/gpu": "example"}),
        node("gpu-node-2", {"allot.example/gpu": "example"}),
        node("dgx-h100-01", {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}),
        node("shared-gpu-node-1", {"allot.example/gpu": "example-shared"}),
        node("cpu-node-1", {}),
    ])
    classes = [strip_meta(c) for c in load("deviceclasses-example.json")]
    classes += [strip_meta(c) for c in load("deviceclasses-nvidia.json")
                if c["metadata"]["name"] in ("gpu.nvidia.com", "mig.nvidia.com")]
    write("10-deviceclasses.json", classes)
    example = load("example-driver-8gpu.json")
    write("20-slices-example-driver.json",
          rename_node(example, "gpu-node-1", "gpu.example.com") +
          rename_node(example, "gpu-node-2", "gpu.example.com", memory="24Gi"))
    write("21-slices-h100-mig.json", rename_node(load("nvidia-h100-80gb-x8-dynmig.json"), "dgx-h100-01",
                                                 "gpu.nvidia.com"))
    write("22-slices-shared-gpu.json", rename_node(load("example-driver-8gpu-shared.json"), "shared-gpu-node-1",
                                                   "gpu.example.com"))


if __name__ == "__main__":
    main()
