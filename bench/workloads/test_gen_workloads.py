#!/usr/bin/env python3
"""Tests for gen_workloads.py: run with `python3 -m unittest bench/workloads/test_gen_workloads.py`
(or `python3 bench/workloads/test_gen_workloads.py`)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_workloads as gw  # noqa: E402


def shape(name):
    return next(s for s in gw.SHAPES if s.name == name)


def in_use(scenario):
    return [c["status"]["allocation"]["devices"]["results"][0] for c in scenario["allocatedClaims"]]


class GenWorkloadsTest(unittest.TestCase):
    def test_deterministic(self):
        for s in gw.SHAPES:
            a = json.dumps(gw.scenario(s, 50, 1), sort_keys=True)
            gw.scenario(s, 90, 7)  # unrelated generation in between must not matter
            b = json.dumps(gw.scenario(s, 50, 1), sort_keys=True)
            self.assertEqual(a, b, s.name)
        self.assertNotEqual(json.dumps(gw.scenario(shape("plain"), 50, 1)),
                            json.dumps(gw.scenario(shape("plain"), 50, 2)))

    def test_plain_fill_levels(self):
        for fill, used in ((50, 5), (90, 9)):
            sc = gw.scenario(shape("plain"), fill, 1)
            self.assertEqual(len(sc["resourceSlices"][0]["spec"]["devices"]), 10)
            devs = [r["device"] for r in in_use(sc)]
            self.assertEqual(len(devs), used)
            self.assertEqual(len(set(devs)), used)
            for c in sc["allocatedClaims"]:
                self.assertEqual(c["spec"]["devices"]["requests"][0]["name"], "req-0")
                self.assertEqual(c["status"]["allocation"]["devices"]["results"][0]["request"], "req-0")

    def test_backtrack_leaves_twelve_free(self):
        for fill, total in ((50, 24), (90, 120)):
            sc = gw.scenario(shape("backtrack"), fill, 1)
            n = len(sc["resourceSlices"][0]["spec"]["devices"])
            self.assertEqual(n, total)
            self.assertEqual(n - len(in_use(sc)), 12)
            counts = [r["exactly"]["count"] for r in sc["claims"][0]["spec"]["devices"]["requests"]]
            self.assertEqual(sum(counts), 13)

    def test_h100_preallocation_respects_counters(self):
        for fill in gw.FILLS:
            sc = gw.scenario(shape("h100mig"), fill, 1)
            sets, devices = {}, {}
            for sl in sc["resourceSlices"]:
                for cs in sl["spec"].get("sharedCounters", []):
                    sets[cs["name"]] = {k: gw.qint(v["value"]) for k, v in cs["counters"].items()}
                for d in sl["spec"].get("devices", []):
                    devices[d["name"]] = d
            self.assertEqual(len(devices), 208)
            total_slices = sum(v for s in sets.values() for k, v in s.items() if k.startswith("memory-slice-"))
            used_slices = 0
            for r in in_use(sc):
                d = devices[r["device"]]
                self.assertEqual(d["attributes"]["type"]["string"], "mig")
                for c in d["consumesCounters"]:
                    for k, v in c["counters"].items():
                        sets[c["counterSet"]][k] -= gw.qint(v["value"])
                        self.assertGreaterEqual(sets[c["counterSet"]][k], 0, (fill, r["device"], k))
                        if k.startswith("memory-slice-"):
                            used_slices += gw.qint(v["value"])
            self.assertGreaterEqual(used_slices * 100, total_slices * fill)
            self.assertLess(used_slices * 100, total_slices * (fill + 15))
            self.assertEqual(sc["features"], ["PartitionableDevices"])

    def test_shared_preallocation_within_capacity(self):
        for fill in gw.FILLS:
            sc = gw.scenario(shape("shared"), fill, 1)
            spec = sc["resourceSlices"][0]["spec"]
            self.assertEqual(spec["nodeName"], "node-00000")
            cap = {d["name"]: gw.qint(d["capacity"]["memory"]["value"]) for d in spec["devices"]}
            used = {k: 0 for k in cap}
            ids = set()
            for r in in_use(sc):
                used[r["device"]] += gw.qint(r["consumedCapacity"]["memory"])
                ids.add(r["shareID"])
            self.assertEqual(len(ids), len(sc["allocatedClaims"]))
            for k in cap:
                self.assertLessEqual(used[k], cap[k])
            self.assertEqual(sum(used.values()) * 100, sum(cap.values()) * fill)

    def test_cluster_template_and_allocations(self):
        cl = gw.cluster(shape("plain"), 90, 1, 3)
        self.assertEqual(cl["kind"], "cluster")
        self.assertEqual([n["name"] for n in cl["nodes"]], ["node-00000", "node-00001", "node-00002"])
        self.assertIn(gw.NODE, json.dumps(cl["sliceTemplate"]))
        for n in cl["nodes"]:
            results = cl["allocated"][n["name"]]
            self.assertEqual(len(results), 9)
            self.assertTrue(all(r["pool"] == n["name"] for r in results))
        # Node 0's in-use devices equal the single-node scenario's (same seed path).
        sc = gw.scenario(shape("plain"), 90, 1)
        self.assertEqual([r["device"] for r in cl["allocated"]["node-00000"]],
                         [r["device"] for r in in_use(sc)])


if __name__ == "__main__":
    unittest.main()
