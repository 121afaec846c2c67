"""An implementation independent of ``reference.py``, used only to confirm expected values.

It shares no code with the reference and is built differently on purpose:
- HMAC-SHA256 from the ``hmac`` scheme's cross-check (Nettle or PyCryptodome), computed once and compared with
  each signature by equality, instead of ``hmac``/``hashlib`` and ``compare_digest``;
- its own Base64 (a 6-bit accumulator over an alphabet table) instead of the ``base64`` module, and its
  own secret grammar written as character counts instead of a regular expression;
- header names folded as ASCII bytes, the signature header read by a character scanner instead of
  ``split``/``partition``, timestamp and id syntax checked character by character;
- verification collects *every* defect it can see and then reports the earliest by step number, instead of
  stopping at the first failing check. ``defects`` is public so that the lint can count them.

Same entry point as the reference: ``run_case(operation, input) -> dict`` (byte fields as ``bytes``).
"""

from __future__ import annotations

from typing import Any

from hmac_conformance.schemes.hmac.crosscheck import mac

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SIXBITS = {ch: i for i, ch in enumerate(_ALPHABET)}

#: The verification steps, in the order the spec's table gives them.
STEPS = (
    "missing-header",
    "duplicate-header",
    "malformed-timestamp",
    "stale",
    "future",
    "no-signature",
    "signature-mismatch",
)
WANTED = {b"webhook-id": "id", b"webhook-timestamp": "ts", b"webhook-signature": "sig"}


# ---------------------------------------------------------------------------------------------- Base64


def from_b64(chars: str) -> tuple[bytes, int] | None:
    """Decode unpadded standard-alphabet text; also return the leftover (pad) bits. None if impossible."""
    if len(chars) % 4 == 1:
        return None
    acc = nbits = 0
    out = bytearray()
    for ch in chars:
        if ch not in _SIXBITS:
            return None
        acc = (acc << 6) | _SIXBITS[ch]
        nbits += 6
        if nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
    return bytes(out), acc & ((1 << nbits) - 1)


def to_b64(raw: bytes) -> str:
    """Padded standard Base64."""
    text = []
    for start in range(0, len(raw), 3):
        chunk = raw[start : start + 3]
        n = int.from_bytes(chunk + bytes(3 - len(chunk)), "big")
        quad = [_ALPHABET[(n >> shift) & 63] for shift in (18, 12, 6, 0)]
        keep = len(chunk) + 1
        text.append("".join(quad[:keep]) + "=" * (4 - keep))
    return "".join(text)


# ---------------------------------------------------------------------------------------------- fields


def key_from_secret(text: str) -> bytes | None:
    """The key a secret text stands for, or None: 'whsec_'?, Base64 of 24..64 bytes, padding optional."""
    rest = text[6:] if text[:6] == "whsec_" else text
    stripped = rest.rstrip("=")
    pads = len(rest) - len(stripped)
    if pads:
        need = (4 - len(stripped) % 4) % 4
        if pads != need:  # also rejects '=' where no padding is due, and '===' or more
            return None
    decoded = from_b64(stripped)
    if decoded is None:
        return None
    key = decoded[0]  # leftover bits are ignored
    return key if 24 <= len(key) <= 64 else None


def timestamp_ok(text: str) -> bool:
    """1 to 11 ASCII digits, the first not '0'."""
    if not 1 <= len(text) <= 11 or text[0] == "0":
        return False
    return all(48 <= ord(ch) <= 57 for ch in text)


def id_ok(text: str) -> bool:
    """Something a signer may send: visible ASCII and inner spaces, nothing blank at either end."""
    return bool(text) and text[0] != " " and text[-1] != " " and all(32 <= ord(ch) <= 126 for ch in text)


def content(msg_id: str, timestamp: str, payload: bytes) -> bytes:
    return b"".join((msg_id.encode("utf-8"), b".", timestamp.encode("utf-8"), b".", payload))


