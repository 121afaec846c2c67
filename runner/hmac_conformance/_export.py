"""Vectors as JSON with byte strings as Base64: one document (schema/export.schema.json), or one file per
scheme and operation (schema/export-group.schema.json, Wycheproof style: each names the schemas of its inputs
and expected values). Harnesses in any language can consume the suite without a YAML parser or this package.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hmac_conformance import _paths as paths
from hmac_conformance import schemes
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
                **({"superseded_by": v.superseded_by} if v.superseded_by else {}),
            }
            for v in vectors
        ],
    }


def dumps(vectors: Sequence[Vector]) -> str:
    return json.dumps(document(vectors), indent=1, ensure_ascii=False) + "\n"


def split(vectors: Sequence[Vector]) -> dict[tuple[str, str], str]:
    """One document per (scheme, operation) of the selection, in the order the vectors come."""
    groups: dict[tuple[str, str], list[Vector]] = {}
    for v in vectors:
        groups.setdefault((v.scheme, v.operation), []).append(v)
    out = {}
    for (scheme_name, operation), members in groups.items():
        scheme = schemes.get(scheme_name)
        items = document(members)["vectors"]
        for item in items:
            del item["scheme"], item["operation"]
        doc = {
            "format": FORMAT,
            "suite_version": paths.suite_version(),
            "generator": f"hmac-conformance {__version__}",
            "bytes_encoding": "base64",
            "scheme": scheme_name,
            "operation": operation,
            "schemas": {
                "input": scheme.schema_id(f"{operation}.wire-input"),
                "expected": scheme.schema_id(f"{operation}.wire-expected"),
            },
            "vectors": items,
        }
        out[(scheme_name, operation)] = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    return out
