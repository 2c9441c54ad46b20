#!/usr/bin/env bats
# registry.bats: the registry client (lib/image/registry*.c) through its test driver
# hull-registry-tool, against a real registry (Debian's docker-registry, started for this file
# on 127.0.0.1 and a free port, images pushed and checked with skopeo) and against a python3
# fake (tests/integration/registry-fake.py) for what a real registry does not do: wrong and
# truncated blobs, huge manifests, unknown media types, a Bearer token flow, a redirect to
# another host, a stalled transfer. Every server is bounded in time and stopped in teardown;
# every command runs under `timeout`.

load helpers
load registry

TOOL=$BUILD/tests/unit/image/hull-registry-tool
T=30 # seconds any one command may take

tool() {
  timeout "$T" "$TOOL" "$@"
}

sha() {
  echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"
}

# make_oci_layout DIR: an OCI image layout holding one tiny image, tag v1 (one tar layer).
make_oci_layout() {
  local d=$1 b=$1/blobs/sha256 layer config manifest lsize csize msize
  mkdir -p "$b" "$d/src"
  echo "hello from hull" >"$d/src/hello.txt"
  tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$d/src" -cf "$d/layer.tar" hello.txt
  layer=$(sha256sum "$d/layer.tar" | cut -d' ' -f1) lsize=$(stat -c %s "$d/layer.tar")
  mv "$d/layer.tar" "$b/$layer"
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$layer" >"$d/config.json"
  config=$(sha256sum "$d/config.json" | cut -d' ' -f1) csize=$(stat -c %s "$d/config.json")
  mv "$d/config.json" "$b/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config" "$csize" "$layer" "$lsize" >"$d/manifest.json"
  manifest=$(sha256sum "$d/manifest.json" | cut -d' ' -f1) msize=$(stat -c %s "$d/manifest.json")
  mv "$d/manifest.json" "$b/$manifest"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$manifest" "$msize" >"$d/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
  rm -rf "$d/src"
}

setup_file() {
  command -v docker-registry >/dev/null || skip "docker-registry is not installed"
  command -v skopeo >/dev/null || skip "skopeo is not installed"
  [ -x "$TOOL" ] || { echo "$TOOL missing: build first" >&2; return 1; }
  start_registry "$BATS_FILE_TMPDIR/reg"
  export REG="127.0.0.1:$REG_PORT" REG_PID
  make_oci_layout "$BATS_FILE_TMPDIR/oci"
  timeout 60 skopeo copy --quiet --dest-tls-verify=false "oci:$BATS_FILE_TMPDIR/oci:v1" "docker://$REG/base/img:v1" </dev/null
}

teardown_file() {
  stop_pid "${REG_PID:-}"
}

setup() {
  FAKE_PID= AUTH_PID=
  W=$BATS_TEST_TMPDIR
}

teardown() {
  stop_pid "$FAKE_PID"
  stop_pid "$AUTH_PID"
}

hello_digest() {
  printf 'hello blob\n' >"$W/hello"
  sha "$W/hello"
}

# --- against the real registry ------------------------------------------------------------

@test "registry: a manifest skopeo pushed, by tag and by digest, with its digest checked" {
  run tool --plain-http pull-manifest "$REG" base/img v1 "$W/m.json"
  assert_success
  local want
  want=$(timeout "$T" skopeo inspect --tls-verify=false "docker://$REG/base/img:v1" | jq -r .Digest)
  [ "${lines[0]}" = "$want application/vnd.oci.image.manifest.v1+json" ] || fail "got: $output, skopeo: $want"
  [ "$(sha "$W/m.json")" = "$want" ]
  run tool --plain-http pull-manifest "$REG" base/img "$want" "$W/m2.json"
  assert_success
  cmp "$W/m.json" "$W/m2.json"
}

