"""The published JSON Schema of an engine case, generated from the input models.

`python -m fitclaim.domain.schema` rewrites docs/engine-case.schema.json; a test
fails when the file differs from what the models generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fitclaim.domain.case_input import Case
from fitclaim.domain.money import MONEY_PATTERN, RATE_PATTERN


def case_json_schema() -> dict[str, Any]:
    schema = Case.model_json_schema(mode="validation")
    # The models check patterns in Python (for clear messages); publish them too.
    patterns = {
        "Date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "Money": MONEY_PATTERN,
        "Rate": RATE_PATTERN,
    }
    _annotate(schema, patterns)
    return schema


_MONEY_FIELDS = {
    "charge",
    "paid",
    "amount",
    "deductible",
    "deductible_met",
    "copay",
    "allowed_per_session",
    "election",
    "used",
    "balance",
    "annual_cap",
}
_RATE_FIELDS = {"coinsurance", "rate"}
_DATE_FIELDS = {
    "as_of",
    "birth_date",
    "issued",
    "expires",
    "valid_from",
    "valid_to",
    "signed_on",
    "start",
    "end",
    "established",
    "date",
}


def _annotate(node: Any, patterns: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            kind = (
                "Money"
                if key in _MONEY_FIELDS
                else "Rate"
                if key in _RATE_FIELDS
                else "Date"
                if key in _DATE_FIELDS
                else None
            )
            if kind is not None:
                _set_pattern(value, patterns[kind])
        for value in node.values():
            _annotate(value, patterns)
    elif isinstance(node, list):
        for value in node:
            _annotate(value, patterns)


def _set_pattern(prop: dict[str, Any], pattern: str) -> None:
    if prop.get("type") == "string":
        prop["pattern"] = pattern
    for option in prop.get("anyOf", []):
        if option.get("type") == "string":
            option["pattern"] = pattern


def schema_text() -> str:
    return json.dumps(case_json_schema(), indent=2, sort_keys=True) + "\n"


SCHEMA_PATH = Path("docs/engine-case.schema.json")

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH
    target.write_text(schema_text())
