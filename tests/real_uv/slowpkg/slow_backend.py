"""A PEP 517 build backend that takes its time, for tests/real_uv/real_uv.sh.

build_wheel writes $MCP_UVCC_SLOW_BUILD_MARKER (when set) as it starts, sleeps
$MCP_UVCC_SLOW_BUILD_SEC seconds (a long source build, as a C extension's is), then
writes a pure-Python wheel into the directory uv gives it. Standard library
only, so uv builds it offline with no build requirement. The package's name
is its directory's pyproject.toml's (slowpkg, or slowdep, a build requirement
of slowpkg copies that need one); with $MCP_UVCC_SLOW_BUILD_ONLY set, only the package
of that name sleeps and writes the marker.
"""

import base64
import hashlib
import os
import time
import zipfile

def _project_name():
    with open("pyproject.toml", encoding="utf-8") as pyproject:
        for line in pyproject:
            if line.startswith("name = "):
                return line.split('"')[1]
    return "slowpkg"


NAME = _project_name()
VERSION = "0.1.0"
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
METADATA = f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    path = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "METADATA"), "wb") as out:
        out.write(METADATA)
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    only = os.environ.get("MCP_UVCC_SLOW_BUILD_ONLY")
    if not only or only == NAME:
        marker = os.environ.get("MCP_UVCC_SLOW_BUILD_MARKER")
        if marker:
            with open(marker, "w") as out:
                out.write(str(os.getpid()))
        time.sleep(float(os.environ.get("MCP_UVCC_SLOW_BUILD_SEC", "0")))
    files = {
        f"{NAME}/__init__.py": b"BUILT = True\n",
        f"{DIST_INFO}/METADATA": METADATA,
        f"{DIST_INFO}/WHEEL": b"Wheel-Version: 1.0\nGenerator: slow_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(data)}")
        record.append(f"{DIST_INFO}/RECORD,,")
        wheel.writestr(f"{DIST_INFO}/RECORD", "\n".join(record) + "\n")
    return name
