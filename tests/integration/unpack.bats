#!/usr/bin/env bats
# Layer unpacking (lib/image/unpack.c) against umoci: a 3-layer OCI image is built with umoci
# (files, directories, symlinks, a hardlink, a fifo, a device, owners, modes, setuid bits,
# mtimes, xattrs; then deletions, type changes and new metadata as whiteouts; then an opaque
# directory added with `umoci raw add-layer`). `umoci unpack` makes the reference tree, and
# hull-unpack-tool applies the manifest's layer blobs in order; the trees must be the same
# (tests/fixtures/treecmp.py). The overlay rootfs of the layers, unpacked one per directory,
# must show the same tree as the copy.

load helpers

TOOL=${TOOL:-$BUILD/tests/unit/image/hull-unpack-tool}

# The image, built once for the file in $BATS_FILE_TMPDIR/img (tag t).
build_image() {
  local d=$BATS_FILE_TMPDIR r=$BATS_FILE_TMPDIR/B/rootfs
  umoci init --layout "$d/img"
  umoci new --image "$d/img:t"
  umoci unpack --image "$d/img:t" "$d/B"
  # layer 1: a bit of everything
  mkdir -p "$r/etc" "$r/usr/bin" "$r/data/sub" "$r/opq/old" "$r/gone-dir/inner" "$r/to-link"
  echo hull >"$r/etc/hostname"
  printf 'secret\n' >"$r/etc/shadow"; chmod 0600 "$r/etc/shadow"; chown 1000:1001 "$r/etc/shadow"
  printf '#!/bin/sh\n' >"$r/usr/bin/su"; chmod 4755 "$r/usr/bin/su"
  printf 'sg\n' >"$r/usr/bin/sg"; chmod 2711 "$r/usr/bin/sg"; chown 0:42 "$r/usr/bin/sg"
  ln -s usr/bin "$r/bin"
  ln -s /etc/hostname "$r/data/abs-link"
  echo shared >"$r/data/a"; ln "$r/data/a" "$r/data/sub/hard"
  mkfifo "$r/data/fifo"
  mknod "$r/data/null" c 1 3
  echo x >"$r/data/xattr"; echo c >"$r/usr/bin/ping"
  python3 -c 'import os, struct, sys
os.setxattr(sys.argv[1], "user.hull", b"yes")
os.setxattr(sys.argv[2], "security.capability", struct.pack("<5I", 0x02000001, 1 << 13, 0, 0, 0))' \
    "$r/data/xattr" "$r/usr/bin/ping"
  echo gone >"$r/gone-file"; echo in >"$r/gone-dir/inner/f"
  echo old >"$r/opq/old/f"; echo old2 >"$r/opq/keep-not"
  echo f >"$r/to-dir"; echo t >"$r/to-link/t"
  chmod 0750 "$r/data/sub"; chown 7:8 "$r/data"
  touch -h -d '2001-02-03 04:05:06.123456789' "$r/data/abs-link" "$r/etc/hostname" "$r/data/a"
  touch -d '2002-01-01 00:00:00' "$r/data/sub"
  umoci repack --refresh-bundle --image "$d/img:t" "$d/B"
  # layer 2: deletions (whiteouts), type changes, new metadata, a new hardlink to an old file
  rm "$r/gone-file"; rm -r "$r/gone-dir"
  rm "$r/to-dir"; mkdir "$r/to-dir"; echo now-a-dir >"$r/to-dir/f"
  rm -r "$r/to-link"; ln -s ../etc "$r/to-link"
  chmod 0640 "$r/etc/hostname"; chown 1234:5678 "$r/etc/hostname"
  touch -d '2010-10-10 10:10:10' "$r/etc/hostname"
  ln "$r/etc/shadow" "$r/etc/shadow-"
  echo new >"$r/usr/bin/new"; chmod 0555 "$r/usr/bin"
  umoci repack --refresh-bundle --image "$d/img:t" "$d/B"
  # layer 3: opaque: opq/ loses everything below it but what this layer brings
  python3 - "$d/layer3.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for name, kind, data in [("opq", tarfile.DIRTYPE, b""), ("opq/.wh..wh..opq", tarfile.REGTYPE, b""),
                             ("opq/fresh", tarfile.REGTYPE, b"fresh\n")]:
        ti = tarfile.TarInfo(name); ti.type = kind; ti.mtime = 1234567890; ti.size = len(data)
        ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
        t.addfile(ti, io.BytesIO(data))
PY
  umoci raw add-layer --image "$d/img:t" "$d/layer3.tar"
  umoci unpack --image "$d/img:t" "$d/REF"
}

# The layer blobs of img:t, bottom first.
layer_blobs() {
  local img=$BATS_FILE_TMPDIR/img idx m
  idx=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "t") | .digest' "$img/index.json")
  m=$img/blobs/sha256/${idx#sha256:}
  jq -r '.layers[].digest' "$m" | sed "s|^sha256:|$img/blobs/sha256/|"
}

