#!/usr/bin/env python3
"""registry-fake.py: a misbehaving registry for tests/integration/registry.bats.

    registry-fake.py AUTH PORTFILE LOG [SECONDS]

Listens on 127.0.0.1 and 127.0.0.2 (one free port, written to PORTFILE), for at most
SECONDS (default 60). AUTH is `none` or `bearer` (a 401 challenge on /v2/ and every
repository; /token hands out a token, to alice:secret only when they are sent). Behaviour
by repository:
    good/*   the blob b"hello blob\n" and a small OCI manifest (tag `v1`)
    wrong/*  any blob: other bytes than asked for
    trunc/*  any blob: Content-Length 1000, 10 bytes, then the connection closes
    huge/*   manifest: 5 MiB of JSON, no Content-Length
    weird/*  manifest of media type application/x-weird
    stall/*  any blob: headers, 3 bytes, then silence
    redir/*  any blob: 307 to http://127.0.0.2:PORT/data/..., which serves the good blob
             and refuses (400) any request that carries an Authorization header
    denied/* everything: 403 DENIED "requested access to the resource is denied"
Tag `layered` (every repository) is an image with a real config and one tar layer, whose
config blob is always served right: the repository's misbehaviour then hits the layer. Tag
`baddiff` is the same layer with a config whose diff_id is another; tag `bigconfig` the same
image with a config descriptor that claims 9 MiB.
LOG gets one line per request: "HOST METHOD PATH auth=yes|no".
"""
import base64
import hashlib
import http.server
import io
import tarfile
import json
import socket
import sys
import threading
import time

AUTH, PORTFILE, LOG = sys.argv[1:4]
LIFETIME = float(sys.argv[4]) if len(sys.argv) > 4 else 60
TOKEN = "fake-token-42"
BLOB = b"hello blob\n"
BLOB_DIGEST = "sha256:" + hashlib.sha256(BLOB).hexdigest()
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": BLOB_DIGEST, "size": len(BLOB)},
    "layers": [],
}).encode()
OCI = "application/vnd.oci.image.manifest.v1+json"


def make_layer():
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        data = b"from the fake\n" * 1000
        ti = tarfile.TarInfo("fake.txt")
        ti.size, ti.mtime, ti.mode = len(data), 1234567890, 0o644
        t.addfile(ti, io.BytesIO(data))
    return out.getvalue()


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


LAYER = make_layer()
CONFIG = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": [digest(LAYER)]}}).encode()
BADCONFIG = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                        "rootfs": {"type": "layers", "diff_ids": [digest(b"not the layer")]}}).encode()


def image(config):
    return json.dumps({
        "schemaVersion": 2, "mediaType": OCI,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config),
                   "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest(LAYER),
                    "size": len(LAYER)}],
    }).encode()


BADDIFF = image(BADCONFIG)
BIGCONFIG = json.dumps({
    "schemaVersion": 2, "mediaType": OCI,
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(CONFIG),
               "size": 9 * 1024 * 1024},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest(LAYER), "size": len(LAYER)}],
}).encode()
LAYERED = json.dumps({
    "schemaVersion": 2, "mediaType": OCI,
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(CONFIG), "size": len(CONFIG)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest(LAYER), "size": len(LAYER)}],
}).encode()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def note(self):
        with lock, open(LOG, "a") as f:
            auth = "yes" if self.headers.get("Authorization") else "no"
            f.write(f"{self.server.server_address[0]} {self.command} {self.path} auth={auth}\n")

    def send(self, status, body=b"", ctype="application/json", headers=None, length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message, headers=None):
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.send(status, body, headers=headers)

    def authorised(self):
        if AUTH != "bearer" or self.headers.get("Authorization") == "Bearer " + TOKEN:
            return True
        port = self.server.server_address[1]
        challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="fake"'
        self.error(401, "UNAUTHORIZED", "authentication required", {"WWW-Authenticate": challenge})
        return False

    def token(self):
        basic = self.headers.get("Authorization", "")
        if basic and basic != "Basic " + base64.b64encode(b"alice:secret").decode():
            return self.error(401, "DENIED", "bad credentials")
        self.send(200, json.dumps({"token": TOKEN, "expires_in": 300}).encode())

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.note()
        path = self.path.split("?")[0]
        if self.server.server_address[0] == "127.0.0.2":
            if self.headers.get("Authorization"):
                return self.error(400, "LEAKED", "an Authorization header reached another host")
            return self.send(200, BLOB, "application/octet-stream")
        if path == "/token":
            return self.token()
        if not self.authorised():
            return
        if path == "/v2/":
            return self.send(200, b"{}")
        parts = path.split("/")  # '', v2, repo..., kind, ref
        if len(parts) < 5:
            return self.error(404, "NAME_UNKNOWN", "no such repository")
        repo, kind, ref = "/".join(parts[2:-2]), parts[-2], parts[-1]
        top = repo.split("/")[0]
        if top == "denied":
            return self.error(403, "DENIED", "requested access to the resource is denied")
        if kind == "manifests":
            return self.manifest(top, ref)
        if kind == "blobs":
            return self.blob(top, ref)
        return self.error(404, "NAME_UNKNOWN", "no such repository")

    def manifest(self, top, ref):
        if top == "huge":
            return self.send(200, b"{" + b" " * (5 * 1024 * 1024) + b"}", OCI, length=False)
        if top == "weird":
            return self.send(200, b"{}", "application/x-weird")
        if ref in ("bigconfig", digest(BIGCONFIG)):
            return self.send(200, BIGCONFIG, OCI)
        if ref in ("baddiff", digest(BADDIFF)):
            return self.send(200, BADDIFF, OCI)
        if ref in ("layered", digest(LAYERED)):
            return self.send(200, LAYERED, OCI)
        if ref in ("v1", "sha256:" + hashlib.sha256(MANIFEST).hexdigest()):
            return self.send(200, MANIFEST, OCI, {"Docker-Content-Digest": "sha256:" + hashlib.sha256(MANIFEST).hexdigest()})
        return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")

    def blob(self, top, ref):
        port = self.server.server_address[1]
        if ref in (digest(CONFIG), digest(BADCONFIG)):
            return self.send(200, CONFIG if ref == digest(CONFIG) else BADCONFIG, "application/octet-stream")
        if top == "wrong":
            return self.send(200, b"other bytes\n", "application/octet-stream")
        if top == "trunc":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(BLOB[:10])
            self.wfile.flush()
            self.close_connection = True
            return
        if top == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"abc")
            self.wfile.flush()
            time.sleep(8)
            return
        if top == "redir":
            return self.send(307, b"", headers={"Location": f"http://127.0.0.2:{port}/data/{ref}"})
        if ref == digest(LAYER):
            return self.send(200, LAYER, "application/octet-stream")
        if ref == BLOB_DIGEST:
            return self.send(200, BLOB, "application/octet-stream")
        return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    for _ in range(20):
        first = Server(("127.0.0.1", 0), Handler)
        port = first.server_address[1]
        try:
            second = Server(("127.0.0.2", port), Handler)
            break
        except OSError:
            first.server_close()
    else:
        sys.exit("no port free on both 127.0.0.1 and 127.0.0.2")
    for s in (first, second):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(port))
    import os
    os.rename(PORTFILE + ".tmp", PORTFILE)
    time.sleep(LIFETIME)


if __name__ == "__main__":
    main()
