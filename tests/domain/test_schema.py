import json
from pathlib import Path

import pytest

from fitclaim.domain.case_checks import case_problems
from fitclaim.domain.schema import schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_published_case_schema_is_generated_from_the_models():
    published = (ROOT / "docs" / "engine-case.schema.json").read_text()
    assert published == schema_text(), "run: .venv/bin/python -m fitclaim.domain.schema"


def test_schema_refuses_unknown_keys_and_names_every_source_kind():
    schema = json.loads(schema_text())
    assert schema["additionalProperties"] is False
    kinds = {
        definition["properties"]["kind"]["const"]
        for name, definition in schema["$defs"].items()
        if name.endswith("Source")
    }
    assert kinds == {"insurance", "fsa", "hsa", "wellness"}


@pytest.mark.parametrize("text", ["85.00", "0.05", "1200.10"])
def test_money_pattern_in_schema_accepts_money(text):
    import re

    schema = json.loads(schema_text())
    pattern = schema["$defs"]["Session"]["properties"]["charge"]["pattern"]
    assert re.match(pattern, text)
    assert not re.match(pattern, "-" + text)


def test_example_case_is_valid():
    case = json.loads((ROOT / "tests/domain/cases/engine_md_example.case.json").read_text())
    assert case_problems(case) == []
