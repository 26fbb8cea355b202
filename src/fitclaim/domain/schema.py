"""The published JSON Schema of an engine case, generated from the input models.

`python -m fitclaim.domain.schema` rewrites docs/engine-case.schema.json; a test
fails when the file differs from what the models generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fitclaim.domain.case_input import CASE_ADAPTER


def case_json_schema() -> dict[str, Any]:
    schema = CASE_ADAPTER.json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fitclaim engine case"
    return schema


def schema_text() -> str:
    return json.dumps(case_json_schema(), indent=2, sort_keys=True) + "\n"


SCHEMA_PATH = Path("docs/engine-case.schema.json")

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH
    target.write_text(schema_text())