def tag(key: bytes, data: bytes) -> bytes:
    return mac("sha256", key, data)


# ---------------------------------------------------------------------------------------------- signature list


def scan_entries(header: str) -> list[tuple[str, str | None]]:
    """The header's entries as (version, value); value is None for an entry without a comma."""
    entries: list[tuple[str, str | None]] = []
    version: list[str] = []
    value: list[str] | None = None
    for ch in header + " ":
        if ch == " ":
            if version or value is not None:
                entries.append(("".join(version), None if value is None else "".join(value)))
            version, value = [], None
        elif value is None and ch == ",":
            value = []
        elif value is None:
            version.append(ch)
        else:
            value.append(ch)
    return entries


def v1_macs(header: str) -> list[bytes]:
    """MACs of the entries a verifier checks: version 'v1', value the canonical padded Base64 of 32 bytes."""
    macs = []
    for version, value in scan_entries(header):
        if version != "v1" or value is None or len(value) != 44 or value[43] != "=":
            continue
        decoded = from_b64(value[:43])
        if decoded is None or decoded[1] != 0 or len(decoded[0]) != 32:
            continue
        macs.append(decoded[0])
    return macs


def header_accepts(key: bytes, data: bytes, header: str) -> bool:
    """Does any checked entry carry the MAC of data?"""
    right = tag(key, data)
    return any(candidate == right for candidate in v1_macs(header))


def field_copies(headers: list[list[str]] | list[tuple[str, str]]) -> dict[str, list[str]]:
    """Every copy of each signed field, names folded as ASCII bytes (non-ASCII bytes are left alone)."""
    copies: dict[str, list[str]] = {"id": [], "ts": [], "sig": []}
    for name, value in headers:
        slot = WANTED.get(name.encode("utf-8").lower())
        if slot:
            copies[slot].append(value)
    return copies


# ---------------------------------------------------------------------------------------------- operations


def defects(*, secret: str, headers: list[list[str]], payload: bytes, now: int, tolerance: int) -> list[str]:
    """Every defect the request shows, in step order. Later steps are judged on the first copy of a field."""
    key = key_from_secret(secret)
    if key is None:
        raise ValueError("malformed verifier secret")
    copies = field_copies(headers)
    found = set()
    if any(len(c) == 0 or c == [""] for c in copies.values()):
        found.add("missing-header")
    if any(len(c) > 1 for c in copies.values()):
        found.add("duplicate-header")
    first = {slot: (c[0] if c and c != [""] else None) for slot, c in copies.items()}
    ts = first["ts"]
    if ts is not None:
        if not timestamp_ok(ts):
            found.add("malformed-timestamp")
        else:
            age = now - int(ts)
            if age > tolerance:
                found.add("stale")
            if -age > tolerance:
                found.add("future")
    if first["sig"] is not None:
        if not v1_macs(first["sig"]):
            found.add("no-signature")
        elif (
            first["id"] is not None
            and ts is not None
            and not header_accepts(key, content(first["id"], ts, payload), first["sig"])
        ):
            found.add("signature-mismatch")
    return [step for step in STEPS if step in found]


def _sign(input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    key = key_from_secret(input["secret"])
    checks = (
        (key is not None, "malformed-secret"),
        (id_ok(input["msg_id"]), "malformed-id"),
        (timestamp_ok(input["timestamp"]), "malformed-timestamp"),
    )
    for ok, reason in checks:
        if not ok:
            return {"refused": reason}
    data = content(input["msg_id"], input["timestamp"], input["payload"])
    return {"signed_content": data, "signature": "v1," + to_b64(tag(key, data))}  # type: ignore[arg-type]


def _verify(input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    found = defects(**input)
    return {"valid": False, "reason": found[0]} if found else {"valid": True}


def run_case(operation: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    return {"sign": _sign, "verify": _verify}[operation](input)
