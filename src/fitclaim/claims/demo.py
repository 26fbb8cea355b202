"""Demo claims for the demo organization: one claim in every status.

`load_claims_demo(organization=..., as_of=...)` is called by the demo loader
after the clients (fitclaim.clients.demo) exist; it loads the demo letters
first (fitclaim.lmns.demo, idempotent), then logs paid, receipted sessions and
builds claims through the services, as a person would. Relative to `as_of`:

- Kevin O'Brien (Acme PPO, pre-authorized; FSA): an insurance claim paid by an
  imported 835; an insurance claim denied (CARC 50) with an appeal drafted; an
  FSA claim for what insurance left, paid and closed;
- Marcus Bell (wellness program): a claim ready to submit and one submitted;
- Priya Natarajan (FSA, wellness): an FSA claim withdrawn, rebuilt and partly
  paid; a wellness claim denied and appealed;
- Dana Reyes: a wellness claim left as a draft, its packet check asking for
  the insurer's answer first.

Idempotent: an organization that has claims is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitclaim.accounts.actor import Actor
from fitclaim.accounts.models import Membership, Role
from fitclaim.claims.models import Claim
from fitclaim.clients.models import Client
from fitclaim.funding.models import FundingKind
from fitclaim.training.models import SessionStatus, TrainingSession

CHARGE = Decimal("85.00")


def _admin(organization: Any) -> Actor | None:
    membership = (
        Membership.objects.filter(organization=organization, role=Role.ADMIN)
        .select_related("user", "organization")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return None
    return Actor(user=membership.user, membership=membership, via="cli")


@transaction.atomic
def load_claims_demo(*, organization: Any, as_of: dt.date) -> Counter[str]:
    """Create the demo claims (and the sessions they need) when the
    organization has none; what was created, by kind."""
    from fitclaim.lmns.demo import load_letters_demo

    created: Counter[str] = Counter()
    if Claim.objects.filter(organization=organization).exists():
        return created
    if dt.date(as_of.year, 1, 1) > timezone.localdate():
        # Claims answer money already paid; a demo set in a later plan year has
        # none yet, so it has no claims either.
        return created
    by = _admin(organization)
    if by is None:
        return created
    created.update(load_letters_demo(organization=organization, as_of=as_of))
    clients = {c.name: c for c in Client.objects.filter(organization=organization)}
    loader = _Demo(by=by, organization=organization, as_of=as_of, created=created)
    if (kevin := clients.get("Kevin O'Brien")) is not None:
        loader.kevin(kevin)
    if (marcus := clients.get("Marcus Bell")) is not None:
        loader.marcus(marcus)
    if (priya := clients.get("Priya Natarajan")) is not None:
        loader.priya(priya)
    if (dana := clients.get("Dana Reyes")) is not None:
        loader.dana(dana)
    return created


class _Demo:
    def __init__(self, *, by: Actor, organization: Any, as_of: dt.date, created: Counter[str]):
        self.by = by
        self.organization = organization
        self.as_of = as_of
        self.created = created
        # Payments and answers cannot be dated after today, nor sessions before
        # the plan year (the demo's plans run January to December of as_of).
        # Claims are built as of today: receipts are issued today, and a receipt
        # counts only from the day it exists.
        self.today = timezone.localdate()
        self.latest = min(as_of, self.today)
        self.earliest = dt.date(as_of.year, 1, 1)
        self.used: set[int] = set()

    def day(self, n: int) -> dt.date:
        return max(self.earliest, min(self.latest, self.as_of + dt.timedelta(days=n)))

    def sessions(self, client: Client, days: list[int]) -> list[TrainingSession]:
        """Attended sessions with the client's trainer, each paid by card on its
        day, with its itemized receipt."""
        from fitclaim.payments.services import payment_record, receipt_issue_for_payment

        trainer = client.trainers.order_by("name", "pk").first()
        made = []
        for n in days:
            on = self.day(n)
            session = TrainingSession.objects.create(
                organization=self.organization,
                client=client,
                trainer=trainer,
                date=on,
                start_time=dt.time(7, 0),
                minutes=60,
                code="S9451",
                charge=CHARGE,
                status=SessionStatus.ATTENDED,
                external_id=f"demo-claims-{client.pk}-{on.isoformat()}-{n}",
            )
            payment = payment_record(
                by=self.by,
                client=client,
                received_on=on,
                amount=CHARGE,
                method="card",
                applications=[(session.pk, CHARGE)],
            )
            receipt_issue_for_payment(by=self.by, payment=payment)
            made.append(session)
        self.created["sessions"] += len(made)
        return made

    def pick(
        self, client: Client, source: Any, count: int, days: list[int]
    ) -> list[TrainingSession]:
        """`count` sessions the source can pay and no claim holds yet, oldest
        first: the demo's own sessions (fitclaim.training.demo) when they are
        payable, else new ones on the given days."""
        from fitclaim.claims.selectors import claim_candidates

        if source is None:
            return []

        def payable() -> list[TrainingSession]:
            preview = claim_candidates(client=client, source=source, as_of=self.today)
            found = sorted(
                (c.session for c in preview.claimable if c.session.pk not in self.used),
                key=lambda s: (s.date, s.pk),
            )
            return found[:count]

        chosen = payable()
        if len(chosen) < count:
            self.sessions(client, days[: count - len(chosen)])
            chosen = payable()
        self.used.update(s.pk for s in chosen)
        return chosen

    def source(self, client: Client, kind: str) -> Any:
        return client.funding_sources.filter(kind=kind).order_by("order", "pk").first()

    def build(self, client: Client, source: Any, sessions: list[TrainingSession]) -> Claim | None:
        from django.core.exceptions import ValidationError

        from fitclaim.claims.services import claim_build

        if source is None:
            return None
        try:
            claim = claim_build(
                by=self.by,
                client=client,
                source=source,
                session_ids=[s.pk for s in sessions],
                as_of=self.today,
                payer_id="ACME1" if source.kind == FundingKind.INSURANCE else "",
            )
        except ValidationError:
            return None
        self.created["claims"] += 1
        return claim

    def submit(self, claim: Claim, channel: str, days_ago: int) -> Claim:
        from fitclaim.claims.services import claim_mark_ready, claim_submit

        claim = claim_mark_ready(by=self.by, claim=claim)
        on = max(claim.lines.order_by("-date").first().date, self.day(-days_ago))
        return claim_submit(by=self.by, claim=claim, submitted_on=on, channel=channel)

    def kevin(self, kevin: Client) -> None:
        from fitclaim.claims.remittances import era_import
        from fitclaim.claims.services import (
            LineAnswerIn,
            appeal_draft,
            claim_close,
            claim_record_answer,
        )
        from fitclaim.interop.x12.era_writer import ClpAnswer, SvcAnswer, write_835

        plan = self.source(kevin, FundingKind.INSURANCE)
        fsa = self.source(kevin, FundingKind.FSA)
        if not kevin.address.strip():
            # An insurer needs the member's address (CMS-1500 box 5, 837P N3/N4);
            # the demo client record has none, so the demo gives it one.
            kevin.address = "1180 Chemeketa St NE\nSalem, OR 97301"
            kevin.save(update_fields=["address"])
        paid_by_835 = self.pick(kevin, plan, 2, [-44, -40])
        denied = self.pick(kevin, plan, 1, [-30])
        claim = self.build(kevin, plan, paid_by_835)
        if claim is not None:
            claim = self.submit(claim, "edi", 25)
            lines = list(claim.lines.order_by("date", "pk"))
            text = write_835(
                [
                    ClpAnswer(
                        claim_id=claim.number,
                        status="1",
                        charge=claim.charge_total,
                        paid=sum((line.amount for line in lines), Decimal("0.00")),
                        patient_last="O'BRIEN".replace("'", ""),
                        patient_first="KEVIN",
                        member_id=claim.source.member_id,
                        payer_claim_number="ACM-CLM-77120",
                        services=[
                            SvcAnswer(
                                code=line.code,
                                charge=line.charge,
                                paid=line.amount,
                                date=line.date,
                                control=line.control,
                                adjustments=[
                                    ("PR", "3", Decimal("20.00")),
                                    ("PR", "2", Decimal("10.00")),
                                    ("CO", "45", line.charge - line.amount - Decimal("30.00")),
                                ],
                            )
                            for line in lines
                        ],
                    )
                ],
                paid_on=self.day(-12),
                trace="ACH-ACME-0412",
            )
            report = era_import(by=self.by, text=text, file_name="acme-remittance-demo.835")
            if report.posted:
                self.created["835 imports"] += 1
        claim = self.build(kevin, plan, denied)
        if claim is not None:
            claim = self.submit(claim, "edi", 20)
            (line,) = claim.lines.all()
            claim_record_answer(
                by=self.by,
                claim=claim,
                received_on=self.day(-8),
                reference="ACH-ACME-0431",
                lines=[
                    LineAnswerIn(
                        line_id=line.pk,
                        paid="0.00",
                        adjustments=[("CO", "50", line.charge)],
                        remarks=["N115"],
                    )
                ],
                payer_claim_number="ACM-CLM-77344",
            )
            appeal_draft(by=self.by, claim=claim, line=line.pk)
            self.created["appeals"] += 1
        # What insurance left of the two paid sessions, from the FSA: paid, closed.
        claim = self.build(kevin, fsa, paid_by_835)
        if claim is not None:
            claim = self.submit(claim, "portal", 10)
            claim_record_answer(by=self.by, claim=claim, received_on=self.day(-3))
            claim_close(by=self.by, claim=claim)

    def marcus(self, marcus: Client) -> None:
        from fitclaim.claims.services import claim_mark_ready

        wellness = self.source(marcus, FundingKind.WELLNESS)
        ready = self.pick(marcus, wellness, 2, [-21, -14])
        waiting = self.pick(marcus, wellness, 1, [-35])
        claim = self.build(marcus, wellness, ready)
        if claim is not None:
            claim_mark_ready(by=self.by, claim=claim)
        claim = self.build(marcus, wellness, waiting)
        if claim is not None:
            self.submit(claim, "portal", 33)

    def priya(self, priya: Client) -> None:
        from fitclaim.claims.services import (
            LineAnswerIn,
            appeal_draft,
            appeal_send,
            claim_record_answer,
            claim_withdraw,
        )

        fsa = self.source(priya, FundingKind.FSA)
        wellness = self.source(priya, FundingKind.WELLNESS)
        sessions = self.pick(priya, fsa, 2, [-90, -80])
        claim = self.build(priya, fsa, sessions)
        if claim is not None:
            claim_withdraw(
                by=self.by, claim=claim, reason="receipts were attached to the wrong plan"
            )
        claim = self.build(priya, fsa, sessions)
        if claim is not None:
            claim = self.submit(claim, "portal", 60)
            first, second = claim.lines.order_by("date", "pk")
            claim_record_answer(
                by=self.by,
                claim=claim,
                received_on=self.day(-40),
                reference="WW-EOB-2231",
                lines=[
                    LineAnswerIn(line_id=first.pk, paid=first.amount),
                    LineAnswerIn(
                        line_id=second.pk, paid="0.00", adjustments=[("CO", "16", second.amount)]
                    ),
                ],
            )
        claim = self.build(priya, wellness, self.pick(priya, wellness, 1, [-70]))
        if claim is not None:
            claim = self.submit(claim, "mail", 55)
            (line,) = claim.lines.all()
            claim_record_answer(
                by=self.by,
                claim=claim,
                received_on=self.day(-30),
                lines=[
                    LineAnswerIn(
                        line_id=line.pk, paid="0.00", adjustments=[("CO", "16", line.amount)]
                    )
                ],
            )
            appeal = appeal_draft(by=self.by, claim=claim, line=line.pk)
            appeal_send(by=self.by, appeal=appeal, sent_on=self.day(-20))
            self.created["appeals"] += 1

    def dana(self, dana: Client) -> None:
        wellness = self.source(dana, FundingKind.WELLNESS)
        self.build(dana, wellness, self.pick(dana, wellness, 2, [-18, -11]))
