"""hmac-conformance: test vectors and a runner for HMAC request signatures."""

__version__ = "1.0.0"
