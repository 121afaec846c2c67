"""Write vectors/MANIFEST for the suite versions published before the manifest existed, from their git tags.

Run once, in a checkout with the tags: ``python tools/backfill_manifest.py v1.0.0 v1.1.0``. For each tag, in the
order given, it reads the vector files as tagged, and lists every vector that no earlier tag had, under the
version in that tag's vectors/VERSION. It stops, writing nothing, if a vector changed between two tags (a
manifest line records one content per id) or if vectors/MANIFEST already exists. Later releases are added by
``hmac-conformance release``.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance._load import load
from hmac_conformance._outputs import write_text


def tagged_vectors(tag: str, into: Path) -> Path:
    command = ["git", "archive", tag, "vectors"]
    archive = subprocess.run(command, cwd=paths.DATA_ROOT, capture_output=True, check=True).stdout  # noqa: S603
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "vectors"


def main(tags: list[str]) -> int:
    target = released.manifest_path(paths.VECTORS)
    if target.exists():
        print(f"{target} exists already; releases after it are written by `hmac-conformance release`", file=sys.stderr)
        return 2
    seen: dict[str, str] = {}
    out: list[str] = []
    for tag in tags:
        with tempfile.TemporaryDirectory() as tmp:
            folder = tagged_vectors(tag, Path(tmp))
            version = (folder / "VERSION").read_text(encoding="utf-8").strip()
            result = load([folder])
        if result.problems:
            print(
                f"{tag}: {len(result.problems)} problems loading its vectors, e.g. {result.problems[0]}",
                file=sys.stderr,
            )
            return 1
        new = []
        for vector in result.vectors:
            digest = released.digest(vector)
            if vector.id not in seen:
                new.append(vector)
                seen[vector.id] = digest
            elif seen[vector.id] != digest:
                print(f"{tag}: {vector.id} changed since an earlier tag; decide by hand", file=sys.stderr)
                return 1
        out += released.lines(new, version)
        print(f"{tag}: version {version}, {len(new)} vectors released")
    write_text(target, released.HEADER + "".join(line + "\n" for line in out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
