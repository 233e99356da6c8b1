# allot: the two commands a newcomer needs are `make run` and `make test`.
#
#   make run                  install missing packages, build, serve the demo cluster
#   make test                 install, build, run every lane: main, asan (+fuzz), tsan, e2e (docs/testing.md)
#   make test SANITIZE=address|thread   only that sanitizer lane; LANES="main e2e" make test: any subset
#   make bench                short benchmark run (see docs/perf/README.md)
#   make bench-compare        allot vs the Go reference allocator, same inputs, same run (QUICK=1 for a short one)
#   make bench-e2e            real kube-scheduler throughput, in-tree DRA vs allot (PERF_SIZE=full: 500 nodes)
#   make image                the OCI image, without a container engine: build/image/oci, build/image/allot-image.tar
#
# Build trees: build/ (RelWithDebInfo), build-asan/, build-tsan/.

SANITIZE ?=
JOBS ?= $(shell nproc)
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
WERROR ?= ON

ifeq ($(SANITIZE),)
BUILD_DIR := build
CMAKE_EXTRA := -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
BUILD_DIR := build-$(subst address,asan,$(subst thread,tsan,$(SANITIZE)))
CMAKE_EXTRA := -DCMAKE_BUILD_TYPE=Debug -DALLOT_SANITIZE=$(SANITIZE) -DALLOT_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS=-O1
endif

.PHONY: deps configure build run test test-unit bench bench-compare clean image

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G "$(GENERATOR)" -DALLOT_WERROR=$(WERROR) $(CMAKE_EXTRA) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@bash scripts/run.sh $(BUILD_DIR)

test: deps
	@SANITIZE="$(SANITIZE)" JOBS="$(JOBS)" WERROR="$(WERROR)" bash scripts/test.sh

bench: build
	@bash scripts/bench.sh $(BUILD_DIR)

# allot's OCI image (deploy/image/build.sh, docs/deploy.md); tests/deploy/image_test.sh runs it in `make test`.
image: build
	@bash deploy/image/build.sh $(BUILD_DIR)/service/allot $(BUILD_DIR)/image $(or $(TAG),0.1.0)

# allot vs the Go reference allocator (k8s.io/dynamic-resource-allocation) on the same generated inputs.
bench-compare: build
	@bash bench/compare.sh $(if $(QUICK),--quick)

# End-to-end scheduling throughput on the e2e control plane: stock kube-scheduler (in-tree DRA plugin) vs
# kube-scheduler with allot as extender, same run (docs/perf/e2e.md). Small by default (a few minutes);
# PERF_SIZE=full for scheduler_perf's 500 nodes x 10 devices, 2,500 + 2,500 pods; PERF_* variables override.
.PHONY: bench-e2e
bench-e2e: build
	@E2E_PERF=1 bash tests/e2e/run.sh build/service/allot -run 'TestPerf'

clean:
	rm -rf build build-asan build-tsan
