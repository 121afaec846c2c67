"""How ``hmac-conformance fuzz`` generates ``hmac`` cases (docs/fuzz.md).

Keys around each hash's own block length (where the hash-the-key step starts, MAC-2), empty and NUL-led keys,
messages around block multiples and past 64 KiB (streaming), every tag length from MAC-4's minimum to the full
output; verifiers are handed the right tag and mutations of it: truncated, lengthened with the MAC's next byte,
the full MAC when a shorter tag is configured, the rightmost bytes, one bit flipped, empty.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from hmac_conformance.schemes import Fuzzing, Generated
from hmac_conformance.schemes.hmac import compare
from hmac_conformance.schemes.hmac.reference import ALGORITHMS, MIN_TAG_LENGTH, full_mac

NAMES = tuple(ALGORITHMS)


@st.composite
def sized_bytes(draw: st.DrawFn, around: int, label: str) -> tuple[bytes, str]:
    """A byte string of a length that matters: empty, one byte, one block ±1, two blocks, or any length."""
    length = draw(
        st.sampled_from([0, 1, around - 1, around, around + 1, 2 * around, around // 2]) | st.integers(0, 3 * around)
    )
    fill = draw(st.sampled_from(["random", "zeros", "0x0b", "text", "nul-led"]))
    if fill == "random":
        data = draw(st.binary(min_size=length, max_size=length))
    elif fill == "zeros":
        data = bytes(length)
    elif fill == "0x0b":
        data = b"\x0b" * length
    elif fill == "text":
        data = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789 ", min_size=length, max_size=length)).encode()
    else:
        data = (b"\x00" + draw(st.binary(min_size=length, max_size=length)))[:length]
    return data, f"{label} of {length} bytes ({fill})"


@st.composite
def messages(draw: st.DrawFn, block: int) -> tuple[bytes, str]:
    if draw(st.integers(0, 19)) == 19:  # past the 64 KiB chunk size of streaming code (shrinks to short)
        length = draw(st.sampled_from([65536, 65535, 65537, 131072]))
        return bytes([draw(st.integers(0, 255))]) * length, f"message of {length} equal bytes"
    return draw(sized_bytes(block, "message"))


@st.composite
def mac_inputs(draw: st.DrawFn) -> Generated:
    algorithm = draw(st.sampled_from(NAMES))
    _, length, block = ALGORITHMS[algorithm]
    key, key_how = draw(sized_bytes(block, "key"))
    message, message_how = draw(messages(block))
    tag_length = draw(st.sampled_from([length, MIN_TAG_LENGTH, length - 1, 16]) | st.integers(MIN_TAG_LENGTH, length))
    tag_length = min(tag_length, length)
    how = (f"HMAC-{algorithm}, block {block} bytes", key_how, message_how, f"tag_length {tag_length} of {length}")
    return Generated({"algorithm": algorithm, "key": key, "message": message, "tag_length": tag_length}, how)


#: What a verifier is handed instead of the right tag (the right one is the first, so shrinking ends there).
TAG_CHANGES = ("right", "truncated", "next-byte", "full-mac", "rightmost", "bit-flip", "empty", "one-short")


def _changed(change: str, full: bytes, tag_length: int, index: int, bit: int) -> bytes:
    tag = full[:tag_length]
    if change == "truncated":
        return tag[: max(0, min(index, tag_length - 1))]
    if change == "one-short":
        return tag[:-1]
    if change == "next-byte":
        return full[: tag_length + 1] if tag_length < len(full) else tag + b"\x00"
    if change == "full-mac":
        return full
    if change == "rightmost":
        return full[-tag_length:]
    if change == "bit-flip":
        at = index % tag_length
        return tag[:at] + bytes([tag[at] ^ (1 << bit)]) + tag[at + 1 :]
    if change == "empty":
        return b""
    return tag


@st.composite
def verify_inputs(draw: st.DrawFn) -> Generated:
    base = draw(mac_inputs())
    inp = base.input
    full = full_mac(inp["algorithm"], inp["key"], inp["message"])
    change = draw(st.sampled_from(TAG_CHANGES))
    index, bit = draw(st.integers(0, 127)), draw(st.integers(0, 7))
    tag = _changed(change, full, inp["tag_length"], index, bit)
    return Generated({**inp, "tag": tag}, (*base.how, f"tag given: {change} ({len(tag)} bytes)"))


def rules(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> tuple[str, ...]:
    _, length, block = ALGORITHMS[inp["algorithm"]]
    cited = ["MAC-1", "MAC-3"]
    if len(inp["key"]) > block:
        cited.append("MAC-2")
    if inp["tag_length"] < length:
        cited.append("MAC-4")
    if operation == "mac-verify":
        cited += compare.HINTS[expected["reason"]][0] if not expected["valid"] else ("MAC-5",)
    return tuple(sorted(set(cited), key=lambda r: int(r.split("-")[1])))


def tags(operation: str, inp: dict[str, Any], expected: dict[str, Any]) -> list[tuple[str, ...]]:
    return [(operation,)]


FUZZING = Fuzzing(inputs={"mac": mac_inputs(), "mac-verify": verify_inputs()}, rules=rules, tags=tags)
