"""A package index on 127.0.0.1 whose one wheel downloads only when let go.

    python3 stalling_index.py WHEEL PORT_FILE RELEASE_FILE REQUESTED_FILE

Serves WHEEL (a path to a .whl) at /simple/<name>/ (PEP 503) with its core
metadata beside it (PEP 658), so a resolver reads the metadata at once and
downloads the wheel only to install it. That download answers only once
RELEASE_FILE exists; REQUESTED_FILE is written when it is asked for. The port
(picked by the system) is written to PORT_FILE once the server listens.

For tests/real_uv/real_uv.sh: `uvx --from <name>` resolves, makes its
environment in the cache's builds-v0, and then waits on the download, so a
sweep can run while uv is installing into that environment. Standard library
only; no network beyond the loopback.
"""

import hashlib
import http.server
import os
import sys
import time
import zipfile

wheel_path, port_file, release_file, requested_file = sys.argv[1:5]
WHEEL_NAME = os.path.basename(wheel_path)
PROJECT = WHEEL_NAME.split("-")[0]
with open(wheel_path, "rb") as wheel_file:
    WHEEL = wheel_file.read()
with zipfile.ZipFile(wheel_path) as wheel_zip:
    METADATA = next(
        wheel_zip.read(name) for name in wheel_zip.namelist() if name.endswith(".dist-info/METADATA")
    )


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.rstrip("/") == f"/simple/{PROJECT}":
            link = (
                f'<a href="/files/{WHEEL_NAME}#sha256={sha256(WHEEL)}" '
                f'data-core-metadata="sha256={sha256(METADATA)}" '
                f'data-dist-info-metadata="sha256={sha256(METADATA)}">{WHEEL_NAME}</a>'
            )
            self.answer(f"<html><body>{link}</body></html>".encode(), "text/html")
        elif self.path == f"/files/{WHEEL_NAME}.metadata":
            self.answer(METADATA, "application/octet-stream")
        elif self.path == f"/files/{WHEEL_NAME}":
            with open(requested_file, "w", encoding="utf-8"):
                pass
            while not os.path.exists(release_file):
                time.sleep(0.1)
            self.answer(WHEEL, "application/octet-stream")
        else:
            self.send_error(404)

    def answer(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".part", "w", encoding="utf-8") as out:
    out.write(str(server.server_address[1]))
os.replace(port_file + ".part", port_file)
server.serve_forever()
