#!/usr/bin/env bats
# hull pull and hull push (lib/image/pull.c, image-push.c) with the real hull binary, against a
# real registry (Debian's docker-registry, started for this file on 127.0.0.1 and a free port;
# images put there and read back with skopeo, trees checked against umoci) and against the
# python3 fake (registry-fake.py) for wrong, truncated and stalled blobs and a bad diff_id.
# Every server is bounded in time and stopped in teardown; every command runs under `timeout`.

load helpers
load registry

HULL=${HULL:-$BUILD/src/hull/hull}
T=60 # seconds any one command may take

hull() { timeout "$T" "$HULL" --root "$STORE" "$@"; }

# The 2-layer image (layer 2 deletes with whiteouts), built once with umoci in
# $BATS_FILE_TMPDIR/img:t, unpacked by umoci in $BATS_FILE_TMPDIR/REF.
build_image() {
  local d=$BATS_FILE_TMPDIR r=$BATS_FILE_TMPDIR/B/rootfs
  umoci init --layout "$d/img"
  umoci new --image "$d/img:t"
  umoci config --image "$d/img:t" --os linux --architecture amd64 --config.cmd /bin/sh
  umoci unpack --image "$d/img:t" "$d/B"
  mkdir -p "$r/etc" "$r/gone-dir/inner" "$r/opq-not"
  echo hull >"$r/etc/hostname"
  echo gone >"$r/gone-file"; echo in >"$r/gone-dir/inner/f"
  ln -s etc/hostname "$r/link"
  head -c 300000 /dev/urandom >"$r/random"
  umoci repack --refresh-bundle --image "$d/img:t" "$d/B"
  rm "$r/gone-file"; rm -r "$r/gone-dir"
  echo layer2 >"$r/etc/motd"; chmod 0640 "$r/etc/hostname"
  umoci repack --refresh-bundle --image "$d/img:t" "$d/B"
  umoci unpack --image "$d/img:t" "$d/REF"
}

setup_file() {
  command -v docker-registry >/dev/null || skip "docker-registry is not installed"
  command -v skopeo >/dev/null || skip "skopeo is not installed"
  command -v umoci >/dev/null || skip "umoci is not installed"
  [ -x "$REG_TOOL" ] || { echo "$REG_TOOL missing: build first" >&2; return 1; }
  [ "$(id -u)" -eq 0 ] || skip "needs root (the layers keep owners and whiteout devices)"
  REG_LOG_LEVEL=info start_registry "$BATS_FILE_TMPDIR/reg" # a line per request: mounts are checked
  export REG="127.0.0.1:$REG_PORT" REG_PID REG_DIR=$BATS_FILE_TMPDIR/reg
  build_image >"$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
  local img=oci:$BATS_FILE_TMPDIR/img:t
  timeout 60 skopeo copy --quiet --dest-tls-verify=false "$img" "docker://$REG/test/img:v1" </dev/null
  # zstd layers by way of a dir: (skopeo would reuse the gzip blobs the registry has)
  timeout 60 skopeo copy --quiet --dest-compress-format zstd --dest-compress "$img" "dir:$BATS_FILE_TMPDIR/zst" </dev/null
  timeout 60 skopeo copy --quiet --dest-tls-verify=false "dir:$BATS_FILE_TMPDIR/zst" "docker://$REG/test/img:zstd" </dev/null
  timeout 60 skopeo copy --quiet --dest-tls-verify=false --format v2s2 "$img" "docker://$REG/test/img:docker" </dev/null
}

teardown_file() {
  stop_pid "${REG_PID:-}"
}

setup() {
  [ -x "$HULL" ] || fail "HULL=$HULL is not an executable; build hull first"
  FAKE_PID=
  W=$BATS_TEST_TMPDIR
  STORE=$W/store
}

teardown() {
  if mountpoint -q "$W/merged" 2>/dev/null; then umount -l "$W/merged"; fi
  stop_pid "$FAKE_PID"
}

