"""``json.dumps`` with fixed options, for the lines written per vector (report records, protocol values).

json.dumps makes a new encoder for every call that passes an option, which was half of the time spent on a
small record. Here json's own C encoder is made once, with the arguments ``JSONEncoder.iterencode`` gives it,
so the text is byte for byte what json.dumps writes."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any


def dumps_with(*, ensure_ascii: bool, separators: tuple[str, str] = (", ", ": ")) -> Callable[[Any], str]:
    """``functools.partial(json.dumps, ensure_ascii=..., separators=...)``, made once."""
    encoder = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=separators)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without json's C accelerator
        return encoder.encode
    text = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    item_separator, key_separator = separators
    # No circular check (the values are plain data), no indent, keys unsorted and all kept, NaN allowed.
    chunks = make(None, encoder.default, text, None, key_separator, item_separator, False, False, True)
    return lambda value: "".join(chunks(value, 0))