setup_file() {
  [ "$(id -u)" -eq 0 ] || return 0
  command -v umoci >/dev/null && command -v jq >/dev/null || return 0
  build_image >"$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}

setup() {
  hull_setup
  [ "$(id -u)" -eq 0 ] || skip "needs root (owners, devices)"
  command -v umoci >/dev/null || skip "umoci not installed"
  command -v jq >/dev/null || skip "jq not installed"
  [ -x "$TOOL" ] || skip "hull-unpack-tool not built ($TOOL)"
}

teardown() {
  if mountpoint -q "$BATS_TEST_TMPDIR/merged" 2>/dev/null; then umount -l "$BATS_TEST_TMPDIR/merged"; fi
  hull_teardown
}

@test "unpack: three layers applied in order give umoci's tree" {
  [ "$(layer_blobs | wc -l)" -eq 3 ]
  run "$TOOL" "$BATS_TEST_TMPDIR/ours" $(layer_blobs)
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *whiteouts=* ]]
  run python3 "$FIXTURES/treecmp.py" "$BATS_FILE_TMPDIR/REF/rootfs" "$BATS_TEST_TMPDIR/ours"
  echo "$output"
  [ "$status" -eq 0 ]
  # what the layers meant, checked by hand as well
  o=$BATS_TEST_TMPDIR/ours
  [ ! -e "$o/gone-file" ] && [ ! -e "$o/gone-dir" ]
  [ -d "$o/to-dir" ] && [ -L "$o/to-link" ]
  [ "$(ls "$o/opq")" = fresh ]
  [ "$(stat -c %i "$o/etc/shadow")" = "$(stat -c %i "$o/etc/shadow-")" ]
  [ "$(stat -c %a:%u:%g "$o/usr/bin/su")" = 4755:0:0 ]
  [ "$(stat -c %a:%u:%g "$o/etc/hostname")" = 640:1234:5678 ]
  [ "$(stat -c %t:%T "$o/data/null")" = 1:3 ]
  python3 -c 'import os, sys
assert os.getxattr(sys.argv[1] + "/data/xattr", "user.hull") == b"yes"
assert len(os.getxattr(sys.argv[1] + "/usr/bin/ping", "security.capability")) == 20' "$o"
}

@test "unpack: the overlay rootfs of the layers shows the copy's tree" {
  overlay_ok=$(grep -cw overlay /proc/filesystems || true)
  [ "$overlay_ok" -gt 0 ] || skip "no overlayfs"
  d=$BATS_TEST_TMPDIR
  run "$TOOL" --copy "$d/copy" $(layer_blobs)
  [ "$status" -eq 0 ]
  lowers=()
  i=0
  for blob in $(layer_blobs); do
    i=$((i + 1))
    run "$TOOL" --overlay "$d/l$i" "$blob"
    echo "$output"
    [ "$status" -eq 0 ]
    lowers=("$d/l$i" "${lowers[@]}") # top first
  done
  [ -c "$d/l2/gone-file" ] # a whiteout, as overlayfs wants it
  [ "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$d/l3/opq")" = y ]
  mkdir "$d/upper" "$d/work" "$d/merged"
  run "$TOOL" --mount "$d/merged" "$d/upper" "$d/work" "${lowers[@]}"
  echo "$output"
  [ "$status" -eq 0 ]
  # A merged directory shows its topmost layer's metadata, and a layer that only has
  # something below a directory made that directory itself (0755, now): so directories'
  # times and the root's metadata are not compared.
  run python3 "$FIXTURES/treecmp.py" "$BATS_FILE_TMPDIR/REF/rootfs" "$d/copy"
  echo "$output"
  [ "$status" -eq 0 ]
  run python3 "$FIXTURES/treecmp.py" --no-dir-times --no-root-meta "$d/copy" "$d/merged"
  echo "$output"
  [ "$status" -eq 0 ]
  run "$TOOL" --umount "$d/merged"
  [ "$status" -eq 0 ]
  ! mountpoint -q "$d/merged"
}

@test "unpack: a layer that climbs out is refused, naming the entry, and writes nothing outside" {
  d=$BATS_TEST_TMPDIR
  mkdir "$d/outside"
  echo sentinel >"$d/outside/sentinel"
  python3 - "$d/evil.tar.gz" <<'PY'
import gzip, io, sys, tarfile
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    for name, data in [("ok", b"fine"), ("../outside/sentinel", b"evil")]:
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
open(sys.argv[1], "wb").write(gzip.compress(buf.getvalue()))
PY
  run "$TOOL" "$d/root" "$d/evil.tar.gz"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *'layer entry `../outside/sentinel`: climbs out of the root'* ]]
  [ "$(cat "$d/outside/sentinel")" = sentinel ]
}
