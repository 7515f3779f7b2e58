"""Property-based tests: the loader and validator never crash, and agree with the schema."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator, FormatChecker

from journeymap.load import load_bytes, load_text
from journeymap.schema import schema_text
from tests.conftest import analysis_of

# the full suite only (`make test`); `make test-fast` leaves it out
pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
# from_schema rewrites the schema it is given, so it gets a private copy. It knows the drafts
# up to 7: 2020-12's prefixItems (the first stage may not be optional) it does not apply, so
# the maps it makes are kept only when the schema itself accepts them
_VALID = Draft202012Validator(json.loads(schema_text()), format_checker=FormatChecker())
maps = from_schema(json.loads(schema_text())).filter(_VALID.is_valid)


@SETTINGS
@given(maps)
def test_schema_valid_maps_load_back_equal_and_pass_the_schema(data):
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    doc, findings = load_text(text, "gen.journey.yaml")
    assert findings == []
    assert doc.data == data
    result = analysis_of(text, "gen.journey.yaml", lint=False)
    assert not [f for f in result.findings if f.rule_id == "JM010"]


@SETTINGS
@given(maps)
def test_validate_is_deterministic(data):
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    first = analysis_of(raw, "gen.journey.yaml", lint=False).findings
    assert analysis_of(raw, "gen.journey.yaml", lint=False).findings == first


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_give_findings_never_an_exception(raw):
    doc, findings = load_bytes(raw, "noise.journey.yaml")
    assert (doc is None) == bool(findings) or doc is not None
    for f in findings:
        assert f.line >= 1 and f.column >= 1
        assert "\n" not in f.message


yaml_ish = st.text(alphabet=st.sampled_from(list("abc: -[]{}&*!|>'\"#\n\t01?,%@`~\\")), max_size=200)


@SETTINGS
@given(yaml_ish)
def test_yaml_shaped_noise_never_crashes_validate(text):
    result = analysis_of(text, "noise.journey.yaml", lint=False)
    assert all(f.line >= 1 for f in result.findings)
