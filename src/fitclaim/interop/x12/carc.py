"""Claim adjustment reason codes (CARC) and remittance advice remark codes
(RARC), mapped to and from the engine's reasons (shared/ENGINE.md, "Reason
codes and their usual payer equivalents").

A payer's denial comes back as a CARC; mapping it to the engine's reasons lets
the claim page set what the engine predicted beside what the payer decided.
"""

from __future__ import annotations

from fitclaim.domain.reasons import REASON_ORDER, Reason

R = Reason

# The table of ENGINE.md, engine reason -> CARC.
REASON_TO_CARC: dict[Reason, str] = {
    R.CONDITION_NOT_COVERED: "50",
    R.LMN_MISSING: "50",
    R.LMN_EXPIRED: "50",
    R.LMN_NOT_SIGNED: "50",
    R.LMN_SESSION_LIMIT_REACHED: "50",
    R.LMN_ISSUER_NOT_ACCEPTED: "50",
    R.TRAINER_NOT_AUTHORIZED: "50",
    R.FACILITY_NOT_AUTHORIZED: "50",
    R.PREAUTH_MISSING: "197",
    R.PREAUTH_LIMIT_REACHED: "198",
    R.CLAIM_DEADLINE_PASSED: "29",
    R.SESSION_LIMIT_REACHED: "119",
    R.SERVICE_NOT_COVERED: "96",
    R.SOURCE_EXCLUDES_TRAINING: "96",
    R.CREDENTIAL_REQUIRED: "185",
    R.OUTSIDE_COVERAGE_PERIOD: "27",
    R.RECEIPT_MISSING: "16",
    R.NOT_PAID_IN_FULL: "16",
}

# CARC -> the engine reasons it stands for, in the engine's order of reasons.
CARC_TO_REASONS: dict[str, tuple[Reason, ...]] = {}
for _reason in REASON_ORDER:
    _code = REASON_TO_CARC.get(_reason)
    if _code is not None:
        CARC_TO_REASONS[_code] = (*CARC_TO_REASONS.get(_code, ()), _reason)

# The CARCs fitclaim names in plain words (the X12 external code list, abridged
# to what personal-training claims meet). Any other code is kept and shown as is.
CARC_WORDS: dict[str, str] = {
    "1": "Deductible amount",
    "2": "Coinsurance amount",
    "3": "Co-payment amount",
    "16": "Claim/service lacks information or has submission/billing error(s)",
    "18": "Exact duplicate claim/service",
    "22": "This care may be covered by another payer per coordination of benefits",
    "23": "The impact of prior payer(s) adjudication including payments and/or adjustments",
    "27": "Expenses incurred after coverage terminated",
    "29": "The time limit for filing has expired",
    "31": "Patient cannot be identified as our insured",
    "42": "Charges exceed our fee schedule or maximum allowable amount",
    "45": "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement",
    "50": "These are non-covered services because this is not deemed a 'medical necessity' by "
    "the payer",
    "94": "Processed in excess of charges",
    "96": "Non-covered charge(s)",
    "97": "The benefit for this service is included in the payment/allowance for another "
    "service/procedure that has already been adjudicated",
    "119": "Benefit maximum for this time period or occurrence has been reached",
    "151": "Payment adjusted because the payer deems the information submitted does not "
    "support this many/frequency of services",
    "185": "The rendering provider is not eligible to perform the service billed",
    "197": "Precertification/authorization/notification/pre-treatment absent",
    "198": "Precertification/notification/authorization/pre-treatment exceeded",
    "204": "This service/equipment/drug is not covered under the patient's current benefit plan",
    "242": "Services not provided by network/primary care providers",
    "A2": "Contractual adjustment",
    "A7": "Presumptive payment adjustment",
}

GROUP_WORDS: dict[str, str] = {
    "CO": "contractual obligation",
    "CR": "correction or reversal",
    "OA": "other adjustment",
    "PI": "payer-initiated reduction",
    "PR": "patient responsibility",
}

RARC_WORDS: dict[str, str] = {
    "M25": "The information furnished does not substantiate the need for this level of service",
    "MA02": "If you do not agree with this determination, you have the right to appeal",
    "MA130": "Your claim contains incomplete and/or invalid information",
    "N14": "Payment based on a contractual amount or agreement, fee schedule, or maximum "
    "allowable amount",
    "N54": "Claim information is inconsistent with pre-certified/authorized services",
    "N115": "This decision was based on a Local Coverage Determination (LCD)",
    "N130": "Consult plan benefit documents/guidelines for information about restrictions for "
    "this service",
    "N386": "This decision was based on a National Coverage Determination (NCD)",
}

# Patient responsibility: what the member owes under the plan's terms.
DEDUCTIBLE, COINSURANCE, COPAY = "1", "2", "3"


def carc_for(reason: Reason | str) -> str | None:
    """The CARC a payer would use for an engine reason (None for reasons no
    insurer gives, such as FUNDS_EXHAUSTED)."""
    try:
        return REASON_TO_CARC.get(Reason(reason))
    except ValueError:
        return None


def reasons_for(carc: str) -> tuple[Reason, ...]:
    """The engine reasons a CARC stands for (none for amounts such as 1, 2, 45)."""
    return CARC_TO_REASONS.get(carc.strip().upper(), ())


def carc_words(carc: str) -> str:
    return CARC_WORDS.get(carc.strip().upper(), "")


def rarc_words(rarc: str) -> str:
    return RARC_WORDS.get(rarc.strip().upper(), "")


def is_denial_reason(carc: str) -> bool:
    """Whether a CARC says the service was not payable (as opposed to an amount
    the member owes or a contractual write-off)."""
    return bool(reasons_for(carc))
