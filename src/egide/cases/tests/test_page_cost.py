"""Page cost: the case list and the case file read a bounded number of queries (issue 10),
whatever the number of cases, notes, referrals or team members."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts import roles
from egide.accounts.models import User
from egide.cases import services
from egide.cases.models import Case
from egide.core.models import Prefecture, Region
from egide.directory.models import Service
from egide.referrals import services as referral_services
from egide.screening.contract import parse_input
from egide.screening.services import assessment_create
from tests.personas import make_organisation

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
# The case file, read by its case worker or a supervisor: the login checks (session, user,
# authenticator, roles with their regions: 4), the case with its foreign keys and the counts of
# the parts shown on demand (1), the audit event of the read (1), the six lists it shows (team,
# consents, needs, referrals, assessments, follow-ups: 1 each, by the case key): 12 on SQLite and
# PostgreSQL, whatever the number of rows. The session is written at most once a minute, not
# on every page. The status history, notes, files and the "add to the team" candidates are read
# when asked for (`?show=history`...): one query each.
MAX_DETAIL_QUERIES = 12
SUPERVISOR_EXTRA_QUERIES = 0
ON_DEMAND_QUERIES = 4


def _cases(worker: User, n: int) -> list[Case]:
    region = Region.objects.get(code="GN-L")
    cases = []
    for i in range(n):
        case = services.case_open(
            actor=worker, region=region, owner=worker, first_name=f"Kadiatou{i}", last_name="Sow"
        )
        services.note_add(actor=worker, case=case, text=f"Note fictive {i}", sensitivity="normal")
        services.follow_up_plan(actor=worker, case=case, due_on=date(2026, 12, 1))
        cases.append(case)
    return cases


def test_case_list_reads_few_queries(
    persona: Callable[[str], User],
    client_as: Callable[[User], Client],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    worker = persona(roles.CASE_WORKER)
    _cases(worker, 8)
    client = client_as(worker)
    with django_assert_max_num_queries(MAX_QUERIES):  # type: ignore[attr-defined]
        assert client.get("/cases/").status_code == 200


def _fill(worker: User, teammate: User, case: Case, service: Service, k: int) -> None:
    """Add *k* rows of every list the case file shows (fictitious data)."""
    for i in range(k):
        services.consent_record(
            actor=worker,
            case=case,
            purpose="sharing",
            decision="granted",
            given_by="person",
            language="pular",
            decided_on=date(2026, 11, 2),
            service_types=["shelter"],
        )
        need = services.need_add(
            actor=worker, case=case, need_type="shelter", priority="high", action=f"Abri {i}"
        )
        referral_services.referral_send(
            actor=worker, case=case, need=need, service=service, urgency="normal", shared_fields=[]
        )
        services.note_add(
            actor=worker, case=case, text=f"Note sensible {i}", sensitivity="sensitive"
        )
        services.follow_up_plan(actor=worker, case=case, due_on=date(2026, 1, 1))
        services.attachment_add(
            actor=worker,
            case=case,
            filename=f"piece{i}.pdf",
            content_type="application/pdf",
            content=b"%PDF-1.4 fictif",
        )
        services.case_change_status(
            actor=worker, case=case, to_status="services" if i % 2 else "assessment"
        )
        assessment_create(
            actor=worker,
            data=parse_input({"person": {"age": 16}, "indicators": ["act.recruited"]}),
            interview={},
            worker_agrees=True,
            case=case,
        )
    services.case_add_member(actor=worker, case=case, user=teammate)


def _detail_queries(client: Client, case: Case, query: str = "") -> list[str]:
    client.get("/")  # the first page after the test's login writes the session once
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/cases/{case.pk}/{query}").status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("reader", [roles.CASE_WORKER, roles.CASE_SUPERVISOR])
def test_case_detail_cost_does_not_grow_with_its_lists(
    persona: Callable[[str], User], client_as: Callable[[User], Client], reader: str
) -> None:
    """Demo-like case (prefecture, nationality, a team of two) read by its worker or by the
    supervisor: the same number of queries with one or four rows in every list."""
    worker = persona(roles.CASE_WORKER)
    supervisor = persona(roles.CASE_SUPERVISOR)
    region = Region.objects.get(code="GN-L")
    case = services.case_open(
        actor=worker,
        region=region,
        owner=worker,
        first_name="Mariama",
        last_name="Camara",
        prefecture=Prefecture.objects.filter(region=region).first(),
    )
    Case.objects.filter(pk=case.pk).update(nationality_id="GN")
    case.refresh_from_db()
    provider = make_organisation("Centre d'accueil coût (fictif)", ["GN-L"], type="provider")
    service = Service.objects.create(provider=provider, need_type="shelter", name="Abri (fictif)")
    client = client_as(supervisor if reader == roles.CASE_SUPERVISOR else worker)
    _fill(worker, supervisor, case, service, 1)
    few = _detail_queries(client, case)
    _fill(worker, supervisor, case, service, 3)
    many = _detail_queries(client, case)
    bound = MAX_DETAIL_QUERIES + (
        SUPERVISOR_EXTRA_QUERIES if reader == roles.CASE_SUPERVISOR else 0
    )
    assert len(few) <= bound, "\n".join(few)
    assert len(many) == len(few), "\n".join(many)
    everything = _detail_queries(client, case, "?show=all")
    assert len(everything) <= bound + ON_DEMAND_QUERIES, "\n".join(everything)


def test_case_detail_reads_few_queries(
    persona: Callable[[str], User],
    client_as: Callable[[User], Client],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    worker = persona(roles.CASE_WORKER)
    case = _cases(worker, 2)[0]
    client = client_as(worker)
    client.get("/")  # the first page after the test's login writes the session once
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):  # type: ignore[attr-defined]
        assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_case_file_reads_only_what_it_shows(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    """What the page does not show is neither read nor decrypted: a screening's answers and
    result, what a referral shared, a consent's note. And the case's own query carries neither
    ORDER BY nor LIMIT: with them PostgreSQL planned its seven joins for 6 ms (measured), against
    0.15 ms to run it."""
    worker = persona(roles.CASE_WORKER)
    supervisor = persona(roles.CASE_SUPERVISOR)
    case = _cases(worker, 1)[0]
    provider = make_organisation("Centre d'accueil lu (fictif)", ["GN-L"], type="provider")
    service = Service.objects.create(provider=provider, need_type="shelter", name="Abri (fictif)")
    _fill(worker, supervisor, case, service, 1)
    queries = _detail_queries(client_as(worker), case)
    for column in ("input_json", "result_json", "person_reference", "shared_json", "answer_reason"):
        assert not any(f'"{column}"' in sql for sql in queries), column
    assert not any('"cases_consent"."note"' in sql for sql in queries)
    case_query = [sql for sql in queries if sql.startswith('SELECT "cases_case"."id"')]
    assert len(case_query) == 1, queries
    assert "LIMIT" not in case_query[0] and "ORDER BY" not in case_query[0]


def test_case_file_ids_are_unique(
    persona: Callable[[str], User], client_as: Callable[[User], Client]
) -> None:
    """Several forms of the case file have a "note" field: each has its own id, so that each
    label names its own field (a screen reader, a tap on the label)."""
    worker = persona(roles.CASE_WORKER)
    case = _cases(worker, 1)[0]
    html = client_as(worker).get(f"/cases/{case.pk}/?show=all").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) > 20
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
    for target in re.findall(r'\sfor="([^"]+)"', html):
        assert target in ids, target
