"""CARC <-> engine reasons: the table of shared/ENGINE.md."""

from __future__ import annotations

import pytest

from fitclaim.domain.reasons import Reason
from fitclaim.interop.x12.carc import carc_for, carc_words, is_denial_reason, reasons_for

R = Reason


@pytest.mark.parametrize(
    ("reason", "carc"),
    [
        (R.CONDITION_NOT_COVERED, "50"),
        (R.LMN_EXPIRED, "50"),
        (R.TRAINER_NOT_AUTHORIZED, "50"),
        (R.FACILITY_NOT_AUTHORIZED, "50"),
        (R.PREAUTH_MISSING, "197"),
        (R.PREAUTH_LIMIT_REACHED, "198"),
        (R.CLAIM_DEADLINE_PASSED, "29"),
        (R.SESSION_LIMIT_REACHED, "119"),
        (R.SERVICE_NOT_COVERED, "96"),
        (R.SOURCE_EXCLUDES_TRAINING, "96"),
        (R.CREDENTIAL_REQUIRED, "185"),
        (R.OUTSIDE_COVERAGE_PERIOD, "27"),
        (R.RECEIPT_MISSING, "16"),
        (R.NOT_PAID_IN_FULL, "16"),
        (R.FUNDS_EXHAUSTED, None),
    ],
)
def test_every_engine_reason_has_its_payer_code(reason: Reason, carc: str | None) -> None:
    assert carc_for(reason) == carc


def test_a_payer_code_names_the_engine_reasons_in_engine_order() -> None:
    assert reasons_for("96") == (R.SOURCE_EXCLUDES_TRAINING, R.SERVICE_NOT_COVERED)
    assert (
        reasons_for("50")[0] == R.LMN_MISSING and reasons_for("50")[-1] == R.CONDITION_NOT_COVERED
    )
    assert reasons_for(" 197 ") == (R.PREAUTH_MISSING,)
    assert reasons_for("45") == () and not is_denial_reason("1")
    assert carc_words("119").startswith("Benefit maximum")
