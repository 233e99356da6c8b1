#!/usr/bin/env bash
# Builds allot's OCI image without a container engine: one layer holding the allot binary (also as
# kubectl-allot), exactly the shared libraries it links (from ldd, with the dynamic loader), the CA bundle,
# /etc/passwd and /etc/group naming the non-root user 65532, and the demo cluster; then the OCI config,
# manifest and index written by hand (image-spec 1.0). Reproducible: files sorted, owned by 0:0, mtime = the
# commit's time, gzip without a timestamp.
#
#   deploy/image/build.sh BINARY OUTDIR [TAG]
#
# Output: OUTDIR/oci (an OCI image layout, tag TAG, default 0.1.0), OUTDIR/allot-image.tar (the same as an
# oci-archive: `skopeo copy oci-archive:OUTDIR/allot-image.tar docker://REGISTRY/allot:TAG` pushes it,
# `podman load -i` loads it) and OUTDIR/image-size.txt. The image runs as 65532:65532, needs no writable path
# (a read-only root filesystem works) and starts `allot serve`.
set -euo pipefail

bin=${1:?usage: build.sh BINARY OUTDIR [TAG]}
out=${2:?usage: build.sh BINARY OUTDIR [TAG]}
tag=${3:-0.1.0}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/usr/local/bin "$root"/etc/ssl/certs "$root"/usr/share/allot "$root"/tmp "$root"/proc "$root"/dev

# The binary without debug sections (symbols stay for stack traces), and the plugin name.
strip --strip-debug -o "$root/usr/local/bin/allot" "$bin"
ln -s allot "$root/usr/local/bin/kubectl-allot"

# Exactly what the dynamic loader resolves for it, at the same paths (symlinks dereferenced).
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
  cp -L --parents "$lib" "$root"
done
# The loader is found by its absolute path; Debian's /lib64 is a symlink into /usr, keep both names working.
[ -d "$root/lib64" ] || { [ -e "$root/usr/lib64" ] && ln -s usr/lib64 "$root/lib64"; } || true

cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nallot:x:65532:65532:allot:/nonexistent:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nallot:x:65532:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
cp -r "$repo/deploy/demo" "$root/usr/share/allot/demo"
chmod 1777 "$root/tmp"

commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
created=$(git -C "$repo" log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
epoch=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)

layout=$out/oci
rm -rf "$layout" && mkdir -p "$layout/blobs/sha256"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$root" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -6 <"$work/layer.tar" >"$work/layer.tar.gz"
layer_digest=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$work/layer.tar.gz")
mv "$work/layer.tar.gz" "$layout/blobs/sha256/$layer_digest"

blob() {  # stores stdin as a blob; prints "digest size"
  cat >"$work/blob"
  local d s
  d=$(sha256sum "$work/blob" | cut -d' ' -f1)
  s=$(stat -c %s "$work/blob")
  mv "$work/blob" "$layout/blobs/sha256/$d"
  echo "$d $s"
}

read -r config_digest config_size < <(printf '%s' '{"created":"'"$created"'","architecture":"amd64","os":"linux",'\
'"config":{"User":"65532:65532","Entrypoint":["/usr/local/bin/allot"],"Cmd":["serve"],'\
'"Env":["PATH=/usr/local/bin:/usr/bin:/bin"],"ExposedPorts":{"8888/tcp":{}},'\
'"Labels":{"org.opencontainers.image.title":"allot","org.opencontainers.image.version":"'"$tag"'",'\
'"org.opencontainers.image.revision":"'"$commit"'"}},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$diff_id"'"]},'\
'"history":[{"created":"'"$created"'","created_by":"deploy/image/build.sh"}]}' | blob)

read -r manifest_digest manifest_size < <(printf '%s' '{"schemaVersion":2,'\
'"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$config_digest"'","size":'"$config_size"'},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$layer_digest"'","size":'"$layer_size"'}],'\
'"annotations":{"org.opencontainers.image.revision":"'"$commit"'"}}' | blob)

printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{'\
'"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"$manifest_digest"'","size":'"$manifest_size"','\
'"annotations":{"org.opencontainers.image.ref.name":"'"$tag"'"}}]}' >"$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"

tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$out/allot-image.tar" .
unpacked=$(stat -c %s "$work/layer.tar")
awk -v c="$layer_size" -v u="$unpacked" -v m="$manifest_digest" 'BEGIN {
  printf "compressed %d bytes (%.1f MiB), unpacked %d bytes (%.1f MiB), manifest sha256:%s\n", c, c / 1048576, u, u / 1048576, m
}' | tee "$out/image-size.txt"
