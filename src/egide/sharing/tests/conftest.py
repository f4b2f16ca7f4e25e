"""Fictitious cases for the sharing tests: sex, birth year, nationality, screening, consent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from egide.accounts import roles
from egide.accounts.models import User

MakeCase = Callable[..., Any]


@pytest.fixture
def make_case(persona: Callable[[str], User]) -> MakeCase:
    from egide.cases.models import Case
    from egide.cases.services import case_open, consent_record
    from egide.core.models import Region
    from egide.screening.contract import parse_input
    from egide.screening.services import assessment_create

    worker = persona(roles.CASE_WORKER)
    region = Region.objects.get(code="GN-L")

    def factory(
        *,
        sex: str = "female",
        birth_year: int | None = 2008,
        nationality: str | None = "GN",
        year: int = 2024,
        consent: str | None = "granted",
        indicators: tuple[str, ...] = (
            "purpose.forced_labour",
            "coercive_recruitment.debt_bondage",
        ),
        gbv: tuple[str, ...] = (),
        child: bool = False,
    ) -> Any:
        case = case_open(actor=worker, region=region, owner=worker, sex=sex, child=child)
        if consent is not None:
            consent_record(
                actor=worker,
                case=case,
                purpose="statistics",
                decision=consent,
                given_by="person",
                language="pular",
                decided_on=date(2024, 5, 2),
            )
        assessment_create(
            case=case,
            actor=worker,
            data=parse_input(
                {"person": {"sex": sex}, "indicators": list(indicators), "gbv": list(gbv)}
            ),
            interview={},
            worker_agrees=True,
        )
        Case.objects.filter(pk=case.pk).update(
            birth_year=birth_year,
            nationality_id=nationality,
            opened_at=datetime(year, 6, 1, 10, tzinfo=ZoneInfo("UTC")),
        )
        case.refresh_from_db()
        return case

    return factory
