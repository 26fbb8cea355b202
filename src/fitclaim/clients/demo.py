"""Demo data: a medical-fitness practice with its people, clients and funding
sources, and a second organization to show that nothing crosses between them.

Built relative to a date (`as_of`), so credentials are expiring and plan years
are current whenever it runs. Idempotent: every record is looked up by its
natural key (an email, an NPI, a name within its organization) and created
only when missing, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from fitclaim.accounts.models import Membership, Organization, Role, User
from fitclaim.audit.services import audit_record
from fitclaim.claims.demo import load_claims_demo
from fitclaim.clients.models import Client
from fitclaim.facilities.models import Facility
from fitclaim.funding.models import KIND_SPECS, FundingKind, FundingSource
from fitclaim.funding.rules import funding_source_problems
from fitclaim.lmns.demo import load_letters_demo
from fitclaim.providers.models import Provider, ProviderKind
from fitclaim.trainers.models import Credential, Trainer
from fitclaim.training.demo import load_sessions_demo

try:
    from fitclaim.web.demo_accounts import DEMO_PASSWORD
except ImportError:  # the platform's constants module is optional here
    DEMO_PASSWORD = "fitclaim-demo-2026"

RIVERBEND = "Riverbend Medical Fitness"
NORTHSIDE = "Northside Physio"


def npi_from_stem(stem: str) -> str:
    """The NPI that completes a 9-digit stem with a valid check digit."""
    from fitclaim.domain.codes import npi_problem

    for digit in "0123456789":
        if npi_problem(stem + digit) is None:
            return stem + digit
    raise ValueError(f"no check digit completes {stem}")


@dataclass
class DemoResult:
    created: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.created.values())


@dataclass
class _Loader:
    as_of: dt.date
    result: DemoResult

    def get_or_create(self, model: Any, lookup: dict[str, Any], defaults: dict[str, Any]) -> Any:
        instance, created = model.objects.get_or_create(**lookup, defaults=defaults)
        if created:
            self.result.created[model._meta.verbose_name_plural] += 1
        return instance

    def days(self, n: int) -> dt.date:
        return self.as_of + dt.timedelta(days=n)

    def organization(self, name: str, **defaults: Any) -> Organization:
        return self.get_or_create(Organization, {"name": name}, defaults)

    def member(
        self,
        org: Organization,
        email: str,
        first: str,
        last: str,
        role: str,
        client: Client | None = None,
    ) -> User:
        from fitclaim.accounts.services import user_create

        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create(
                email=email, first_name=first, last_name=last, password=DEMO_PASSWORD
            )
            self.result.created["users"] += 1
        self.get_or_create(
            Membership, {"user": user, "organization": org}, {"role": role, "client": client}
        )
        return user

    def trainer(self, org: Organization, name: str, user: User, **defaults: Any) -> Trainer:
        return self.get_or_create(
            Trainer, {"organization": org, "name": name}, {"user": user, **defaults}
        )

    def credential(self, trainer: Trainer, code: str, **defaults: Any) -> Credential:
        return self.get_or_create(
            Credential,
            {"trainer": trainer, "code": code},
            {"organization_id": trainer.organization_id, **defaults},
        )

    def provider(self, org: Organization, npi: str, **defaults: Any) -> Provider:
        return self.get_or_create(Provider, {"organization": org, "npi": npi}, defaults)

    def client(
        self,
        org: Organization,
        first: str,
        last: str,
        conditions: list[str],
        trainers: list[Trainer],
        **defaults: Any,
    ) -> Client:
        from fitclaim.clients.services import condition_problems

        problems = condition_problems(conditions)
        if problems:
            raise ValueError(f"demo client {first} {last}: {problems}")
        client = self.get_or_create(
            Client,
            {"organization": org, "first_name": first, "last_name": last},
            {"conditions": conditions, **defaults},
        )
        if not client.trainers.exists():
            client.trainers.set(trainers)
        return client

    def source(self, client: Client, kind: str, name: str, **values: Any) -> FundingSource:
        spec = KIND_SPECS[kind]
        full = {**spec.defaults, **values, "name": name}
        if kind == FundingKind.INSURANCE:
            full.setdefault("order", 1)
        problems = funding_source_problems(kind, full)
        if problems:
            raise ValueError(f"demo source {name} of {client}: {problems}")
        return self.get_or_create(
            FundingSource,
            {"client": client, "kind": kind, "name": name},
            {"organization_id": client.organization_id, **full},
        )


# Two insurers' terms for medically necessary training, as on their policies.
ACME_PPO: dict[str, Any] = {
    "payer_name": "Acme Health",
    "claim_address": "Acme Health Claims\nPO Box 4410\nPortland, OR 97208",
    "requires_preauthorization": True,
    "accepted_issuers": ["physician", "nurse_practitioner", "physician_assistant"],
    "covered_conditions": ["E66", "E11", "I25", "F32", "F41"],
    "covered_codes": ["S9451", "97110"],
    "required_credentials": ["ACSM-CEP", "NASM-CES"],
    "allowed_per_session": Decimal("70.00"),
    "deductible": Decimal("500.00"),
    "copay": Decimal("20.00"),
    "coinsurance": Decimal("0.20"),
    "session_limit": 30,
    "timely_filing_days": 180,
}
SUMMIT_HMO: dict[str, Any] = {
    "payer_name": "Summit Blue",
    "claim_address": "Summit Blue Claims\nPO Box 2200\nSeattle, WA 98111",
    "requires_preauthorization": True,
    "accepted_issuers": ["physician", "physical_therapist", "chiropractor"],
    "covered_conditions": ["Z47", "Z96", "M54"],
    "covered_codes": ["97110", "97530"],
    "allowed_per_session": Decimal("95.00"),
    "deductible": Decimal("250.00"),
    "copay": Decimal("30.00"),
    "coinsurance": Decimal("0.10"),
    "session_limit": 24,
    "timely_filing_days": 365,
}


def _year(as_of: dt.date) -> dict[str, dt.date]:
    return {"period_start": dt.date(as_of.year, 1, 1), "period_end": dt.date(as_of.year, 12, 31)}


def demo_load(*, as_of: dt.date) -> DemoResult:
    """Create whatever part of the demo data is missing; return what was created."""
    result = DemoResult()
    load = _Loader(as_of=as_of, result=result)
    with transaction.atomic():
        riverbend = _load_riverbend(load)
        result.created.update(load_letters_demo(organization=riverbend, as_of=load.as_of))
        result.created.update(load_sessions_demo(organization=riverbend, as_of=load.as_of))
        result.created.update(load_claims_demo(organization=riverbend, as_of=load.as_of))
        northside = _load_northside(load)
        if result.total:
            for org in (riverbend, northside):
                audit_record(
                    actor=None,
                    organization=org,
                    action="create",
                    entity="demo",
                    via="cli",
                    summary=f"loaded demo data as of {as_of}: "
                    + ", ".join(f"{n} {what}" for what, n in sorted(result.created.items())),
                )
    return result


def _load_riverbend(load: _Loader) -> Organization:
    from fitclaim.web import demo_accounts as accounts

    org = load.organization(
        RIVERBEND,
        address="415 River Road, Suite 200\nSalem, OR 97301",
        tax_id="93-1234567",
        group_npi=npi_from_stem("155841234"),
        phone="(503) 555-0140",
    )
    load.member(org, accounts.ADMIN_EMAIL, "Morgan", "Hale", Role.ADMIN)
    load.member(org, accounts.BILLING_EMAIL, "Lee", "Carter", Role.BILLING)
    sam_user = load.member(org, accounts.TRAINER_CEP_EMAIL, "Sam", "Ortiz", Role.TRAINER)
    jo_user = load.member(org, accounts.TRAINER_CES_EMAIL, "Jo", "Kim", Role.TRAINER)

    sam = load.trainer(
        org, "Sam Ortiz", sam_user, email=accounts.TRAINER_CEP_EMAIL, phone="(503) 555-0141"
    )
    load.credential(
        sam,
        "ACSM-CEP",
        number="CEP-48213",
        issuer="American College of Sports Medicine",
        issued=load.days(-400),
        expires=load.days(700),
    )
    jo = load.trainer(
        org, "Jo Kim", jo_user, email=accounts.TRAINER_CES_EMAIL, phone="(503) 555-0142"
    )
    # Lapses within the 60-day warning window, so the badge shows in the demo.
    load.credential(
        jo,
        "NASM-CES",
        number="CES-771045",
        issuer="National Academy of Sports Medicine",
        issued=load.days(-2 * 365 + 45),
        expires=load.days(45),
    )

    load.get_or_create(
        Facility,
        {"organization": org, "name": "Riverbend Main Studio"},
        {"address": "415 River Road, Suite 200\nSalem, OR 97301", "phone": "(503) 555-0140"},
    )
    load.provider(
        org,
        "1245319599",
        name="Dr. Ana Lee",
        kind=ProviderKind.PHYSICIAN,
        credentials="MD",
        license_state="OR",
        phone="(503) 555-0190",
        email="ana.lee@salemfamilymed.example",
        address="1200 Center St NE\nSalem, OR 97301",
    )
    load.provider(
        org,
        npi_from_stem("134567890"),
        name="Rosa Alvarez",
        kind=ProviderKind.NURSE_PRACTITIONER,
        credentials="NP-C",
        license_state="OR",
        phone="(503) 555-0191",
        address="88 Commercial St SE\nSalem, OR 97301",
    )
    load.provider(
        org,
        npi_from_stem("145678901"),
        name="Dr. Ethan Brooks",
        kind=ProviderKind.CHIROPRACTOR,
        credentials="DC",
        license_state="OR",
        phone="(503) 555-0192",
        address="310 Lancaster Dr NE\nSalem, OR 97301",
    )
    _load_riverbend_clients(load, org, sam, jo)
    return org


def _load_riverbend_clients(load: _Loader, org: Organization, sam: Trainer, jo: Trainer) -> None:
    from fitclaim.web import demo_accounts as accounts

    year = _year(load.as_of)
    money = Decimal

    def acme(client: Client, member_id: str, order: int = 1, **extra: Any) -> None:
        values = {**ACME_PPO, **year, "member_id": member_id, "order": order, **extra}
        load.source(client, FundingKind.INSURANCE, "Acme Health PPO", **values)

    def summit(client: Client, member_id: str, order: int = 1, **extra: Any) -> None:
        values = {**SUMMIT_HMO, **year, "member_id": member_id, "order": order, **extra}
        load.source(client, FundingKind.INSURANCE, "Summit Blue HMO", **values)

    def fsa(client: Client, election: str, **extra: Any) -> None:
        load.source(
            client,
            FundingKind.FSA,
            f"Employer health FSA {load.as_of.year}",
            payer_name="WageWorks",
            member_id=f"FSA-{client.last_name.upper()[:4]}{load.as_of.year}",
            **year,
            election=money(election),
            grace_period_days=75,
            runout_days=90,
            **extra,
        )

    def hsa(client: Client, balance: str) -> None:
        load.source(
            client,
            FundingKind.HSA,
            "Health savings account",
            payer_name="Fidelity HSA",
            member_id=f"HSA-{client.last_name.upper()[:4]}",
            established=load.days(-2 * 365),
            balance=money(balance),
        )

    def wellness(client: Client, cap: str = "300.00", rate: str = "0.50") -> None:
        load.source(
            client,
            FundingKind.WELLNESS,
            "Employer wellness fitness benefit",
            payer_name="Employer wellness program",
            **year,
            annual_cap=money(cap),
            rate=money(rate),
            claim_deadline_days=60,
        )

    dana = load.client(
        org,
        "Dana",
        "Reyes",
        ["E66.812", "E11.9"],
        [sam],
        birth_date=dt.date(1971, 4, 9),
        email=accounts.CLIENT_EMAIL,
        phone="(503) 555-0101",
        address="27 Elm St\nSalem, OR 97302",
    )
    acme(dana, "ACM884120931")
    fsa(dana, "2000.00")
    wellness(dana)
    load.member(org, accounts.CLIENT_EMAIL, "Dana", "Reyes", Role.CLIENT, client=dana)

    marcus = load.client(
        org,
        "Marcus",
        "Bell",
        ["I25.10", "E66.811"],
        [sam],
        birth_date=dt.date(1958, 11, 2),
        email="marcus.bell@example.com",
        phone="(503) 555-0102",
    )
    acme(marcus, "ACM771203554")
    wellness(marcus, cap="250.00", rate="1")

    priya = load.client(
        org,
        "Priya",
        "Natarajan",
        ["F32.A", "F41.1"],
        [jo],
        birth_date=dt.date(1989, 6, 17),
        email="priya.n@example.com",
        phone="(503) 555-0103",
    )
    fsa(priya, "1500.00")
    wellness(priya)

    tom = load.client(
        org,
        "Tom",
        "Haller",
        ["Z47.1", "Z96.651"],
        [sam],
        birth_date=dt.date(1955, 2, 23),
        email="tom.haller@example.com",
        phone="(503) 555-0104",
    )
    summit(tom, "SBH20458812", required_credentials=["ACSM-CEP"])

    linda = load.client(
        org,
        "Linda",
        "Okafor",
        ["E11.9", "E66.813"],
        [jo],
        birth_date=dt.date(1967, 9, 30),
        email="linda.okafor@example.com",
        phone="(503) 555-0105",
    )
    acme(linda, "ACM660918273")
    hsa(linda, "3200.00")

    george = load.client(
        org,
        "George",
        "Whitfield",
        ["M54.50"],
        [jo],
        birth_date=dt.date(1974, 1, 12),
        email="g.whitfield@example.com",
        phone="(503) 555-0106",
    )
    hsa(george, "1500.00")

    aisha = load.client(
        org,
        "Aisha",
        "Rahman",
        ["E66.811"],
        [sam],
        birth_date=dt.date(1993, 3, 8),
        email="aisha.rahman@example.com",
        phone="(503) 555-0107",
    )
    wellness(aisha, cap="500.00", rate="0.75")

    kevin = load.client(
        org,
        "Kevin",
        "O'Brien",
        ["I25.10", "F32.9"],
        [sam],
        birth_date=dt.date(1961, 7, 4),
        email="kevin.obrien@example.com",
        phone="(503) 555-0108",
    )
    acme(kevin, "ACM553019874", deductible_met=money("500.00"), sessions_used=6)
    fsa(kevin, "2500.00", used=money("340.00"))

    maria = load.client(
        org,
        "Maria",
        "Gonzalez",
        ["F41.1", "M54.50"],
        [jo],
        birth_date=dt.date(1980, 12, 19),
        email="maria.gonzalez@example.com",
        phone="(503) 555-0109",
    )
    fsa(maria, "1200.00")

    henry = load.client(
        org,
        "Henry",
        "Cho",
        ["Z47.1", "Z96.652"],
        [sam, jo],
        birth_date=dt.date(1952, 5, 27),
        email="henry.cho@example.com",
        phone="(503) 555-0110",
    )
    summit(henry, "SBH30921177")
    load.source(
        henry,
        FundingKind.INSURANCE,
        "Evergreen Medicare Supplement",
        payer_name="Evergreen Mutual",
        member_id="EVM-5521903",
        order=2,
        **year,
        requires_lmn=True,
        accepted_issuers=["physician", "physical_therapist"],
        covered_codes=["97110", "97530"],
        deductible=money("0.00"),
        coinsurance=money("0"),
        timely_filing_days=365,
    )

    beth = load.client(
        org,
        "Beth",
        "Lindqvist",
        ["E66.812", "F32.A"],
        [jo],
        birth_date=dt.date(1984, 10, 5),
        email="beth.lindqvist@example.com",
        phone="(503) 555-0111",
    )
    acme(beth, "ACM412598730", deductible=money("1600.00"), copay=money("0.00"))
    hsa(beth, "900.00")
    fsa(beth, "600.00", limited_purpose=True)
    wellness(beth)

    samuel = load.client(
        org,
        "Samuel",
        "Adeyemi",
        ["E11.9", "I25.10"],
        [sam],
        birth_date=dt.date(1966, 8, 14),
        email="samuel.adeyemi@example.com",
        phone="(503) 555-0112",
    )
    acme(samuel, "ACM390127765")


def _load_northside(load: _Loader) -> Organization:
    from fitclaim.web import demo_accounts as accounts

    org = load.organization(
        NORTHSIDE,
        address="9 Harbor Way\nTacoma, WA 98402",
        tax_id="91-7654321",
        group_npi=npi_from_stem("166789012"),
        phone="(253) 555-0170",
    )
    load.member(org, accounts.OTHER_ORG_ADMIN_EMAIL, "Alex", "Morgan", Role.ADMIN)
    riley = load.client(
        org,
        "Riley",
        "Chen",
        ["M54.50"],
        [],
        birth_date=dt.date(1990, 2, 14),
        email="riley.chen@example.com",
        phone="(253) 555-0171",
    )
    load.source(
        riley,
        FundingKind.WELLNESS,
        "Harbor wellness benefit",
        payer_name="Harbor Co.",
        **_year(load.as_of),
        annual_cap=Decimal("400.00"),
        rate=Decimal("0.50"),
    )
    return org
