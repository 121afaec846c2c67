"""The cross-checks' HMAC and hashes (schemes/hmac/crosscheck.py): Nettle's, through the native package, and
PyCryptodome's where that is not installed. Either confirms every expected value, so the two must answer alike on
every algorithm, at every boundary of key and message length, and on every vector of the suite."""

from __future__ import annotations

import hashlib
import hmac
import random
import subprocess
import sys

import pytest

from hmac_conformance import _load, _validate, schemes
from hmac_conformance.schemes.hmac import crosscheck
from hmac_conformance.schemes.hmac import reference as hmac_reference

NETTLE = crosscheck.NETTLE

#: OpenSSL's names (hashlib), only to hold both implementations to a third one in these tests.
_HASHLIB = {name: entry[0] for name, entry in hmac_reference.ALGORITHMS.items()}


def _require_nettle() -> None:
    from tests.conftest import REQUIRE_ALL

    if NETTLE is None:
        if REQUIRE_ALL:
            pytest.fail("Nettle's HMAC (runner/native) is required (HMAC_CONFORMANCE_REQUIRE_ALL=1) but not installed")
        pytest.skip("Nettle's HMAC (runner/native) is not installed")


@pytest.fixture
def pycryptodome(monkeypatch):
    """The cross-check with PyCryptodome answering, as where the native package is not installed."""
    monkeypatch.setattr(crosscheck, "NETTLE", None)


@pytest.fixture(params=["nettle", "pycryptodome"])
def either(request, monkeypatch):
    """The cross-check with each implementation answering in turn."""
    if request.param == "nettle":
        _require_nettle()
    else:
        monkeypatch.setattr(crosscheck, "NETTLE", None)


def _lengths(block: int) -> list[int]:
    """Lengths around every boundary the HMAC construction and the hash's padding have for this block size."""
    return sorted({0, 1, 2, 19, 20, 55, 56, 57, 63, 64, 65, 111, 112, 113, block - 1, block, block + 1, 2 * block + 7})


def test_both_compute_the_suites_algorithms_and_only_those():
    assert set(crosscheck.ALGORITHMS) == set(hmac_reference.ALGORITHMS)
    assert set(crosscheck._pycryptodome()[1]) == set(crosscheck.ALGORITHMS)
    _require_nettle()
    assert set(NETTLE.ALGORITHMS) == set(crosscheck.ALGORITHMS)


def test_pycryptodome_is_not_imported_where_nettle_answers():
    """Loading it costs every command about 40 ms."""
    _require_nettle()
    code = "import sys, hmac_conformance._cli; print('Crypto' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("algorithm", sorted(hmac_reference.ALGORITHMS))
def test_nettle_and_pycryptodome_agree_at_every_length_boundary(algorithm, monkeypatch):
    _require_nettle()
    block = hmac_reference.ALGORITHMS[algorithm][2]
    rng = random.Random(f"independent-{algorithm}")
    cases = [(rng.randbytes(k), rng.randbytes(m)) for k in _lengths(block) for m in _lengths(block)]
    cases.append((rng.randbytes(block + 1), rng.randbytes(70_000)))  # hashed with the GIL released
    for key, message in cases:
        nettle = crosscheck.mac(algorithm, key, message)
        hashed = crosscheck.digest(algorithm, message)
        monkeypatch.setattr(crosscheck, "NETTLE", None)
        assert nettle == crosscheck.mac(algorithm, key, message), (algorithm, len(key), len(message))
        assert hashed == crosscheck.digest(algorithm, message), (algorithm, len(message))
        monkeypatch.setattr(crosscheck, "NETTLE", NETTLE)
        assert nettle == hmac.digest(key, message, _HASHLIB[algorithm])
        assert hashed == hashlib.new(_HASHLIB[algorithm], message).digest()


@pytest.mark.usefixtures("either")
def test_rfc_4231_test_case_2_and_a_long_key():
    """Published values (RFC 4231 §4.3, and §4.7's 131-byte key, longer than SHA-512's block), by each."""
    tag = crosscheck.mac("sha256", b"Jefe", b"what do ya want for nothing?")
    assert tag.hex() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    key, message = b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First"
    assert crosscheck.mac("sha512", key, message).hex() == (
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
        "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
    )


@pytest.mark.usefixtures("either")
def test_an_unknown_algorithm_is_a_key_error_from_either():
    """A check that meets one says "cannot be recomputed: KeyError: ...", whichever implementation answers."""
    for call in (lambda: crosscheck.mac("sha4", b"k", b"m"), lambda: crosscheck.digest("sha4", b"m")):
        with pytest.raises(KeyError) as info:
            call()
        assert info.value.args == ("sha4",)


def test_nettle_takes_any_bytes_like_value_and_refuses_text():
    _require_nettle()
    want = crosscheck.mac("sha1", b"key", b"message")
    assert NETTLE.mac("sha1", bytearray(b"key"), memoryview(b"message")) == want
    assert NETTLE.digest("sha1", memoryview(b"message")) == hashlib.sha1(b"message").digest()
    for bad in (("sha1", "key", b"message"), ("sha1", b"key", "message"), (b"sha1", b"key", b"message")):
        with pytest.raises(TypeError):
            NETTLE.mac(*bad)
    with pytest.raises(TypeError):
        NETTLE.mac("sha1", b"key")


def _suite_problems() -> list[str]:
    result = _load.load()
    assert len(result.vectors) > 1000 and not result.problems
    return [message for _, messages in _validate._checks(result.vectors) for message in messages]


def test_every_vector_of_the_suite_is_confirmed_by_pycryptodome_too(pycryptodome, monkeypatch):
    """Where the native package is not installed, the suite validates all the same: the checks' cache is
    bypassed, so PyCryptodome does recompute every value."""
    monkeypatch.setenv("HMAC_CONFORMANCE_CACHE", "off")
    calls = []
    real = crosscheck.mac
    monkeypatch.setattr(crosscheck, "mac", lambda *args: calls.append(args[0]) or real(*args))
    with schemes.held():
        assert _suite_problems() == []
    assert set(calls) == set(crosscheck.ALGORITHMS), "every algorithm was computed by PyCryptodome"
