#!/usr/bin/env python3
"""Prints, one per line and sorted, what cargo-about reads of the dependency
graph when scripts/notices.sh generates the third-party notices: every
package outside the workspace with its version, source and licence fields,
every dependency edge with its kinds and platforms, and the features each
package is built with. Workspace members appear by name only, so that a
version bump or a comment in a Cargo.toml changes nothing here, while a new
crate, another version, a licence change or a dev-dependency turned into a
normal one does. scripts/notices.sh digests this with its other inputs.

    python3 scripts/notices_inputs.py   (from anywhere in the checkout)
"""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--locked", "--format-version", "1"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    members = set(metadata["workspace_members"])
    packages = {package["id"]: package for package in metadata["packages"]}

    def named(package_id: str) -> str:
        package = packages[package_id]
        if package_id in members:
            return f"workspace {package['name']}"
        return f"{package['name']} {package['version']} {package['source']}"

    lines = []
    for package_id, package in packages.items():
        if package_id not in members:
            lines.append(
                f"package {named(package_id)} license={package['license']}"
                f" license_file={package['license_file']}"
            )
    for node in metadata["resolve"]["nodes"]:
        lines.append(f"features {named(node['id'])}: {','.join(sorted(node['features']))}")
        for dependency in node["deps"]:
            kinds = ",".join(
                sorted(f"{kind['kind']}@{kind['target']}" for kind in dependency["dep_kinds"])
            )
            lines.append(f"dependency {named(node['id'])} -> {named(dependency['pkg'])} [{kinds}]")
    print("\n".join(sorted(lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
