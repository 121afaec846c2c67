"""The suite's own implementation of every registered scheme, as one in-process implementation.

``hello()`` and ``run_case()`` are the interface ``--impl python:MODULE:ATTR`` expects (see
``_adapters/inprocess.py``); ``--impl reference`` is this module. Each scheme's reference lives in its folder.
"""

from __future__ import annotations

import copy
from typing import Any

from hmac_conformance import schemes
from hmac_conformance._version import __version__


def hello() -> dict[str, Any]:
    return {
        "implementation": {"name": "hmac-conformance-reference", "version": __version__, "language": "python"},
        "supports": {name: copy.deepcopy(dict(s.reference_supports)) for name, s in schemes.all_schemes().items()},
    }


def run_case(scheme: str, operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    return schemes.get(scheme).reference(operation, input)
