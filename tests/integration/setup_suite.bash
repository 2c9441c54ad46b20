# setup_suite.bash: run once per `bats` invocation, before any test file.
#
# Builds the fixtures (tests/fixtures/prepare.sh: the busybox rootfs and the config.json
# template, each only when stale) and exposes the rootfs to the tests through a read-only
# bind mount, so a runtime that writes into the shared rootfs fails loudly instead of
# polluting later tests. Tests that need to write to their rootfs take a copy (own_rootfs).

setup_suite() {
  load helpers
  hull_check_runtime
  "$FIXTURES/prepare.sh" "$HULL_TEST_CACHE"
  (
    flock 9
    mkdir -p "$ROOTFS_RO"
    if ! mountpoint -q "$ROOTFS_RO"; then
      mount --bind "$ROOTFS_SRC" "$ROOTFS_RO"
      mount -o remount,bind,ro "$ROOTFS_RO"
    fi
  ) 9>"$HULL_TEST_CACHE/.build.lock"
  # A shared lock held for the whole run tells a concurrent run's teardown_suite that the
  # read-only view is still in use.
  exec 8>>"$HULL_TEST_CACHE/.use.lock"
  flock -s 8
}

teardown_suite() {
  load helpers
  exec 8>&-
  # Unmount the read-only view unless another bats run still holds its shared lock.
  (
    flock -xn 9 || exit 0
    if mountpoint -q "$ROOTFS_RO"; then umount "$ROOTFS_RO" || umount -l "$ROOTFS_RO"; fi
  ) 9>>"$HULL_TEST_CACHE/.use.lock"
}
