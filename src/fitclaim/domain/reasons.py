"""Why a source cannot pay a session: stable codes, in the engine's order."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    NOT_PAID_IN_FULL = "NOT_PAID_IN_FULL"
    RECEIPT_MISSING = "RECEIPT_MISSING"
    OUTSIDE_COVERAGE_PERIOD = "OUTSIDE_COVERAGE_PERIOD"
    CLAIM_DEADLINE_PASSED = "CLAIM_DEADLINE_PASSED"
    SOURCE_EXCLUDES_TRAINING = "SOURCE_EXCLUDES_TRAINING"
    SERVICE_NOT_COVERED = "SERVICE_NOT_COVERED"
    LMN_MISSING = "LMN_MISSING"
    LMN_EXPIRED = "LMN_EXPIRED"
    LMN_NOT_SIGNED = "LMN_NOT_SIGNED"
    TRAINER_NOT_AUTHORIZED = "TRAINER_NOT_AUTHORIZED"
    FACILITY_NOT_AUTHORIZED = "FACILITY_NOT_AUTHORIZED"
    LMN_SESSION_LIMIT_REACHED = "LMN_SESSION_LIMIT_REACHED"
    LMN_ISSUER_NOT_ACCEPTED = "LMN_ISSUER_NOT_ACCEPTED"
    CONDITION_NOT_COVERED = "CONDITION_NOT_COVERED"
    CREDENTIAL_REQUIRED = "CREDENTIAL_REQUIRED"
    PREAUTH_MISSING = "PREAUTH_MISSING"
    PREAUTH_LIMIT_REACHED = "PREAUTH_LIMIT_REACHED"
    SESSION_LIMIT_REACHED = "SESSION_LIMIT_REACHED"
    FUNDS_EXHAUSTED = "FUNDS_EXHAUSTED"


# The declaration order above is the order of reasons and of actions.
REASON_ORDER: tuple[Reason, ...] = tuple(Reason)

FIXABLE: frozenset[Reason] = frozenset(
    {
        Reason.NOT_PAID_IN_FULL,
        Reason.RECEIPT_MISSING,
        Reason.LMN_MISSING,
        Reason.LMN_EXPIRED,
        Reason.LMN_NOT_SIGNED,
        Reason.TRAINER_NOT_AUTHORIZED,
        Reason.FACILITY_NOT_AUTHORIZED,
        Reason.LMN_SESSION_LIMIT_REACHED,
        Reason.LMN_ISSUER_NOT_ACCEPTED,
        Reason.CREDENTIAL_REQUIRED,
        Reason.PREAUTH_MISSING,
        Reason.PREAUTH_LIMIT_REACHED,
    }
)

PLAIN_WORDS: dict[Reason, str] = {
    Reason.NOT_PAID_IN_FULL: "The session is not paid in full yet.",
    Reason.RECEIPT_MISSING: "No receipt for this session.",
    Reason.OUTSIDE_COVERAGE_PERIOD: "The session is outside this source's coverage period.",
    Reason.CLAIM_DEADLINE_PASSED: "The deadline to claim this session has passed.",
    Reason.SOURCE_EXCLUDES_TRAINING: "This source does not cover training.",
    Reason.SERVICE_NOT_COVERED: "This service code is not covered by this source.",
    Reason.LMN_MISSING: "No letter of medical necessity covers this date.",
    Reason.LMN_EXPIRED: "The letter of medical necessity had expired by this date.",
    Reason.LMN_NOT_SIGNED: "The letter of medical necessity is not signed yet.",
    Reason.TRAINER_NOT_AUTHORIZED: "The letter does not authorize this trainer.",
    Reason.FACILITY_NOT_AUTHORIZED: "The letter does not authorize this facility.",
    Reason.LMN_SESSION_LIMIT_REACHED: "The letter's authorized sessions are used up.",
    Reason.LMN_ISSUER_NOT_ACCEPTED: "This source does not accept letters from this provider kind.",
    Reason.CONDITION_NOT_COVERED: "The diagnosed condition is not covered by this plan.",
    Reason.CREDENTIAL_REQUIRED: "The trainer lacks a credential this plan requires.",
    Reason.PREAUTH_MISSING: "No approved pre-authorization covers this date.",
    Reason.PREAUTH_LIMIT_REACHED: "The pre-authorization's approved sessions are used up.",
    Reason.SESSION_LIMIT_REACHED: "The plan's session limit is reached.",
    Reason.FUNDS_EXHAUSTED: "No funds left in this account or program.",
}
