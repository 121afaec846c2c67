"""In-process test double: the reference, but every rejection reports the reason 'signature-mismatch' (or
'tag-mismatch'), and every refusal to sign the reason 'malformed-timestamp'."""

from hmac_conformance import _reference as reference


def hello():
    info = reference.hello()
    info["implementation"] = {"name": "wrong-reason", "version": "0", "language": "python"}
    return info


def run_case(scheme, operation, input):  # noqa: A002
    output = reference.run_case(scheme, operation, input)
    if output.get("valid") is False:
        output["reason"] = "signature-mismatch" if operation == "verify" else "tag-mismatch"
    if "refused" in output:
        output["refused"] = "malformed-timestamp"
    return output
