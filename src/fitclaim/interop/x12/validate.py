"""pyx12 validation: the implementation guide's structure and code lists.

pyx12 checks segments, loops, element lengths and code lists against its maps
(005010X222A1 for the 837P, 005010X221A1 for the 835). It does not check our
business rules (NPI check digits, ICD-10-CM codes, totals): fitclaim checks
those itself before it writes a file.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from typing import Any

import pyx12.params
import pyx12.x12n_document


@dataclass(frozen=True, slots=True)
class X12Problem:
    """One error pyx12 reports: where (line, segment, element) and what."""

    line: int | None
    segment: str
    element: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        what = f"{self.segment}{self.element}" if self.segment else ""
        return f"{where}{' ' + what if what else ''}: {self.message} (pyx12 {self.code})"


def _errors(node: dict[str, Any], level: str) -> list[X12Problem]:
    problems = [
        X12Problem(
            line=node.get("cur_line"),
            segment=level,
            element="",
            code=str(error.get("err_cde", "")),
            message=str(error.get("err_str", "")),
        )
        for error in node.get("errors", [])
    ]
    return problems


def _walk(document: dict[str, Any]) -> list[X12Problem]:
    problems: list[X12Problem] = []
    for isa in document.get("interchanges", []):
        problems += _errors(isa, "ISA")
        for gs in isa.get("groups", []):
            problems += _errors(gs, "GS")
            for st in gs.get("transactions", []):
                problems += _errors(st, "ST")
                for segment in st.get("segments", []):
                    seg_id = segment.get("seg_id") or ""
                    problems += [
                        X12Problem(
                            line=segment.get("cur_line"),
                            segment=seg_id,
                            element="",
                            code=str(e.get("err_cde", "")),
                            message=str(e.get("err_str", "")),
                        )
                        for e in segment.get("errors", [])
                    ]
                    for element in segment.get("elements", []):
                        position = element.get("ele_pos")
                        sub = element.get("subele_pos")
                        name = f"{position:02d}" if isinstance(position, int) else ""
                        if sub:
                            name += f"-{sub}"
                        problems += [
                            X12Problem(
                                line=segment.get("cur_line"),
                                segment=seg_id,
                                element=name,
                                code=str(e.get("err_cde", "")),
                                message=str(e.get("err_str", "")),
                            )
                            for e in element.get("errors", [])
                        ]
    return problems


def validate_x12(text: str) -> list[X12Problem]:
    """Every error pyx12 finds in an X12 document (empty: valid)."""
    logger = logging.getLogger("pyx12")
    level = logger.level
    # pyx12 logs each error as well; the caller gets them as data instead.
    logger.setLevel(logging.CRITICAL)
    try:
        param = pyx12.params.params()
        report = io.StringIO()
        valid = pyx12.x12n_document.x12n_document(
            param, io.StringIO(text), io.StringIO(), None, None, report
        )
    except Exception as exc:  # pyx12 raises on files it cannot walk at all
        return [X12Problem(None, "", "", "engine", f"pyx12 could not read the file: {exc}")]
    finally:
        logger.setLevel(level)
    problems = _walk(json.loads(report.getvalue() or "{}"))
    if not valid and not problems:
        problems.append(X12Problem(None, "", "", "invalid", "pyx12 rejected the file"))
    return problems