@test "registry: the config and layer blobs, streamed and verified against their digests and sizes" {
  tool --plain-http pull-manifest "$REG" base/img v1 "$W/m.json" >/dev/null
  local d s
  for i in config layers[0]; do
    d=$(jq -r ".$i.digest" "$W/m.json") s=$(jq -r ".$i.size" "$W/m.json")
    run tool --plain-http pull-blob "$REG" base/img "$d" "$W/blob" "$s"
    assert_success
    [ "$(sha "$W/blob")" = "$d" ] && [ "$(stat -c %s "$W/blob")" = "$s" ]
    run tool --plain-http blob-exists "$REG" base/img "$d"
    assert_output_equals "yes $s"
  done
  d=$(jq -r '.layers[0].digest' "$W/m.json")
  tar -tf "$W/blob" | grep -qx hello.txt
  # the size the caller expects is checked too
  run tool --plain-http pull-blob "$REG" base/img "$d" "$W/blob2" 1
  assert_failure
  assert_output_contains "size mismatch"
  [ ! -e "$W/blob2" ] && [ ! -e "$W/blob2.part" ]
}

@test "registry: a monolithic upload, then the same blob is not uploaded again" {
  head -c 5000 /dev/urandom >"$W/small"
  run tool --plain-http push-blob "$REG" push/mono "$W/small"
  assert_output_equals "uploaded $(sha "$W/small")"
  run tool --plain-http push-blob "$REG" push/mono "$W/small"
  assert_output_equals "exists $(sha "$W/small")"
  run tool --plain-http blob-exists "$REG" push/mono "$(sha "$W/small")"
  assert_output_equals "yes 5000"
  run tool --plain-http blob-exists "$REG" push/mono "$(sha /dev/null)"
  assert_output_equals "no"
}

@test "registry: a chunked upload (PATCH chunks, Location followed), read back whole" {
  head -c 300001 /dev/urandom >"$W/big"
  run tool --plain-http --chunk 65536 push-blob "$REG" push/chunked "$W/big"
  assert_output_equals "chunked $(sha "$W/big")"
  run tool --plain-http pull-blob "$REG" push/chunked "$(sha "$W/big")" "$W/back" 300001
  assert_success
  cmp "$W/big" "$W/back"
}

@test "registry: a cross-repository mount sends nothing" {
  head -c 70000 /dev/urandom >"$W/shared"
  run tool --plain-http push-blob "$REG" mount/src "$W/shared"
  assert_output_contains uploaded
  run tool --plain-http --mount-from mount/src push-blob "$REG" mount/dst "$W/shared"
  assert_output_equals "mounted $(sha "$W/shared")"
  run tool --plain-http blob-exists "$REG" mount/dst "$(sha "$W/shared")"
  assert_output_equals "yes 70000"
}

@test "registry: an image pushed by the driver (blobs, then its manifest by tag) is what skopeo reads back" {
  local b=$BATS_FILE_TMPDIR/oci/blobs/sha256 m d
  m=$(jq -r '.manifests[0].digest' "$BATS_FILE_TMPDIR/oci/index.json")
  for d in $(jq -r '.config.digest, .layers[].digest' "$b/${m#sha256:}"); do
    run tool --plain-http push-blob "$REG" pushed/img "$b/${d#sha256:}"
    assert_success
  done
  run tool --plain-http push-manifest "$REG" pushed/img v2 "$b/${m#sha256:}" application/vnd.oci.image.manifest.v1+json
  assert_output_equals "$m"
  run timeout "$T" skopeo inspect --tls-verify=false "docker://$REG/pushed/img:v2"
  assert_success
  [ "$(jq -r .Digest <<<"$output")" = "$m" ]
  timeout "$T" skopeo inspect --raw --tls-verify=false "docker://$REG/pushed/img:v2" >"$W/raw"
  cmp "$W/raw" "$b/${m#sha256:}"
  timeout "$T" skopeo copy --quiet --src-tls-verify=false "docker://$REG/pushed/img:v2" "oci:$W/copy:v2" </dev/null
  # and by digest
  run tool --plain-http push-manifest "$REG" pushed/img "$m" "$b/${m#sha256:}" application/vnd.oci.image.manifest.v1+json
  assert_success
}

