#!/usr/bin/env python3
"""seed-unpack.py DIR: a seed corpus for fuzz-unpack: small layers (plain, gzip, zstd when the
zstd program is there) with files, directories, symlinks, hardlinks, fifos, devices, xattrs,
whiteouts and opaque markers, and evil ones (climbing names, absolute names, writes through
symlinks, hardlinks out, names over PATH_MAX, a file named as the root)."""
import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile


def entry(name, kind="file", data=b"", target="", mode=0o644, uid=0, gid=0, mtime=1000, pax=None):
    ti = tarfile.TarInfo(name)
    ti.mode, ti.uid, ti.gid, ti.mtime = mode, uid, gid, mtime
    ti.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
               "hard": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE, "chr": tarfile.CHRTYPE}[kind]
    ti.linkname = target
    if kind == "chr":
        ti.devmajor, ti.devminor = 1, 3
    if kind == "file":
        ti.size = len(data)
    if pax:
        ti.pax_headers = pax
    return ti, data


def tar(entries, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if ti.isreg() else None)
    return buf.getvalue()


SEEDS = {
    "normal": [entry("./", "dir", mode=0o755), entry("etc", "dir"), entry("etc/hostname", data=b"hull\n"),
               entry("bin", "dir", mode=0o755), entry("bin/sh", data=b"\x7fELF", mode=0o4755, uid=0),
               entry("etc/x", data=b"x", pax={"SCHILY.xattr.user.a": "b",
                                             "SCHILY.xattr.trusted.overlay.opaque": "y"}),
               entry("dev/null", "chr", mode=0o666), entry("run/fifo", "fifo")],
    "links": [entry("a", data=b"a"), entry("b", "hard", target="a"), entry("s", "sym", target="a"),
              entry("c", "hard", target="s"), entry("d", "dir"), entry("d/e", "sym", target="../a")],
    "whiteouts": [entry("a/x", data=b"x"), entry("a/.wh.y"), entry(".wh.b"), entry("c/.wh..wh..opq"),
                  entry("c/new", data=b"n")],
    "replace": [entry("r", "dir"), entry("r/in", data=b"1"), entry("r", data=b"file now"), entry("r", "sym", target="x"),
                entry("r", "dir", mode=0o555)],
    "evil-climb": [entry("../../etc/passwd", data=b"evil"), entry("a/../../x", data=b"evil")],
    "evil-abs": [entry("/etc/passwd", data=b"evil"), entry("//tmp/x", data=b"evil")],
    "evil-through": [entry("l", "sym", target="/"), entry("l/tmp/owned", data=b"evil"),
                     entry("u", "sym", target="../../.."), entry("u/owned", data=b"evil")],
    "evil-hardlink": [entry("h", "hard", target="../outside/sentinel"), entry("s", "sym", target="/tmp"),
                      entry("h2", "hard", target="s/x"), entry("h3", "hard", target="/etc/passwd")],
    "evil-long": [entry("a" * 255 + "/" + "b" * 255 + "/" + ("c/" * 2000) + "d", data=b"long")],
    "evil-root": [entry(".", data=b"root as a file"), entry("./", "sym", target="/")],
    "evil-whiteout": [entry("../.wh.outside"), entry(".wh.."), entry("w", "sym", target=".."),
                      entry("w/.wh..wh..opq"), entry("w/.wh.outside")],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else sys.exit("usage: seed-unpack.py DIR")
    os.makedirs(out, exist_ok=True)
    zstd = shutil.which("zstd")
    for name, entries in SEEDS.items():
        data = tar(entries)
        with open(os.path.join(out, name + ".tar"), "wb") as f:
            f.write(data)
        with open(os.path.join(out, name + ".tar.gz"), "wb") as f:
            f.write(gzip.compress(data, mtime=0))
        if zstd:
            z = subprocess.run([zstd, "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
            with open(os.path.join(out, name + ".tar.zst"), "wb") as f:
                f.write(z)
    with open(os.path.join(out, "gnu.tar"), "wb") as f:
        f.write(tar(SEEDS["normal"] + SEEDS["links"], tarfile.GNU_FORMAT))
    print("seed corpus in %s: %d files" % (out, len(os.listdir(out))))


main()