# store_consistent N [killed]: index.json has N entries; every blob is named by its digest; no
# temp file in blobs/ or layers/ (after a kill -9, a layer's temp directory may be left: the
# next pull removes it)
store_consistent() {
  local f
  [ "$(jq '.manifests | length' "$STORE/index.json")" -eq "$1" ] || fail "index.json: $(cat "$STORE/index.json")"
  for f in "$STORE"/blobs/sha256/*; do
    [ -e "$f" ] || continue
    [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || fail "blob $f is not what its name says"
  done
  [ -z "$(ls -A "$STORE/blobs/sha256" | grep '^\.' || true)" ] || fail "temp files: $(ls -A "$STORE/blobs/sha256")"
  [ "${2:-}" = killed ] || [ ! -d "$STORE/layers/sha256" ] ||
    [ -z "$(ls -A "$STORE/layers/sha256" | grep '^\.' || true)" ] || fail "temp layers: $(ls -A "$STORE/layers/sha256")"
}

# the config's diff_ids (hex), bottom first, of the image ID
diff_ids() {
  jq -r '.rootfs.diff_ids[]' "$STORE/blobs/sha256/$1" | sed 's/^sha256://'
}

# the layers of image ID mounted read-only at $W/merged (top first)
mount_layers() {
  local lowers= h
  for h in $(diff_ids "$1"); do lowers=$STORE/layers/sha256/$h${lowers:+:$lowers}; done
  mkdir -p "$W/merged"
  mount -t overlay overlay -o "ro,lowerdir=$lowers" "$W/merged"
}

@test "pull: an image skopeo pushed (gzip layers, a whiteout): images, inspect, the layers give umoci's tree" {
  run -0 hull pull --tls-verify=false "$REG/test/img:v1"
  local id=$output want
  want=$(timeout "$T" skopeo inspect --tls-verify=false --raw "docker://$REG/test/img:v1" | jq -r .config.digest)
  [ "sha256:$id" = "$want" ] || fail "pull printed $id, the config is $want"
  run -0 hull images
  [[ ${lines[1]} =~ ^$REG/test/img\ +v1\ +${id:0:12}\  ]] || fail "images: $output"
  run -0 hull inspect "$REG/test/img:v1"
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$id" ]
  [ "$(jq -r '.[0].Layers | length' <<<"$output")" = 2 ]
  store_consistent 1
  [ "$(diff_ids "$id" | wc -l)" = 2 ]
  for h in $(diff_ids "$id"); do [ -d "$STORE/layers/sha256/$h" ] || fail "layer $h not unpacked"; done
  [ -c "$STORE/layers/sha256/$(diff_ids "$id" | tail -1)/gone-file" ] # a whiteout, as overlay wants it
  grep -qw overlay /proc/filesystems || skip "no overlayfs to compare the layers with umoci's tree"
  mount_layers "$id"
  run python3 "$FIXTURES/treecmp.py" --no-dir-times --no-root-meta "$BATS_FILE_TMPDIR/REF/rootfs" "$W/merged"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "pull: zstd and Docker media types; the unpacked layers are shared by diff_id" {
  run -0 hull pull --quiet --tls-verify=false "$REG/test/img:v1"
  local id=$output
  run -0 hull pull --tls-verify=false "$REG/test/img:zstd"
  [ "$output" = "$id" ] || fail "zstd image is $output, not $id"
  run -0 hull pull --tls-verify=false "$REG/test/img:docker"
  run -0 hull inspect "$REG/test/img:docker"
  [ "$(jq -r '.[0].ManifestType' <<<"$output")" = application/vnd.docker.distribution.manifest.v2+json ]
  [ "$(jq -r '.[0].Layers[0].MediaType' <<<"$output")" = application/vnd.docker.image.rootfs.diff.tar.gzip ]
  run -0 hull inspect "$REG/test/img:zstd"
  [ "$(jq -r '.[0].Layers[0].MediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar+zstd ]
  [ "$(ls "$STORE/layers/sha256" | wc -l)" = 2 ] || fail "layers: $(ls "$STORE/layers/sha256")"
  store_consistent 3
  # rmi keeps the layers another image still uses, and removes them with the last one
  run -0 hull rmi "$REG/test/img:v1" "$REG/test/img:zstd"
  [ "$(ls "$STORE/layers/sha256" | wc -l)" = 2 ]
  run -0 hull rmi "$REG/test/img:docker"
  [ -z "$(ls -A "$STORE/layers/sha256")" ] || fail "layers left: $(ls -A "$STORE/layers/sha256")"
  [ -z "$(ls -A "$STORE/blobs/sha256")" ] || fail "blobs left: $(ls -A "$STORE/blobs/sha256")"
}

@test "pull: by digest (untagged), and progress only on a terminal" {
  local d
  d=$(timeout "$T" skopeo inspect --tls-verify=false "docker://$REG/test/img:v1" | jq -r .Digest)
  run -0 hull pull --tls-verify=false "$REG/test/img@$d"
  [[ $output =~ ^[0-9a-f]{64}$ ]] || fail "not only the ID when stdout is no terminal: $output"
  [ "$(jq -r '.manifests[0].digest' "$STORE/index.json")" = "$d" ]
  rm -rf "$STORE"
  run -0 timeout "$T" script -qec "$HULL --root $STORE pull --tls-verify=false $REG/test/img:v1" /dev/null
  # a line per blob (the config and two layers), each with bytes of total and a rate
  [[ $output == *"Copying config"*" MB / "*" MB/s"*"done"* ]] || fail "no config progress on a terminal: $output"
  [ "$(tr '\r' '\n' <<<"$output" | grep -o 'Copying blob *[0-9a-f]\{12\} [0-9.]* MB / [0-9.]* MB  [0-9.]* MB/s  done' |
    awk '{ print $3 }' | sort -u | wc -l)" = 2 ] || fail "not a done line per layer: $output"
  rm -rf "$STORE"
  run -0 timeout "$T" script -qec "$HULL --root $STORE pull --quiet --tls-verify=false $REG/test/img:v1" /dev/null
  [[ $output != *Copying* ]] || fail "progress despite --quiet: $output"
}

@test "pull: a second pull fetches no blob" {
  start_fake none
  run -0 hull pull --tls-verify=false "$FAKE_HOST/good/x:layered"
  [ "$(grep -c 'GET /v2/good/x/blobs/' "$W/fake.log")" = 2 ] || fail "$(cat "$W/fake.log")"
  run -0 hull pull --tls-verify=false "$FAKE_HOST/good/x:layered"
  [ "$(grep -c 'GET /v2/good/x/blobs/' "$W/fake.log")" = 2 ] || fail "blobs fetched again: $(cat "$W/fake.log")"
  run -0 cat "$STORE/layers/sha256"/*/fake.txt
  [[ $output == "from the fake"* ]]
  store_consistent 1
}

