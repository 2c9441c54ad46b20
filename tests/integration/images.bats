#!/usr/bin/env bats
# The engine's image commands (hull import, images, inspect, tag, rmi, save, load) against a
# store of the test's own (--root), with the fixture busybox rootfs as the image; OCI archives
# checked against skopeo both ways; corrupt and truncated archives refused with the store left
# as it was.

load helpers

HULL=${HULL:-$BUILD/src/hull/hull}

setup() {
  [ -x "$HULL" ] || fail "HULL=$HULL is not an executable; build hull first"
  [ -d "$ROOTFS_SRC/bin" ] || fail "fixture rootfs missing: $ROOTFS_SRC"
  STORE=$BATS_TEST_TMPDIR/store
  T=$BATS_TEST_TMPDIR
}

teardown() { :; }

hull() { "$HULL" --root "$STORE" "$@"; }

# the fixture rootfs as a tarball
rootfs_tar() { tar -C "$ROOTFS_SRC" --numeric-owner -cf "$T/rootfs.tar" .; }

import_busybox() {
  rootfs_tar
  run -0 hull import --change 'CMD=["/bin/sh"]' --change 'ENV FOO=bar' "$T/rootfs.tar" busybox
  ID=$output
  [[ $ID =~ ^[0-9a-f]{64}$ ]] || fail "import printed '$ID', not an image ID"
}

