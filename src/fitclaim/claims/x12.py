"""837P files for insurance claims: load, check, write, validate, record.

The organization bills as the provider (provider-submitted claims, NOTES.md):
without its group NPI the 837P is refused by the claim check
BILLING_NPI_MISSING and the paper route (packet, CMS-1500) remains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.audit.services import audit_record
from fitclaim.claims.models import Claim, ClaimLine, Status, X12Batch
from fitclaim.claims.packets import _client_letters, letter_for_line
from fitclaim.domain.claim_checks import check_billing_npi
from fitclaim.domain.codes import npi_is_valid
from fitclaim.funding.models import FundingKind
from fitclaim.interop.x12.professional import (
    Address,
    BillingProvider,
    Envelope,
    Payer,
    ProfessionalClaim,
    Rendering,
    ServiceLine,
    Subscriber,
    digits,
    render_837p,
    split_us_address,
)
from fitclaim.interop.x12.validate import validate_x12

BATCHABLE = (Status.READY, Status.SUBMITTED)
RESPONSIBILITY = {1: "P", 2: "S", 3: "T"}


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, "") or default)


def split_name(full: str) -> tuple[str, str]:
    """("Ortiz", "Sam") from "Sam Ortiz": the last word is the family name."""
    parts = full.strip().split()
    if len(parts) < 2:
        return full.strip(), ""
    return parts[-1], " ".join(parts[:-1])


def billing_problems(organization: Any) -> tuple[BillingProvider | None, list[str]]:
    """The organization as the billing provider, or what it lacks."""
    problems: list[str] = []
    npi = check_billing_npi(provider_submitted=True, billing_npi=organization.group_npi)
    if npi is not None:
        problems.append(f"{npi.code}: {npi.message}")
    ein = digits(organization.tax_id)
    if len(ein) != 9:
        problems.append("The organization's tax id (EIN, 9 digits) is missing (settings).")
    address = split_us_address(organization.address)
    if address is None:
        problems.append(
            "The organization's address must end with the city, state and ZIP code "
            '("Salem, OR 97301") for an 837P (settings).'
        )
    if problems:
        return None, problems
    assert address is not None
    return BillingProvider(
        name=organization.name, npi=organization.group_npi, ein=ein, address=address
    ), []


def professional_claim(
    claim: Claim, lines: list[ClaimLine], letters: list[Any]
) -> tuple[ProfessionalClaim | None, list[str]]:
    """The claim as the 837P writes it, or what it lacks (each problem named)."""
    client = claim.client
    source = claim.source
    problems: list[str] = []
    if claim.kind != FundingKind.INSURANCE:
        problems.append("only insurance claims go as an 837P")
    if claim.status == Status.DRAFT:
        problems.append("is draft: mark it ready first")
    elif claim.status not in BATCHABLE:
        problems.append(
            f"is {claim.get_status_display().lower()}: only a ready (or submitted) claim goes "
            "in an 837P"
        )
    if not claim.payer_id.strip():
        problems.append("the payer id (the insurer's electronic id) is missing")
    if not source.member_id.strip():
        problems.append(f"the member id for {source.name} is missing")
    if client.birth_date is None:
        problems.append("the patient's date of birth is missing")
    address: Address | None = split_us_address(client.address)
    if address is None:
        problems.append('the patient\'s address must end with "City, ST 12345"')
    diagnoses: list[str] = []
    for line in lines:
        lmn = letter_for_line(line, letters)
        for code in lmn.diagnoses if lmn else []:
            if code not in diagnoses:
                diagnoses.append(code)
    diagnoses = diagnoses or list(client.conditions)
    if not diagnoses:
        problems.append("no diagnosis (the letter of medical necessity lists none)")
    if not lines:
        problems.append("no lines")
    if problems:
        return None, problems
    assert address is not None and client.birth_date is not None
    trainers = {line.session.trainer for line in lines}
    rendering = None
    if len(trainers) == 1:
        trainer = next(iter(trainers))
        if (
            trainer.npi
            and npi_is_valid(trainer.npi)
            and trainer.npi != claim.organization.group_npi
        ):
            last, first = split_name(trainer.name)
            rendering = Rendering(last_name=last, first_name=first, npi=trainer.npi)
    pointers = tuple(range(1, min(4, len(diagnoses)) + 1))
    prior = next((line.preauthorization.reference for line in lines if line.preauthorization), "")
    return ProfessionalClaim(
        claim_id=claim.number,
        subscriber=Subscriber(
            last_name=client.last_name,
            first_name=client.first_name,
            member_id=source.member_id,
            birth_date=client.birth_date,
            address=address,
        ),
        payer=Payer(
            name=source.payer_name or source.name,
            payer_id=claim.payer_id,
            responsibility=RESPONSIBILITY.get(source.order or 1, "P"),
        ),
        diagnoses=tuple(diagnoses),
        lines=tuple(
            ServiceLine(
                control=line.control,
                code=line.code,
                charge=line.charge,
                units=line.units,
                date=line.date,
                pointers=pointers,
            )
            for line in lines
        ),
        prior_authorization=prior or "",
        rendering=rendering,
    ), []


def load_professional_claims(
    claims: Iterable[Claim],
) -> tuple[BillingProvider | None, list[ProfessionalClaim], list[str]]:
    """Load the claims (one organization's) as the 837P writes them; the
    problems are named by claim number."""
    claims = list(claims)
    problems: list[str] = []
    if not claims:
        return None, [], ["choose at least one claim"]
    organizations = {claim.organization_id for claim in claims}
    if len(organizations) != 1:
        return None, [], ["the claims belong to more than one organization"]
    billing, billing_issues = billing_problems(claims[0].organization)
    problems += billing_issues
    lines_by_claim: dict[int, list[ClaimLine]] = {claim.pk: [] for claim in claims}
    for line in (
        ClaimLine.objects.filter(claim_id__in=lines_by_claim)
        .select_related("session__trainer", "preauthorization")
        .order_by("claim_id", "date", "pk")
    ):
        lines_by_claim[line.claim_id].append(line)
    letters_by_client: dict[int, list[Any]] = {}
    loaded: list[ProfessionalClaim] = []
    for claim in claims:
        if claim.client_id not in letters_by_client:
            letters_by_client[claim.client_id] = _client_letters(claim.client)
        written, issues = professional_claim(
            claim, lines_by_claim[claim.pk], letters_by_client[claim.client_id]
        )
        problems += [f"{claim.number}: {issue}" for issue in issues]
        if written is not None:
            loaded.append(written)
    return billing, loaded, problems


@transaction.atomic
def x12_837_generate(
    *,
    by: Actor,
    claims: Iterable[Claim],
    usage: str = "P",
    created: dt.datetime | None = None,
) -> tuple[str, X12Batch]:
    """The 837P of these insurance claims (ready, or submitted electronically
    before), checked by pyx12. Every problem with any claim refuses the whole
    file, each named; the batch is recorded with its control number."""
    from fitclaim.claims.selectors import access_claim

    claims = [access_claim(by, claim.pk, write=True) for claim in claims]
    billing, written, problems = load_professional_claims(claims)
    if usage not in ("P", "T"):
        problems.append("usage is P (production) or T (test)")
    if problems or billing is None:
        raise ValidationError({"claims": problems})
    org = claims[0].organization
    batch = X12Batch.objects.create(
        organization_id=org.pk, sha256="", usage=usage, created_by=by.user
    )
    envelope = Envelope(
        sender_id=org.group_npi,
        receiver_id=_setting("FITCLAIM_X12_RECEIVER_ID", "CLEARINGHOUSE"),
        receiver_name=_setting("FITCLAIM_X12_RECEIVER_NAME", "Clearinghouse"),
        submitter_name=org.name,
        contact_name=by.user.get_full_name() or by.user.email,
        contact_phone=org.phone or "0000000000",
        control_number=batch.pk,
        created=created or timezone.localtime(),
        usage=usage,
    )
    text = render_837p(envelope, billing, written)
    invalid = validate_x12(text)
    if invalid:
        # Never leaves fitclaim: a clearinghouse would reject it anyway.
        raise ValidationError({"claims": [f"pyx12: {problem}" for problem in invalid]})
    batch.sha256 = hashlib.sha256(text.encode()).hexdigest()
    batch.save(update_fields=["sha256"])
    batch.claims.set(claims)
    numbers = ", ".join(claim.number for claim in claims)
    for claim in claims:
        audit_record(
            actor=by,
            action="download",
            entity="claim",
            entity_id=claim.pk,
            client_id=claim.client_id,
            summary=f"generated 837P {batch.pk:09d} with claim {claim.number}",
        )
    audit_record(
        actor=by,
        action="create",
        entity="x12_batch",
        entity_id=batch.pk,
        summary=f"generated 837P {batch.pk:09d} for {len(claims)} claim(s): {numbers}"[:300],
    )
    return text, batch