@test "pull: a wrong layer, a truncated one, a bad diff_id: refused, nothing left; then a good pull works" {
  start_fake none
  run hull pull --tls-verify=false "$FAKE_HOST/wrong/x:layered"
  assert_failure
  assert_output_contains "wrong/x:layered"
  assert_output_contains "mismatch"
  store_consistent 0
  [ -z "$(ls -A "$STORE/blobs/sha256")" ] || fail "blobs left: $(ls -A "$STORE/blobs/sha256")"
  run hull pull --tls-verify=false "$FAKE_HOST/trunc/x:layered"
  assert_failure
  assert_output_contains "trunc/x:layered"
  store_consistent 0
  [ -z "$(ls -A "$STORE/blobs/sha256")" ]
  run hull pull --tls-verify=false "$FAKE_HOST/good/x:baddiff"
  assert_failure
  assert_output_contains "not the config's diff_id"
  store_consistent 0
  [ -z "$(ls -A "$STORE/blobs/sha256")" ] && [ -z "$(ls -A "$STORE/layers/sha256")" ]
  run -0 hull pull --tls-verify=false "$FAKE_HOST/good/x:layered"
  store_consistent 1
}

@test "pull: a layer blob tampered with in the registry's storage is refused" {
  local src=$W/src id m layer
  mkdir -p "$src"
  head -c 100000 /dev/urandom >"$src/data"
  tar -C "$src" -cf "$W/t.tar" .
  run -0 hull import "$W/t.tar" tamper
  run -0 hull push --tls-verify=false tamper "$REG/tamper/img:v1"
  layer=$(jq -r '.[0].Layers[0].Digest' <<<"$(hull inspect tamper)")
  layer=${layer#sha256:}
  f=$REG_DIR/store/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data
  [ -f "$f" ] || fail "no registry file $f"
  printf 'XXXX' | dd of="$f" bs=1 seek=600 conv=notrunc status=none
  STORE=$W/store2
  run hull pull --tls-verify=false "$REG/tamper/img:v1"
  assert_failure
  assert_output_contains "sha256:$layer"
  assert_output_contains "digest mismatch"
  store_consistent 0
  [ -z "$(ls -A "$STORE/blobs/sha256")" ] || fail "blobs left: $(ls -A "$STORE/blobs/sha256")"
}

@test "pull: killed mid-way (kill -9 while a layer streams in) leaves no blob, no name; the next pull works" {
  start_fake none
  "$HULL" --root "$STORE" pull --tls-verify=false "$FAKE_HOST/stall/x:layered" >"$W/out" 2>&1 3>&- &
  local pid=$! i
  for ((i = 0; i < 100; i++)); do
    grep -q 'GET /v2/stall/x/blobs/' "$W/fake.log" 2>/dev/null && break
    sleep 0.05
  done
  # the layer's first bytes are in: its unpacking has begun, in a temp directory
  for ((i = 0; i < HULL_WAIT * 20; i++)); do
    ls -A "$STORE/layers/sha256" 2>/dev/null | grep -q '^\.tmp-' && break
    sleep 0.05
  done
  ls -A "$STORE/layers/sha256" | grep -q '^\.tmp-' || fail "no layer being unpacked: $(ls -A "$STORE/layers/sha256")"
  kill -9 "$pid"
  wait "$pid" || true
  store_consistent 0 killed
  # the manifest and config may be there, unnamed (the next collection takes them); not the layer
  [ "$(ls -A "$STORE/blobs/sha256" | wc -l)" -le 2 ] || fail "blobs left: $(ls -A "$STORE/blobs/sha256")"
  mkdir -p "$STORE/layers/sha256/.tmp-0000-1/sub"
  run -0 hull pull --tls-verify=false "$FAKE_HOST/good/x:layered"
  store_consistent 1
}

@test "push: an imported image, read back by skopeo (inspect, copy) with the same digests" {
  [ -d "$ROOTFS_SRC/bin" ] || skip "fixture rootfs missing: $ROOTFS_SRC"
  tar -C "$ROOTFS_SRC" --numeric-owner -cf "$W/rootfs.tar" .
  run -0 hull import --change 'CMD=["/bin/sh"]' "$W/rootfs.tar" busybox
  local id=$output digest
  digest=$(hull inspect busybox | jq -r '.[0].Digest')
  run -0 hull push --tls-verify=false busybox "$REG/pushed/busybox:v1"
  [ "$output" = "$digest" ] || fail "push printed $output, the manifest is $digest"
  run -0 timeout "$T" skopeo inspect --tls-verify=false "docker://$REG/pushed/busybox:v1"
  [ "$(jq -r .Digest <<<"$output")" = "$digest" ]
  run -0 timeout "$T" skopeo copy --quiet --src-tls-verify=false --preserve-digests --dest-oci-accept-uncompressed-layers \
    "docker://$REG/pushed/busybox:v1" "oci:$W/back:v1"
  [ "$(jq -r '.manifests[0].digest' "$W/back/index.json")" = "$digest" ]
  cmp "$W/back/blobs/sha256/${digest#sha256:}" "$STORE/blobs/sha256/${digest#sha256:}"
  for b in $(jq -r '.config.digest, .layers[].digest' "$STORE/blobs/sha256/${digest#sha256:}"); do
    [ "$(sha256sum <"$W/back/blobs/sha256/${b#sha256:}" | cut -d' ' -f1)" = "${b#sha256:}" ]
  done
  # again: the registry has every blob; and pulled back into another store it is the same image
  run -0 hull push --quiet --tls-verify=false "$id" "$REG/pushed/busybox:v2"
  STORE=$W/store2
  run -0 hull pull --quiet --tls-verify=false "$REG/pushed/busybox:v2"
  [ "$output" = "$id" ]
}

@test "push: to the image's own name; without a registry in it, refused" {
  local src=$W/src
  mkdir -p "$src"; echo x >"$src/x"
  tar -C "$src" -cf "$W/t.tar" .
  run -0 hull import "$W/t.tar" "$REG/own/img:v3"
  run -0 hull push --quiet --tls-verify=false "$REG/own/img:v3"
  run -0 timeout "$T" skopeo inspect --tls-verify=false "docker://$REG/own/img:v3"
  run -0 hull import "$W/t.tar" local-only
  run hull push --tls-verify=false local-only
  assert_failure
  assert_output_contains "localhost/local-only:latest"
}

@test "pull: errors name the thing: unknown tag, unreachable registry, bad references" {
  run hull pull --tls-verify=false "$REG/test/img:nope"
  assert_failure
  assert_output_contains "test/img:nope"
  assert_output_contains "MANIFEST_UNKNOWN"
  run hull pull --tls-verify=false "127.0.0.1:$(free_port)/test/img:v1"
  assert_failure
  assert_output_contains "cannot reach"
  run hull pull busybox
  assert_failure
  assert_output_contains "reference \`busybox\`: no registry host"
  run hull pull --tls-verify=false "$REG/Test/img"
  assert_failure
  assert_output_contains "Test/img"
  run hull pull --tls-verify=false "$REG/test/img:bad!tag"
  assert_failure
  assert_output_contains "bad!tag"
  run hull pull --platform linux "$REG/test/img"
  assert_failure
  assert_output_contains "--platform \`linux\`"
  [ ! -e "$STORE/index.json" ] || store_consistent 0
}

# push_layer_image TAR NAME: a one-layer image (TAR, gzip-compressed) pushed by skopeo as
# $REG/NAME:v1; its layer digest in LAYER
push_layer_image() {
  local tar=$1 name=$2 d=$W/oci-$2 b lh ls dh ch cs mh ms
  b=$d/blobs/sha256
  mkdir -p "$b"
  gzip -c "$tar" >"$d/l"
  lh=$(sha256sum <"$d/l" | cut -d' ' -f1) ls=$(stat -c %s "$d/l") dh=$(sha256sum <"$tar" | cut -d' ' -f1)
  mv "$d/l" "$b/$lh"
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$dh" >"$d/c"
  ch=$(sha256sum <"$d/c" | cut -d' ' -f1) cs=$(stat -c %s "$d/c")
  mv "$d/c" "$b/$ch"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$ch" "$cs" "$lh" "$ls" >"$d/m"
  mh=$(sha256sum <"$d/m" | cut -d' ' -f1) ms=$(stat -c %s "$d/m")
  mv "$d/m" "$b/$mh"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$mh" "$ms" >"$d/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
  timeout "$T" skopeo copy --quiet --dest-tls-verify=false "oci:$d:v1" "docker://$REG/$name:v1" </dev/null
  LAYER=sha256:$lh
}

# store_empty: a failed pull left no name, no blob of its layer, no layer (a manifest and config
# may be there, unnamed, until the next collection)
store_empty() {
  store_consistent 0
  [ ! -e "$STORE/blobs/sha256/${LAYER#sha256:}" ] || fail "the layer blob was kept"
  [ -z "$(ls -A "$STORE/layers/sha256" 2>/dev/null)" ] || fail "layers left: $(ls -A "$STORE/layers/sha256")"
}

@test "pull: a layer past HULL_LAYER_MAX_BYTES (a gzip bomb) or HULL_LAYER_MAX_ENTRIES is refused naming it, nothing left" {
  mkdir -p "$W/bomb" "$W/many"
  head -c 3000000 /dev/zero >"$W/bomb/zeros" # 3 MB, a few kB gzipped
  tar -C "$W/bomb" -cf "$W/bomb.tar" zeros
  push_layer_image "$W/bomb.tar" limits/bomb
  local bomb=$LAYER
  run env HULL_LAYER_MAX_BYTES=1000000 "$HULL" --root "$STORE" pull --tls-verify=false "$REG/limits/bomb:v1"
  assert_failure
  assert_output_contains "layer $bomb"
  assert_output_contains "entry \`zeros\`: its uncompressed size passes the limit of 1000000 bytes"
  store_empty
  for i in $(seq 30); do echo "$i" >"$W/many/f$i"; done
  tar -C "$W/many" -cf "$W/many.tar" .
  push_layer_image "$W/many.tar" limits/many
  run env HULL_LAYER_MAX_ENTRIES=10 "$HULL" --root "$STORE" pull --tls-verify=false "$REG/limits/many:v1"
  assert_failure
  assert_output_contains "layer $LAYER"
  assert_output_contains "more than 10 entries, the limit"
  store_empty
  run env HULL_LAYER_MAX_BYTES=lots "$HULL" --root "$STORE" pull --tls-verify=false "$REG/limits/many:v1"
  assert_failure
  assert_output_contains "HULL_LAYER_MAX_BYTES \`lots\`: not a positive number"
  # under the defaults both pull
  run -0 hull pull --quiet --tls-verify=false "$REG/limits/bomb:v1"
  run -0 hull pull --quiet --tls-verify=false "$REG/limits/many:v1"
  store_consistent 2
  [ "$(stat -c %s "$STORE/layers/sha256/$(sha256sum <"$W/bomb.tar" | cut -d' ' -f1)/zeros")" = 3000000 ]
}

@test "pull: an entry name or an xattr past the kernel's limits is refused naming the layer, nothing left" {
  python3 - "$W" <<'PY'
import io, sys, tarfile
w = sys.argv[1]
def one(path, name, pax=None):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo(name)
        ti.size = 2
        if pax:
            ti.pax_headers = pax
        t.addfile(ti, io.BytesIO(b"x\n"))
one(w + "/longname.tar", "d/" + "n" * 300)
one(w + "/bigxattr.tar", "f", {"SCHILY.xattr.user.big": "v" * 70000})
PY
  push_layer_image "$W/longname.tar" limits/longname
  run hull pull --tls-verify=false "$REG/limits/longname:v1"
  assert_failure
  assert_output_contains "layer $LAYER"
  assert_output_contains "a component of 300 bytes, longer than NAME_MAX (255)"
  store_empty
  push_layer_image "$W/bigxattr.tar" limits/bigxattr
  run hull pull --tls-verify=false "$REG/limits/bigxattr:v1"
  assert_failure
  assert_output_contains "layer $LAYER"
  assert_output_contains "layer entry \`f\`: xattr \`user.big\` of 70000 bytes: past the kernel's limits"
  store_empty
}

@test "push: blobs another repository of the registry has are mounted from it (201), not sent; a refused mount (202) falls back to an upload" {
  local src=$W/src log=$REG_DIR/registry.log q='[0-9a-f]\{64\}'
  mkdir -p "$src"
  head -c 50000 /dev/urandom >"$src/data"
  tar -C "$src" -cf "$W/t.tar" .
  run -0 hull import "$W/t.tar" mnt
  run -0 hull push --quiet --tls-verify=false mnt "$REG/mount/src:v1"
  STORE=$W/store2
  run -0 hull pull --quiet --tls-verify=false "$REG/mount/src:v1"
  [ "$(jq -r '.manifests[0].annotations["io.hull.image.source"]' "$STORE/index.json")" = "$REG/mount/src" ]
  run -0 hull push --tls-verify=false "$REG/mount/src:v1" "$REG/mount/dst:v1"
  # the config and the layer: each one POST ?mount=DIGEST&from=mount/src answered 201, no upload
  [ "$(grep -c "\"POST /v2/mount/dst/blobs/uploads/?mount=sha256%3A$q&from=mount%2Fsrc HTTP/1.1\" 201 " "$log")" = 2 ] ||
    fail "no mounts: $(grep /v2/mount/dst/ "$log")"
  ! grep -E '"(PUT|PATCH) /v2/mount/dst/blobs/uploads/' "$log" || fail "a blob was uploaded"
  run -0 timeout "$T" skopeo copy --quiet --src-tls-verify=false "docker://$REG/mount/dst:v1" "oci:$W/back:v1"
  # a source that has not the blobs: the registry answers the mount with 202 and an upload session
  jq --arg s "$REG/mount/nothere" '.manifests[0].annotations["io.hull.image.source"] = $s' "$STORE/index.json" >"$W/i"
  mv "$W/i" "$STORE/index.json"
  run -0 hull push --tls-verify=false "$REG/mount/src:v1" "$REG/mount/dst2:v1"
  [ "$(grep -c "\"POST /v2/mount/dst2/blobs/uploads/?mount=sha256%3A$q&from=mount%2Fnothere HTTP/1.1\" 202 " "$log")" = 2 ] ||
    fail "$(grep /v2/mount/dst2/ "$log")"
  [ "$(grep -c "\"PUT /v2/mount/dst2/blobs/uploads/[^ ]*digest=sha256%3A$q HTTP/1.1\" 201 " "$log")" = 2 ] ||
    fail "no uploads: $(grep /v2/mount/dst2/ "$log")"
  run -0 timeout "$T" skopeo copy --quiet --src-tls-verify=false "docker://$REG/mount/dst2:v1" "oci:$W/back2:v1"
  # an image only named in the registry (imported, tagged there, never pulled): its name is the source
  STORE=$W/store
  run -0 hull tag mnt "$REG/mount/src:v2"
  run -0 hull push --tls-verify=false "$REG/mount/src:v2" "$REG/mount/dst3:v1"
  [ "$(grep -c "\"POST /v2/mount/dst3/blobs/uploads/?mount=sha256%3A$q&from=mount%2Fsrc HTTP/1.1\" 201 " "$log")" = 2 ] ||
    fail "$(grep /v2/mount/dst3/ "$log")"
}

@test "pull: errors a user can act on (fake): 401 and 403 with the registry's message, a manifest over 4 MiB, an unknown media type, a config over 8 MiB" {
  start_fake bearer
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$FAKE_HOST" "$(printf alice:wrong | base64)" >"$W/bad.json"
  run hull pull --tls-verify=false --authfile "$W/bad.json" "$FAKE_HOST/good/x:layered"
  assert_failure
  assert_output_contains "good/x:layered"
  assert_output_contains "401"
  assert_output_contains "bad credentials"
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$FAKE_HOST" "$(printf alice:secret | base64)" >"$W/auth.json"
  run hull pull --tls-verify=false --authfile "$W/auth.json" "$FAKE_HOST/denied/x:layered"
  assert_failure
  assert_output_contains "403"
  assert_output_contains "DENIED: requested access to the resource is denied"
  run hull pull --tls-verify=false --authfile "$W/auth.json" "$FAKE_HOST/huge/x:v1"
  assert_failure
  assert_output_contains "huge/x:v1"
  assert_output_contains "too large"
  run hull pull --tls-verify=false --authfile "$W/auth.json" "$FAKE_HOST/weird/x:v1"
  assert_failure
  assert_output_contains "application/x-weird"
  run hull pull --tls-verify=false --authfile "$W/auth.json" "$FAKE_HOST/good/x:bigconfig"
  assert_failure
  assert_output_contains "9437184 bytes, more than the limit of 8388608"
  ! grep -q "GET /v2/good/x/blobs/" "$W/fake.log" || fail "a blob was fetched: $(cat "$W/fake.log")"
  store_consistent 0
  # and with the right credentials, the image
  run -0 hull pull --quiet --tls-verify=false --authfile "$W/auth.json" "$FAKE_HOST/good/x:layered"
  store_consistent 1
}

@test "pull: a layer blob the store has but never unpacked (an import) is unpacked from the store; --timings says so" {
  local src=$W/src id
  mkdir -p "$src"
  head -c 20000 /dev/urandom >"$src/data"
  tar -C "$src" -cf "$W/t.tar" .
  run -0 hull import "$W/t.tar" stored
  id=$output
  [ ! -d "$STORE/layers/sha256" ] || [ -z "$(ls -A "$STORE/layers/sha256")" ] || fail "import unpacked a layer"
  run -0 hull push --quiet --tls-verify=false stored "$REG/stored/img:v1"
  run -0 --separate-stderr hull pull --timings --tls-verify=false "$REG/stored/img:v1"
  [ "$output" = "$id" ] || fail "pull printed $output"
  [[ $stderr == *"0 unpacked as they downloaded, 1 from stored blobs"* ]] || fail "timings: $stderr"
  [[ $stderr == *"timings: "*" s in all"* && $stderr == *"gunzip "*"sha256 "*"tree "* ]] || fail "timings: $stderr"
  cmp "$src/data" "$STORE/layers/sha256/$(diff_ids "$id")/data"
  store_consistent 2
  # a fresh store: the layer streams in as it downloads
  STORE=$W/store2
  run -0 --separate-stderr hull pull --timings --tls-verify=false "$REG/stored/img:v1"
  [[ $stderr == *"1 unpacked as they downloaded, 0 from stored blobs"* ]] || fail "timings: $stderr"
  cmp "$src/data" "$STORE/layers/sha256/$(diff_ids "$id")/data"
}