@test "registry: an unknown tag gives the registry's MANIFEST_UNKNOWN, naming registry, repository and tag" {
  run tool --plain-http pull-manifest "$REG" base/img nosuchtag "$W/m.json"
  assert_failure
  assert_output_contains "$REG/base/img:nosuchtag"
  assert_output_contains "404"
  assert_output_contains "MANIFEST_UNKNOWN"
  [ ! -e "$W/m.json" ]
}

@test "registry: an unreachable registry (a closed port) fails naming it" {
  local port
  port=$(free_port)
  run tool --plain-http --connect-timeout 5 pull-manifest "127.0.0.1:$port" a/b v1 "$W/m.json"
  assert_failure
  assert_output_contains "registry 127.0.0.1:$port: cannot reach it"
  assert_output_contains "127.0.0.1:$port/a/b:v1"
  run tool --plain-http --connect-timeout 5 pull-blobs "127.0.0.1:$port" a/b "$W" "$(sha /dev/null)"
  assert_failure
  assert_output_contains "failed $(sha /dev/null): pull blobs from 127.0.0.1:$port/a/b: registry 127.0.0.1:$port: cannot reach it"
}

@test "registry: https is the default, and a plain-HTTP registry is a TLS failure" {
  run tool pull-manifest "$REG" base/img v1 "$W/m.json"
  assert_failure
  assert_output_contains "TLS failure"
  assert_output_contains "$REG"
}

@test "registry: Basic authentication (htpasswd) with credentials from an auth file" {
  python3 -W ignore -c 'import crypt' 2>/dev/null || skip "python3 has no crypt module to make a bcrypt htpasswd"
  local h=$W/htpasswd
  python3 -W ignore -c 'import crypt; print("alice:" + crypt.crypt("secret", crypt.mksalt(crypt.METHOD_BLOWFISH)))' >"$h"
  grep -q '^alice:\$2' "$h" || skip "python3's crypt cannot make bcrypt hashes"
  local save_pid=$REG_PID save_port=$REG_PORT
  start_registry "$W/auth" "$h"
  AUTH_PID=$REG_PID
  local reg=127.0.0.1:$REG_PORT
  REG_PID=$save_pid REG_PORT=$save_port
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$reg" "$(printf alice:secret | base64)" >"$W/auth.json"
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$reg" "$(printf alice:wrong | base64)" >"$W/bad.json"
  head -c 2000 /dev/urandom >"$W/blob"
  # no credentials: refused, saying so
  run env -u REGISTRY_AUTH_FILE HOME=$W/nohome XDG_RUNTIME_DIR=$W/nohome timeout "$T" "$TOOL" --plain-http push-blob "$reg" private/x "$W/blob"
  assert_failure
  assert_output_contains "no credentials"
  run tool --plain-http --auth-file "$W/bad.json" push-blob "$reg" private/x "$W/blob"
  assert_failure
  assert_output_contains "401"
  refute grep -q secret <<<"$output"
  run tool --plain-http --auth-file "$W/auth.json" push-blob "$reg" private/x "$W/blob"
  assert_output_equals "uploaded $(sha "$W/blob")"
  # $REGISTRY_AUTH_FILE is the first place looked at
  run env REGISTRY_AUTH_FILE="$W/auth.json" HOME=$W/nohome timeout "$T" "$TOOL" --plain-http pull-blob "$reg" private/x "$(sha "$W/blob")" "$W/back"
  assert_success
  cmp "$W/blob" "$W/back"
}

