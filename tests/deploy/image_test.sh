#!/usr/bin/env bash
# The OCI image (deploy/image/build.sh, `make image`) as a platform would run it:
#  1. built from the allot binary given as $1;
#  2. unpacked by umoci (Debian's OCI tool, independent of our writer: it checks every digest and size and
#     turns the image config into a runtime spec);
#  3. the runtime spec runs allot as 65532:65532 with entrypoint allot serve;
#  4. `allot version` from the image names the commit of the checkout;
#  5. `allot serve --demo` from the image, chrooted as 65532 into the unpacked root mounted read-only, answers
#     /readyz 200 and serves a filter.
# Needs root (chroot, mount namespace). Prints the image size. Exit 0 = pass.
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "image_test: FAIL: $*"; exit 1; }
command -v umoci >/dev/null || fail "umoci not installed (scripts/install-deps.sh installs it)"
[ "$(id -u)" = 0 ] || fail "needs root for chroot and a mount namespace"

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

bash "$repo/deploy/image/build.sh" "$bin" "$work/out" 0.1.0 || fail "build.sh failed"
umoci unpack --image "$work/out/oci:0.1.0" "$work/bundle" >/dev/null || fail "umoci refused the image"
rootfs=$work/bundle/rootfs
python3 - "$work/bundle/config.json" <<'PY' || fail "runtime spec"
import json, sys
spec = json.load(open(sys.argv[1]))
p = spec["process"]
assert p["user"]["uid"] == 65532 and p["user"]["gid"] == 65532, p["user"]
assert p["args"] == ["/usr/local/bin/allot", "serve"], p["args"]
PY
# Same for the oci-archive: unpacking it gives the same layout.
mkdir "$work/archive" && tar -xf "$work/out/allot-image.tar" -C "$work/archive"
cmp -s "$work/archive/index.json" "$work/out/oci/index.json" || fail "allot-image.tar holds another index"

want=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
version=$(chroot --userspec=65532:65532 "$rootfs" /usr/local/bin/allot version) || fail "allot version in the image"
case "$version" in *"commit $want"*) ;; *) fail "allot version says '$version', want commit $want" ;; esac
[ -L "$rootfs/usr/local/bin/kubectl-allot" ] || fail "kubectl-allot missing"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
unshare -m bash -c '
  set -e
  mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"
  mount -t proc proc "$1/proc"
  exec chroot --userspec=65532:65532 "$1" /usr/local/bin/allot serve --demo /usr/share/allot/demo --listen "127.0.0.1:$2"
' _ "$rootfs" "$port" >"$work/serve.log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 300); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; fail "allot serve exited in the image"; }
  sleep 0.1
done
[ -n "$ready" ] || { tail -20 "$work/serve.log"; fail "/readyz never 200"; }
answer=$(curl -s -X POST "http://127.0.0.1:$port/filter" -H 'Content-Type: application/json' \
  -d '{"Pod": {"metadata": {"name": "p", "namespace": "default", "uid": "u"}}, "NodeNames": ["gpu-node-1"]}')
case "$answer" in *'"NodeNames"'*'gpu-node-1'*) ;; *) fail "filter from the image answered: $answer" ;; esac
# Nothing in the image is writable by the process (read-only root): the serve log shows no write errors
# because allot writes nothing; prove the root really is read-only for it.
if unshare -m bash -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && touch "$1/usr/share/allot/x"' _ "$rootfs" 2>/dev/null; then
  fail "the read-only bind mount is writable: the test proves nothing"
fi
echo "image_test: PASS ($(cat "$work/out/image-size.txt"))"
