"""Engine ids: one id per record, and back to the primary key."""

from __future__ import annotations

import pytest

from fitclaim.coverage import engine_ids
from fitclaim.coverage.engine_ids import Kind, NotAnEngineId


@pytest.mark.parametrize(
    ("make", "read", "text"),
    [
        (engine_ids.client_id, engine_ids.client_pk, "client-7"),
        (engine_ids.trainer_id, engine_ids.trainer_pk, "trn-7"),
        (engine_ids.facility_id, engine_ids.facility_pk, "fac-7"),
        (engine_ids.source_id, engine_ids.source_pk, "src-7"),
        (engine_ids.lmn_id, engine_ids.lmn_pk, "lmn-7"),
        (engine_ids.preauthorization_id, engine_ids.preauthorization_pk, "pa-7"),
        (engine_ids.session_id, engine_ids.session_pk, "ses-7"),
    ],
)
def test_every_kind_of_id_reads_back_to_its_primary_key(make, read, text) -> None:
    assert make(7) == text
    assert read(text) == 7


def test_the_ids_match_what_the_other_apps_already_emit() -> None:
    # funding, lmns and preauths build some ids themselves until they use this module.
    from fitclaim.lmns.selectors import facility_engine_id, trainer_engine_id

    assert trainer_engine_id(12) == engine_ids.trainer_id(12)
    assert facility_engine_id(12) == engine_ids.facility_id(12)


def test_parse_names_the_kind() -> None:
    assert engine_ids.parse("ses-120") == (Kind.SESSION, 120)
    assert engine_ids.parse("client-3") == (Kind.CLIENT, 3)


@pytest.mark.parametrize(
    "text", ["", "ses", "ses-", "ses-x", "ses-07", "ses--7", "ses-+7", "ses-٣", "xyz-7", "7"]
)
def test_anything_else_is_not_an_engine_id(text: str) -> None:
    with pytest.raises(NotAnEngineId):
        engine_ids.parse(text)


def test_an_id_of_another_kind_is_refused() -> None:
    with pytest.raises(NotAnEngineId, match="not a session id"):
        engine_ids.session_pk("src-7")


@pytest.mark.parametrize("pk", [0, -1, True, "7", None])
def test_only_positive_integers_make_ids(pk: object) -> None:
    with pytest.raises(ValueError):
        engine_ids.session_id(pk)  # type: ignore[arg-type]
