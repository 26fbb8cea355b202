"""Writing an 835 remittance that answers given claims.

fitclaim reads 835s; it never sends one. This writer exists for the demo data
(a claim paid by an imported 835) and the posting tests, which need 835s that
answer fitclaim's own claims (the public samples carry other systems' claim
ids). What it writes passes pyx12 (005010X221A1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class SvcAnswer:
    code: str
    charge: Decimal
    paid: Decimal
    date: dt.date
    control: str = ""
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class ClpAnswer:
    claim_id: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_last: str = "REYES"
    patient_first: str = "DANA"
    member_id: str = "ACM884120931"
    payer_claim_number: str = "PCN0001"
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    services: list[SvcAnswer] = field(default_factory=list)
    patient_responsibility: Decimal | None = None


def _amount(value: Decimal) -> str:
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cas(group: str, items: Sequence[tuple[str, str, Decimal]]) -> str:
    parts = ["CAS", group]
    for _group, reason, amount in items:
        parts += [reason, _amount(amount), ""]
    while parts[-1] == "":
        parts.pop()
    return "*".join(parts)


def _adjustment_segments(items: Sequence[tuple[str, str, Decimal]]) -> list[str]:
    groups: dict[str, list[tuple[str, str, Decimal]]] = {}
    for item in items:
        groups.setdefault(item[0], []).append(item)
    return [_cas(group, entries) for group, entries in groups.items()]


def write_835(
    claims: Sequence[ClpAnswer],
    *,
    paid_on: dt.date,
    trace: str = "EFT20261128",
    control: int = 501,
) -> str:
    total = sum((c.paid for c in claims), Decimal("0.00"))
    segments = [
        "ISA*00*          *00*          *ZZ*ACMEHEALTH     *ZZ*1558412340     *"
        f"{paid_on:%y%m%d}*1200*^*00501*{control:09d}*0*P*:",
        f"GS*HP*ACMEHEALTH*1558412340*{paid_on:%Y%m%d}*1200*{control}*X*005010X221A1",
    ]
    body = [
        "ST*835*0001",
        "*".join(["BPR", "I", _amount(total), "C", "CHK"] + [""] * 11 + [f"{paid_on:%Y%m%d}"]),
        f"TRN*1*{trace}*1512345678",
        f"DTM*405*{paid_on:%Y%m%d}",
        "N1*PR*ACME HEALTH",
        "N3*PO BOX 4410",
        "N4*PORTLAND*OR*97208",
        "PER*BL*PROVIDER SERVICES*TE*8005551212",
        "N1*PE*RIVERBEND MEDICAL FITNESS*XX*1558412340",
        "LX*1",
    ]
    for claim in claims:
        clp = [
            "CLP",
            claim.claim_id,
            claim.status,
            _amount(claim.charge),
            _amount(claim.paid),
            "" if claim.patient_responsibility is None else _amount(claim.patient_responsibility),
            "12",
            claim.payer_claim_number,
        ]
        body.append("*".join(clp))
        body += _adjustment_segments(claim.adjustments)
        body.append(f"NM1*QC*1*{claim.patient_last}*{claim.patient_first}****MI*{claim.member_id}")
        for service in claim.services:
            body.append(
                f"SVC*HC:{service.code}*{_amount(service.charge)}*{_amount(service.paid)}**1"
            )
            body.append(f"DTM*472*{service.date:%Y%m%d}")
            body += _adjustment_segments(service.adjustments)
            if service.control:
                body.append(f"REF*6R*{service.control}")
            for remark in service.remarks:
                body.append(f"LQ*HE*{remark}")
    body.append(f"SE*{len(body) + 1}*0001")
    segments += body
    segments += [f"GE*1*{control}", f"IEA*1*{control:09d}"]
    return "~\n".join(segments) + "~\n"
