"""export: one JSON document, valid against its schema, every byte string Base64, every registered operation."""

from __future__ import annotations

import base64
import json

import jsonschema
from referencing import Registry, Resource

from hmac_conformance import schemes
from hmac_conformance._load import load
from tests.conftest import ROOT


def registry() -> Registry:
    reg = Registry()
    for path in (ROOT / "schema").rglob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        reg = reg.with_resource(schema["$id"], Resource.from_contents(schema))
    return reg


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, registry=registry(), format_checker=jsonschema.FormatChecker())


def test_export_to_file_validates_and_round_trips(hc, tmp_path):
    out = tmp_path / "vectors.json"
    result = hc("export", "--out", str(out))
    assert result.code == 0, result.err
    document = json.loads(out.read_text(encoding="utf-8"))
    errors = list(validator("export.schema.json").iter_errors(document))
    assert not errors, errors[0].message
    assert len(document["vectors"]) >= 200
    registered = {(name, op) for name, scheme in schemes.all_schemes().items() for op in scheme.operations}
    assert {(v["scheme"], v["operation"]) for v in document["vectors"]} == registered
    by_id = {v.id: v for v in load().vectors}
    for item in document["vectors"]:
        vector = by_id[item["id"]]
        if item["operation"] == "mac":
            assert base64.b64decode(item["input"]["message"]) == vector.input["message"]
            assert base64.b64decode(item["expected"]["tag"]) == vector.expected["tag"]
        if (item["scheme"], item["operation"]) == ("firstvision", "verify"):
            assert base64.b64decode(item["input"]["request"]["body"]) == vector.input["request"]["body"]


def test_export_to_stdout(hc):
    result = hc("export")
    assert result.code == 0
    assert json.loads(result.out)["bytes_encoding"] == "base64"


def test_export_refuses_invalid_vectors(hc, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nscheme: hmac\n", encoding="utf-8")
    result = hc("export", str(bad))
    assert result.code == 2
    assert f"{bad}:1" in result.err


def test_all_schemas_are_valid_2020_12():
    for path in (ROOT / "schema").rglob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
