"""Demo letters and pre-authorizations for the demo organization's clients.

`load_letters_demo(organization=..., as_of=...)` is called by the demo loader
(fitclaim.clients.demo) after the clients exist. Relative to `as_of`, it gives:

- Dana Reyes: a signed, active letter (e-signed through the link) and an
  approved pre-authorization;
- Marcus Bell: a signed letter expiring in 25 days and a pending request;
- Priya Natarajan: a letter signed on paper (scan) that expired 35 days ago;
- Tom Haller: a letter awaiting the provider's signature and a denied request;
- Linda Okafor: a letter the provider declined, with their comment;
- Kevin O'Brien: a signed letter and an approved pre-authorization ending in
  5 days.

Idempotent: a client who already has letters (or a plan that already has a
request) is left as it is, so running it twice creates nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitclaim.clients.models import Client
from fitclaim.documents.lmn import render_letter
from fitclaim.domain.letters import default_valid_to
from fitclaim.lmns.models import Lmn, LmnSignatureRequest, LmnStatus
from fitclaim.lmns.selectors import lmn_document, lmn_unsigned_sha256, token_hash
from fitclaim.lmns.services import (
    SIGNING_LINK_DAYS,
    _sign_electronically,
    _sign_with_scan,
    lmn_expire_due,
    signer,
)
from fitclaim.preauths.models import Preauthorization, PreauthStatus
from fitclaim.providers.models import Provider

STATEMENT = (
    "{name} is under my care for the conditions listed above. I prescribe supervised "
    "exercise training as part of their treatment: it treats these conditions, and {name} "
    "would not incur this expense but for them."
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


@transaction.atomic
def load_letters_demo(*, organization: Any, as_of: dt.date) -> Counter[str]:
    """Create the demo letters and pre-authorizations that are missing; what was
    created, by kind."""
    created: Counter[str] = Counter()

    def day(n: int) -> dt.date:
        return as_of + dt.timedelta(days=n)

    clients = {
        client.name: client
        for client in Client.objects.filter(organization=organization).prefetch_related("trainers")
    }
    providers = {p.name: p for p in Provider.objects.filter(organization=organization)}
    lee = providers.get("Dr. Ana Lee")
    alvarez = providers.get("Rosa Alvarez")
    brooks = providers.get("Dr. Ethan Brooks")

    def letter(client: Client | None, provider: Provider | None, **values: Any) -> Lmn | None:
        if client is None or provider is None or client.lmns.exists():
            return None
        valid_from = values.pop("valid_from")
        lmn = Lmn.objects.create(
            organization=organization,
            client=client,
            provider=provider,
            status=values.pop("status", LmnStatus.DRAFT),
            diagnoses=list(client.conditions),
            necessity_statement=STATEMENT.format(name=client.name),
            valid_from=valid_from,
            valid_to=values.pop("valid_to", default_valid_to(valid_from)),
            **values,
        )
        lmn.authorized_trainers.set(
            client.trainers.all(), through_defaults={"organization": organization}
        )
        created["letters of medical necessity"] += 1
        return lmn

    def esign(lmn: Lmn | None, signed: dt.date) -> None:
        if lmn is None:
            return
        lmn.status = LmnStatus.AWAITING_SIGNATURE
        _sign_electronically(
            lmn=lmn,
            request=None,
            signer_name=lmn.provider.name if lmn.provider else "",
            document_sha256=lmn_unsigned_sha256(lmn),
            ip="203.0.113.24",
            user_agent="Mozilla/5.0 (demo)",
            signed_at=_at(signed),
        )

    plan = {
        "exercise_kind": "Supervised resistance and aerobic training",
        "sessions_per_week": 2,
        "minutes_per_session": 60,
        "intensity": "Moderate (RPE 11-13), progressing as tolerated",
        "precautions": "Check blood glucose before and after sessions; stop on chest pain.",
        "goals": "Lose 7% of body weight; HbA1c below 7%; walk 30 minutes without rest.",
    }

    dana = clients.get("Dana Reyes")
    dana_letter = letter(
        dana,
        lee,
        valid_from=day(-120),
        sessions_authorized=96,
        reexamination_date=day(60),
        **plan,
    )
    esign(dana_letter, day(-121))

    marcus = clients.get("Marcus Bell")
    marcus_letter = letter(
        marcus,
        lee,
        valid_from=day(-340),
        valid_to=day(25),
        reexamination_date=day(10),
        **(
            plan
            | {
                "exercise_kind": "Cardiac rehabilitation: monitored aerobic and strength training",
                "precautions": "Keep heart rate below 120 bpm; carry nitroglycerin.",
                "goals": "Return to brisk walking 5 days a week; lower resting heart rate.",
            }
        ),
    )
    esign(marcus_letter, day(-341))

    priya = clients.get("Priya Natarajan")
    priya_letter = letter(
        priya,
        alvarez,
        valid_from=day(-400),
        valid_to=day(-35),
        **(
            plan
            | {
                "exercise_kind": "Supervised aerobic and mind-body training",
                "sessions_per_week": 3,
                "minutes_per_session": 45,
                "intensity": "Moderate",
                "precautions": "None beyond usual.",
                "goals": "Fewer depressive and anxiety symptoms (PHQ-9, GAD-7 down by 5).",
            }
        ),
    )
    if priya_letter is not None:
        priya_letter.status = LmnStatus.DRAFT
        scan = render_letter(lmn_document(priya_letter, signed=False))
        _sign_with_scan(
            lmn=priya_letter,
            content=scan,
            name="signed-letter-scan.pdf",
            signer_name=str(priya_letter.provider),
            signed_on=day(-402),
            by=None,
        )

    tom = clients.get("Tom Haller")
    tom_letter = letter(
        tom,
        brooks,
        valid_from=day(7),
        status=LmnStatus.AWAITING_SIGNATURE,
        sessions_authorized=24,
        reexamination_date=day(97),
        exercise_kind="Post-operative strength and mobility training after knee replacement",
        sessions_per_week=2,
        minutes_per_session=45,
        intensity="Low to moderate, pain-guided",
        precautions="No deep flexion beyond 110 degrees; no impact loading.",
        goals="Climb stairs without a rail; walk 1 mile.",
    )
    if tom_letter is not None:
        now = timezone.now()
        LmnSignatureRequest.objects.create(
            organization=organization,
            lmn=tom_letter,
            provider_email=brooks.email if brooks and brooks.email else "provider@example.com",
            # A real token whose value nobody keeps: the demo link exists but is not
            # printed anywhere (send the letter again to get a working one).
            token_hash=token_hash(signer().sign(secrets.token_urlsafe(24))),
            created_at=now,
            expires_at=now + dt.timedelta(days=SIGNING_LINK_DAYS),
        )

    linda = clients.get("Linda Okafor")
    linda_letter = letter(linda, lee, valid_from=day(3), **plan)
    if linda_letter is not None:
        linda_letter.decline_comment = (
            "Please add the HbA1c target to the goals and start the letter on the day I sign it."
        )
        linda_letter.declined_at = _at(day(-2), 15)
        linda_letter.save(update_fields=["decline_comment", "declined_at"])

    kevin = clients.get("Kevin O'Brien")
    kevin_letter = letter(
        kevin,
        lee,
        valid_from=day(-60),
        sessions_authorized=72,
        reexamination_date=day(120),
        **(
            plan
            | {
                "exercise_kind": "Monitored aerobic interval and resistance training",
                "goals": "Improve exercise capacity by 1 MET; fewer depressive symptoms.",
            }
        ),
    )
    esign(kevin_letter, day(-61))

    def preauth(client: Client | None, source_name: str, lmn: Lmn | None, **values: Any) -> None:
        if client is None:
            return
        source = client.funding_sources.filter(name=source_name, kind="insurance").first()
        if source is None or Preauthorization.objects.filter(client=client, source=source).exists():
            return
        values.setdefault("service_codes", ["S9451"])
        Preauthorization.objects.create(
            organization=organization,
            client=client,
            source=source,
            lmn=lmn or client.lmns.order_by("-version", "-pk").first(),
            **values,
        )
        created["pre-authorizations"] += 1

    preauth(
        dana,
        "Acme Health PPO",
        dana_letter,
        requested_on=day(-110),
        requested_sessions=30,
        requested_from=day(-100),
        requested_to=day(80),
        status=PreauthStatus.APPROVED,
        reference="ACM-PA-20481",
        approved_sessions=24,
        valid_from=day(-100),
        valid_to=day(80),
        answered_on=day(-103),
        notes="Approved 24 of 30; ask again with progress notes for more.",
    )
    preauth(
        kevin,
        "Acme Health PPO",
        kevin_letter,
        requested_on=day(-55),
        requested_sessions=16,
        requested_from=day(-50),
        requested_to=day(5),
        status=PreauthStatus.APPROVED,
        reference="ACM-PA-20977",
        approved_sessions=16,
        valid_from=day(-50),
        valid_to=day(5),
        answered_on=day(-52),
    )
    preauth(
        marcus,
        "Acme Health PPO",
        marcus_letter,
        requested_on=day(-20),
        requested_sessions=24,
        requested_from=day(-15),
        requested_to=day(25),
        status=PreauthStatus.PENDING,
        notes="Faxed with the signed letter; insurer confirmed receipt.",
    )
    preauth(
        tom,
        "Summit Blue HMO",
        tom_letter,
        requested_on=day(-10),
        requested_sessions=24,
        requested_from=day(7),
        requested_to=day(97),
        status=PreauthStatus.DENIED,
        reference="SB-DN-5521",
        answered_on=day(-3),
        service_codes=["97110", "97530"],
        notes="Denied: letter not yet signed. Resubmit with the signed letter.",
    )

    lmn_expire_due(today=as_of, organization_id=organization.pk)
    return created
