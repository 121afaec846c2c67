"""Every vector as one JSON document with byte strings as Base64 (schema/export.schema.json).

Harnesses in any language can consume the suite from this file without a YAML parser.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hmac_conformance import _paths as paths
from hmac_conformance._model import Vector, to_wire
from hmac_conformance._version import __version__

FORMAT = 1


def document(vectors: Sequence[Vector]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "suite_version": paths.suite_version(),
        "generator": f"hmac-conformance {__version__}",
        "bytes_encoding": "base64",
        "vectors": [
            {
                "id": v.id,
                "scheme": v.scheme,
                "operation": v.operation,
                "description": v.description,
                "rules": list(v.rules),
                "tags": list(v.tags),
                "since": v.since,
                "source": v.source,
                "input": to_wire(v.input),
                "expected": to_wire(v.expected),
            }
            for v in vectors
        ],
    }


def dumps(vectors: Sequence[Vector]) -> str:
    return json.dumps(document(vectors), indent=1, ensure_ascii=False) + "\n"
