"""The compact ICD-10-CM index that ships with fitclaim.

simple-icd-10-cm 1.5.0 carries the FY2026 (April 1, 2026) tabular list, but
importing it takes about two seconds. fitclaim reads a gzipped table built from
it instead: one line per category, subcategory or code, with whether it is
billable (a leaf of the classification) and its description. `python -m
fitclaim.domain.icd10_index` rebuilds the table; a test fails when it is stale.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

INDEX_PATH = Path(__file__).with_name("data") / "icd10cm_fy2026.tsv.gz"


def build_index_lines() -> list[str]:
    import simple_icd_10_cm as icd

    lines = []
    for code in icd.get_all_codes(True):
        if not (icd.is_category(code) or icd.is_subcategory(code)):
            continue  # chapters and blocks ("E65-E68") are not codes
        billable = "B" if icd.is_leaf(code) else "C"
        description = " ".join(icd.get_description(code).split())
        lines.append(f"{code}\t{billable}\t{description}")
    return lines


def write_index(path: Path = INDEX_PATH) -> None:
    payload = ("\n".join(build_index_lines()) + "\n").encode()
    # mtime=0 keeps the file byte-identical between builds.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(payload)


if __name__ == "__main__":
    write_index(Path(sys.argv[1]) if len(sys.argv) > 1 else INDEX_PATH)