@test "registry: TLS verified against a CA file; a certificate no CA vouches for is a TLS failure" {
  command -v openssl >/dev/null || skip "openssl is not installed"
  local c=$W/cert.pem k=$W/key.pem
  timeout "$T" openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$k" -out "$c" 2>/dev/null
  local save_pid=$REG_PID save_port=$REG_PORT
  start_registry "$W/tls" "" "$c" "$k"
  AUTH_PID=$REG_PID
  local reg=127.0.0.1:$REG_PORT
  REG_PID=$save_pid REG_PORT=$save_port
  printf 'over tls\n' >"$W/blob"
  run tool push-blob "$reg" tls/x "$W/blob"
  assert_failure
  assert_output_contains "registry $reg: TLS failure"
  run tool --ca-file "$c" push-blob "$reg" tls/x "$W/blob"
  assert_output_equals "uploaded $(sha "$W/blob")"
  run tool --ca-file "$c" pull-blob "$reg" tls/x "$(sha "$W/blob")" "$W/back"
  assert_success
  cmp "$W/blob" "$W/back"
}

# --- against the fake ---------------------------------------------------------------------

@test "registry fake: Bearer flow: 401 challenge, token from the realm with the auth file's credentials, retry" {
  start_fake bearer
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$FAKE_HOST" "$(printf alice:secret | base64)" >"$W/auth.json"
  run tool --plain-http --auth-file "$W/auth.json" pull-manifest "$FAKE_HOST" good/img v1 "$W/m.json"
  assert_success
  grep -q "GET /token?service=fake&scope=repository%3Agood%2Fimg%3Apull auth=yes" "$W/fake.log"
  grep -q "GET /v2/good/img/manifests/v1 auth=yes" "$W/fake.log"
  [ "$(grep -c /token "$W/fake.log")" = 1 ]
  run tool --plain-http --auth-file "$W/auth.json" pull-blob "$FAKE_HOST" good/img "$(hello_digest)" "$W/b"
  assert_success
  cmp "$W/b" "$W/hello"
  # without credentials the token is asked for anonymously
  run env -u REGISTRY_AUTH_FILE HOME=$W/nohome XDG_RUNTIME_DIR=$W/nohome timeout "$T" "$TOOL" --plain-http pull-manifest "$FAKE_HOST" good/img v1 "$W/m2.json"
  assert_success
  grep -q "GET /token?.* auth=no" "$W/fake.log"
}

@test "registry fake: a blob with other bytes than its digest is refused, naming both digests, and not kept" {
  start_fake none
  local want got
  want=$(hello_digest)
  got="sha256:$(printf 'other bytes\n' | sha256sum | cut -d' ' -f1)"
  run tool --plain-http pull-blob "$FAKE_HOST" wrong/img "$want" "$W/b"
  assert_failure
  assert_output_contains "digest mismatch: got $got, wanted $want"
  assert_output_contains "$FAKE_HOST/wrong/img@$want"
  [ ! -e "$W/b" ] && [ ! -e "$W/b.part" ]
}

@test "registry fake: a truncated blob is an error naming both digests" {
  start_fake none
  local want
  want=$(hello_digest)
  run tool --plain-http pull-blob "$FAKE_HOST" trunc/img "$want" "$W/b"
  assert_failure
  assert_output_contains "truncated body after 10 bytes"
  assert_output_contains "wanted $want"
  assert_output_contains "got sha256:"
  [ ! -e "$W/b" ]
}

@test "registry fake: a manifest over 4 MiB is refused as too large" {
  start_fake none
  run tool --plain-http pull-manifest "$FAKE_HOST" huge/img v1 "$W/m.json"
  assert_failure
  assert_output_contains "manifest too large"
  assert_output_contains "$FAKE_HOST/huge/img:v1"
}

@test "registry fake: an unknown manifest media type is refused, naming it" {
  start_fake none
  run tool --plain-http pull-manifest "$FAKE_HOST" weird/img v1 "$W/m.json"
  assert_failure
  assert_output_contains "unknown manifest media type \`application/x-weird\`"
}