# store_consistent [N]: index.json lists N entries (default 0), each blob's name is its digest,
# and no blob is there that no image uses (nor a temp file)
store_consistent() {
  local want=${1:-0} f
  [ "$(jq '.manifests | length' "$STORE/index.json")" -eq "$want" ] || fail "index.json: $(cat "$STORE/index.json")"
  for f in "$STORE"/blobs/sha256/* "$STORE"/blobs/sha256/.[!.]*; do
    [ -e "$f" ] || continue
    [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || fail "blob $f is not what its name says"
  done
  if [ "$want" -eq 0 ] && [ -n "$(ls -A "$STORE/blobs/sha256")" ]; then
    fail "blobs left with no image: $(ls -A "$STORE/blobs/sha256")"
  fi
}

@test "images: import a rootfs tarball, then images, inspect" {
  import_busybox
  [ -f "$STORE/oci-layout" ] && [ -f "$STORE/index.json" ]
  run -0 jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$STORE/index.json"
  [ "$output" = localhost/busybox:latest ]
  run -0 hull images
  [[ ${lines[0]} =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE ]]
  [[ ${lines[1]} =~ ^localhost/busybox\ +latest\ +${ID:0:12}\  ]] || fail "images: $output"
  run -0 hull images --quiet
  [ "$output" = "${ID:0:12}" ]
  run -0 hull images --format json
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ]
  [ "$(jq -r '.[0].Names[0]' <<<"$output")" = localhost/busybox:latest ]
  run -0 hull inspect busybox
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ]
  [ "$(jq -r '.[0].Config.Cmd[0]' <<<"$output")" = /bin/sh ]
  [ "$(jq -r '.[0].Config.Env[0]' <<<"$output")" = FOO=bar ]
  [ "$(jq -r '.[0].Os + "/" + .[0].Architecture' <<<"$output")" = linux/amd64 ]
  # one uncompressed layer: its diff_id is its digest, the tarball as given
  [ "$(jq -r '.[0].RootFS.diff_ids[0]' <<<"$output")" = "$(jq -r '.[0].Layers[0].Digest' <<<"$output")" ]
  [ "$(jq -r '.[0].Layers[0].Digest' <<<"$output")" = "sha256:$(sha256sum <"$T/rootfs.tar" | cut -d' ' -f1)" ]
  [ "$(jq -r '.[0].Layers[0].MediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar ]
  # by ID and ID prefix too; the config's digest is the ID
  run -0 hull inspect "${ID:0:12}"
  run -0 hull inspect "sha256:$ID"
  [ "$(sha256sum <"$STORE/blobs/sha256/$ID" | cut -d' ' -f1)" = "$ID" ]
  run -1 hull inspect "${ID:0:11}"
  [[ $output == *"no such image"* ]]
  store_consistent 1
}

@test "images: import from stdin, gzip'd, stores the tar uncompressed" {
  rootfs_tar
  gzip -c "$T/rootfs.tar" >"$T/rootfs.tar.gz"
  run -0 hull import - gz:1 <"$T/rootfs.tar.gz"
  run -0 hull inspect gz:1
  [ "$(jq -r '.[0].Layers[0].Digest' <<<"$output")" = "sha256:$(sha256sum <"$T/rootfs.tar" | cut -d' ' -f1)" ]
}

@test "images: bad tarballs, names and --change are refused, leaving nothing" {
  rootfs_tar
  head -c 100000 /dev/urandom >"$T/junk"
  run -1 hull import "$T/junk" junk
  [[ $output == *"$T/junk"*"not a tar archive"* ]] || fail "$output"
  store_consistent 0
  head -c 10000 "$T/rootfs.tar" >"$T/short.tar"
  run -1 hull import "$T/short.tar" short
  [[ $output == *short.tar* ]] || fail "$output"
  store_consistent 0
  run -1 hull import "$T/rootfs.tar" 'Bad/Name'
  [[ $output == *"invalid component"* ]] || fail "$output"
  run -1 hull import "$T/rootfs.tar" 'ok:-tag'
  [[ $output == *"invalid tag"* ]] || fail "$output"
  run -1 hull import --change 'FROM x' "$T/rootfs.tar" ok
  [[ $output == *"FROM"* ]] || fail "$output"
  run -1 hull import "$T/nonexistent.tar" ok
  [[ $output == *nonexistent.tar*"No such file"* ]] || fail "$output"
  store_consistent 0
}

@test "images: tag and rmi; blobs shared with another image are kept" {
  import_busybox
  run -0 hull tag busybox other:v1 reg.example:5000/x/y
  run -0 hull images
  [ "${#lines[@]}" -eq 4 ]
  # a second image sharing the layer (same tarball, another config)
  run -0 hull import --change 'CMD=["/bin/true"]' "$T/rootfs.tar" second
  ID2=$output
  [ "$(ls "$STORE/blobs/sha256" | wc -l)" -eq 5 ] # 2 manifests, 2 configs, 1 layer
  run -1 hull rmi "$ID"
  [[ $output == *"3 names"*"-f"* ]] || fail "$output"
  run -0 hull rmi other:v1
  [[ $output == *"Untagged: localhost/other:v1"* ]] && [[ $output != *Deleted* ]]
  run -0 hull rmi -f "${ID:0:12}"
  [[ $output == *"Deleted: $ID"* ]] || fail "$output"
  store_consistent 1
  [ -f "$STORE/blobs/sha256/$(jq -r '.[0].Layers[0].Digest' <<<"$(hull inspect second)" | cut -d: -f2)" ]
  [ ! -e "$STORE/blobs/sha256/$ID" ]
  run -0 hull rmi second
  [[ $output == *"Deleted: $ID2"* ]]
  store_consistent 0
  run -1 hull rmi second
  [[ $output == *"no such image"* ]]
  run -1 hull tag nothing x
}

@test "images: names are normalised as podman's; a short name also finds docker.io/library" {
  import_busybox
  run -0 hull tag busybox docker.io/library/alpine:3 localhost:5000/a/b
  run -0 hull inspect alpine:3 localhost/busybox:latest localhost:5000/a/b:latest
  [ "$(jq -r '.[0].RepoTags | join(" ")' <<<"$output")" = "localhost/busybox:latest docker.io/library/alpine:3 localhost:5000/a/b:latest" ]
  run -1 hull tag busybox 'UPPER'
  [[ $output == *"invalid component"* ]]
  run -1 hull tag busybox 'a@sha256:0000'
  [[ $output == *"digest references"* ]]
  run -0 hull rmi alpine:3
  [ "$output" = "Untagged: docker.io/library/alpine:3" ]
  store_consistent 2
}

@test "images: save and load round trip, oci-archive and oci-dir" {
  import_busybox
  run -0 hull save -o "$T/bb.tar" busybox
  [ -z "$(ls "$T" | grep tmp-)" ] || fail "temp files left: $(ls "$T")"
  tar tf "$T/bb.tar" | grep -qx index.json
  tar tf "$T/bb.tar" | grep -qx oci-layout
  STORE=$T/store2 run -0 hull load -i "$T/bb.tar"
  [ "$output" = "Loaded image: localhost/busybox:latest" ]
  STORE=$T/store2 run -0 hull images --quiet
  [ "$output" = "${ID:0:12}" ]
  # stdin both ways
  hull save busybox | STORE=$T/store3 "$HULL" --root "$T/store3" load
  run -0 "$HULL" --root "$T/store3" inspect busybox
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ]
  run -0 hull save --format oci-dir -o "$T/dir" busybox
  [ -f "$T/dir/oci-layout" ] && [ -f "$T/dir/index.json" ] && [ ! -e "$T/dir/lock" ]
  [ "$(ls "$T/dir/blobs/sha256" | wc -l)" -eq 3 ]
  run -1 hull save --format oci-dir -o "$T/dir" busybox
  [[ $output == *"already exists"* ]]
  # and the directory back in
  STORE=$T/store4 run -0 hull load -i "$T/dir"
  [ "$output" = "Loaded image: localhost/busybox:latest" ]
  run -0 "$HULL" --root "$T/store4" inspect busybox
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ]
  # a layout directory with a corrupt blob is refused, and leaves nothing
  cp -a "$T/dir" "$T/baddir"
  layer=$(jq -r '.layers[0].digest' "$T/baddir/blobs/sha256/$(jq -r '.manifests[0].digest' "$T/baddir/index.json" | cut -d: -f2)" | cut -d: -f2)
  chmod u+w "$T/baddir/blobs/sha256/$layer"
  printf x >>"$T/baddir/blobs/sha256/$layer"
  STORE=$T/store5 run -1 hull load -i "$T/baddir"
  [[ $output == *"$layer"* ]] || fail "the bad blob is not named: $output"
  STORE=$T/store5 run -0 hull images --quiet
  [ -z "$output" ] || fail "images after a refused load: $output"
  [ -z "$(ls "$T/store5/blobs/sha256")" ] || fail "blobs left: $(ls "$T/store5/blobs/sha256")"
  run -1 hull save -o "$T/x.tar" nothing
  [ ! -e "$T/x.tar" ]
}

@test "images: skopeo reads what hull saves, hull loads what skopeo writes" {
  command -v skopeo >/dev/null || skip "skopeo is not installed"
  import_busybox
  run -0 hull save -o "$T/bb.tar" busybox
  run -0 skopeo inspect "oci-archive:$T/bb.tar"
  [ "$(jq -r '.Os + "/" + .Architecture' <<<"$output")" = linux/amd64 ]
  run -0 skopeo inspect --config "oci-archive:$T/bb.tar"
  [ "$(jq -r '.config.Cmd[0]' <<<"$output")" = /bin/sh ]
  run -0 skopeo copy "oci-archive:$T/bb.tar" "oci:$T/sk:v2"
  run -0 skopeo copy "oci:$T/sk:v2" "oci-archive:$T/sk.tar:localhost/from-skopeo:v2"
  STORE=$T/store2 run -0 hull load -i "$T/sk.tar"
  [ "$output" = "Loaded image: localhost/from-skopeo:v2" ]
  STORE=$T/store2 run -0 hull inspect from-skopeo:v2
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ] # the config is copied as it is
  STORE=$T/store2 run -0 hull save -o "$T/again.tar" from-skopeo:v2
  run -0 skopeo inspect "oci-archive:$T/again.tar"
  # skopeo's layout directory itself (tagged v2 in its index.json)
  STORE=$T/store3 run -0 hull load -i "$T/sk"
  [ "$output" = "Loaded image: localhost/v2:latest" ] || fail "$output"
  STORE=$T/store3 run -0 hull inspect localhost/v2
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ]
}

@test "images: hull loads an image made with umoci" {
  command -v umoci >/dev/null || skip "umoci is not installed"
  command -v skopeo >/dev/null || skip "skopeo is not installed"
  run -0 umoci init --layout "$T/um"
  run -0 umoci new --image "$T/um:empty"
  run -0 umoci config --image "$T/um:empty" --config.cmd /bin/true --os linux --architecture amd64
  run -0 skopeo copy "oci:$T/um:empty" "oci-archive:$T/um.tar:umoci:empty"
  run -0 hull load -i "$T/um.tar"
  [ "$output" = "Loaded image: localhost/umoci:empty" ]
  run -0 hull inspect umoci:empty
  [ "$(jq -r '.[0].Config.Cmd[0]' <<<"$output")" = /bin/true ]
}

# a copy of archive $1 as $2 with file $3 of it changed by command $4
mangle() {
  rm -rf "$T/x" && mkdir "$T/x" && tar -C "$T/x" -xf "$1"
  (cd "$T/x" && eval "$4")
  tar -C "$T/x" -cf "$2" oci-layout index.json blobs
}

@test "images: load refuses a corrupt blob, leaves the store as it was; the next good load works" {
  import_busybox
  run -0 hull save -o "$T/bb.tar" busybox
  layer=$(jq -r '.[0].Layers[0].Digest' <<<"$(hull inspect busybox)" | cut -d: -f2)
  mangle "$T/bb.tar" "$T/bad.tar" "" "printf X | dd of=blobs/sha256/$layer bs=1 seek=5000 conv=notrunc 2>/dev/null"
  STORE=$T/s2 run -1 hull load -i "$T/bad.tar"
  [[ $output == *"blobs/sha256/$layer"*"digest mismatch"*"expected sha256:$layer"*"got sha256:"* ]] || fail "$output"
  STORE=$T/s2 store_consistent 0
  # a manifest naming a blob the archive does not have
  mangle "$T/bb.tar" "$T/missing.tar" "" "rm blobs/sha256/$layer"
  STORE=$T/s2 run -1 hull load -i "$T/missing.tar"
  [[ $output == *"layers[0]"*"not in the archive"* ]] || fail "$output"
  STORE=$T/s2 store_consistent 0
  # a bad index.json
  mangle "$T/bb.tar" "$T/badidx.tar" "" "echo '{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:1\"}]}' >index.json"
  STORE=$T/s2 run -1 hull load -i "$T/badidx.tar"
  [[ $output == *"index.json.manifests[0]"* ]] || fail "$output"
  STORE=$T/s2 store_consistent 0
  # into a store that has the image already: it is left as it is
  run -1 hull load -i "$T/bad.tar"
  store_consistent 1
  run -0 hull inspect busybox
  STORE=$T/s2 run -0 hull load -i "$T/bb.tar"
  STORE=$T/s2 store_consistent 1
}

@test "images: load refuses a truncated archive, leaves nothing; the next good load works" {
  import_busybox
  run -0 hull save -o "$T/bb.tar" busybox
  size=$(stat -c %s "$T/bb.tar")
  head -c $((size / 2)) "$T/bb.tar" >"$T/half.tar"
  STORE=$T/s2 run -1 hull load -i "$T/half.tar"
  [[ $output == *half.tar* ]] || fail "$output"
  STORE=$T/s2 store_consistent 0
  head -c 1000 "$T/bb.tar" >"$T/tiny.tar"
  STORE=$T/s2 run -1 hull load -i "$T/tiny.tar"
  STORE=$T/s2 store_consistent 0
  STORE=$T/s2 run -1 hull load -i "$T/rootfs.tar"
  [[ $output == *"not part of an OCI image layout"* ]] || fail "$output"
  STORE=$T/s2 store_consistent 0
  STORE=$T/s2 run -0 hull load -i "$T/bb.tar"
  STORE=$T/s2 store_consistent 1
}

@test "images: concurrent imports and tags leave index.json whole" {
  rootfs_tar
  for i in 1 2 3 4 5 6; do
    hull import "$T/rootfs.tar" "img$i" >/dev/null &
  done
  wait
  for i in 1 2 3 4 5 6; do hull tag img1 "t$i" & done
  wait
  run -0 hull images --format json
  [ "$(jq '[.[].Names[]] | length' <<<"$output")" -eq 12 ] || fail "$output"
}

@test "images: import --change ENV as a Containerfile has it: pairs, quotes, the old NAME VALUE form" {
  rootfs_tar
  run -0 hull import --change 'ENV A=1 B="two words" C=x\"y' --change 'ENV D hello world' --change 'ENV A=3' \
    "$T/rootfs.tar" envs
  run -0 hull inspect envs
  [ "$(jq -c '.[0].Config.Env' <<<"$output")" = '["A=3","B=two words","C=x\"y","D=hello world"]' ]
  run hull import --change 'ENV A="open' "$T/rootfs.tar" bad
  [ "$status" -eq 1 ] && [[ $output == *"quote is not closed"* ]] || fail "$output"
  run hull import --change 'ENV =x' "$T/rootfs.tar" bad
  [ "$status" -eq 1 ] && [[ $output == *"not NAME=VALUE"* ]] || fail "$output"
  store_consistent 1
}