@test "registry fake: a digest reference must match the body, and a 404 brings the registry's BLOB_UNKNOWN" {
  start_fake none
  run tool --plain-http pull-manifest "$FAKE_HOST" good/img "$(hello_digest)" "$W/m.json"
  assert_failure
  assert_output_contains "MANIFEST_UNKNOWN"
  run tool --plain-http pull-blob "$FAKE_HOST" good/img "$(sha /dev/null)" "$W/b"
  assert_failure
  assert_output_contains "404: BLOB_UNKNOWN: blob unknown to registry"
}

@test "registry fake: a blob redirected to another host is fetched without the Authorization header" {
  start_fake bearer
  run tool --plain-http pull-blob "$FAKE_HOST" redir/img "$(hello_digest)" "$W/b"
  assert_success
  cmp "$W/b" "$W/hello"
  grep -q "^127.0.0.1 GET /v2/redir/img/blobs/.* auth=yes" "$W/fake.log"
  grep -q "^127.0.0.2 GET /data/sha256:.* auth=no" "$W/fake.log"
  refute grep -q "^127.0.0.2 .* auth=yes" "$W/fake.log"
}

@test "registry fake: a stalled transfer fails after the low-speed time" {
  start_fake none
  local t0=$SECONDS
  run tool --plain-http --low-speed-time 2 pull-blob "$FAKE_HOST" stall/img "$(hello_digest)" "$W/b"
  assert_failure
  assert_output_contains "truncated body after 3 bytes"
  [ $((SECONDS - t0)) -lt 8 ] || fail "took $((SECONDS - t0)) s"
}

@test "registry: several blobs at once (curl multi), each verified into its own file" {
  local b=$BATS_FILE_TMPDIR/oci/blobs/sha256 m d ds=()
  tool --plain-http pull-manifest "$REG" base/img v1 "$W/m.json" >/dev/null
  head -c 200000 /dev/urandom >"$W/extra"
  tool --plain-http push-blob "$REG" base/img "$W/extra" >/dev/null
  ds=($(jq -r '.config.digest, .layers[].digest' "$W/m.json") "$(sha "$W/extra")")
  mkdir "$W/out"
  run tool --plain-http pull-blobs "$REG" base/img "$W/out" "${ds[@]}"
  assert_success
  for d in "${ds[@]}"; do
    assert_output_contains "ok $d"
    [ "$(sha "$W/out/${d#sha256:}")" = "$d" ]
  done
}

@test "registry fake: parallel blobs with a Bearer token, a redirect, a 404 and a wrong one: each judged alone" {
  start_fake bearer
  local good missing
  good=$(hello_digest) missing=$(sha /dev/null)
  mkdir "$W/out"
  run tool --plain-http pull-blobs "$FAKE_HOST" good/img "$W/out" "$good" "$missing"
  assert_failure
  assert_output_contains "ok $good"
  assert_output_contains "failed $missing: pull blob $FAKE_HOST/good/img@$missing: registry $FAKE_HOST answered 404: BLOB_UNKNOWN"
  assert_output_contains "1 of 2 blobs failed"
  [ -e "$W/out/${good#sha256:}" ] && [ ! -e "$W/out/${missing#sha256:}" ] && [ ! -e "$W/out/${missing#sha256:}.part" ]
  rm -rf "$W/out" && mkdir "$W/out"
  run tool --plain-http pull-blobs "$FAKE_HOST" redir/img "$W/out" "$good"
  assert_success
  grep -q "^127.0.0.2 GET /data/$good auth=no" "$W/fake.log"
  refute grep -q "^127.0.0.2 .* auth=yes" "$W/fake.log"
  run tool --plain-http pull-blobs "$FAKE_HOST" wrong/img "$W/out" "$good"
  assert_failure
  assert_output_contains "digest mismatch"
  [ ! -e "$W/out/${good#sha256:}.part" ]
}
