"""The CTDC case-level export: header, values, consent, k-anonymity, audit, jobs, CLI."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from egide.accounts import roles
from egide.audit.models import AuditEvent
from egide.sharing import ctdc
from egide.sharing.services import export_to_text

pytestmark = pytest.mark.django_db


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_v2024_header_is_the_codebook_in_order(make_case: Any, analyst: Any) -> None:
    make_case()
    text, _report = export_to_text(actor=analyst, fmt="v2024", k=2)
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(ctdc.V2024_COLUMNS)
    assert len(header) == 27
    assert header[:5] == [
        "yearOfRegistration",
        "gender",
        "ageBroad",
        "citizenship",
        "CountryOfExploitation",
    ]
    assert header[-1] == "recruiterRelationOther"


def test_v2024_values_are_flags_bands_and_alpha3(make_case: Any, analyst: Any) -> None:
    for _i in range(3):
        make_case(
            sex="female",
            birth_year=2008,  # 16 in 2024
            nationality="GN",
            indicators=(
                "purpose.forced_labour",
                "purpose.domestic_servitude",
                "coercion_at_destination.confiscation_of_documents",
                "deceptive_recruitment.wages",
            ),
            gbv=("rape",),
        )
    text, report = export_to_text(actor=analyst, fmt="v2024", k=3)
    rows = _rows(text)
    assert report.records_in == 3 and report.records_out == 3
    row = rows[0]
    assert row["yearOfRegistration"] == "2024"
    assert row["gender"] == "Woman"
    assert row["ageBroad"] == "9--17"
    assert row["citizenship"] == "GIN"
    assert row["CountryOfExploitation"] == ""
    assert row["isForcedLabour"] == "1"
    assert row["sectorOfLabourDomesticWork"] == "1"
    assert row["meansWithholdDocs"] == "1"
    assert row["meansFalsePromises"] == "1"
    assert row["meansAbusePsyPhySex"] == "1"
    assert row["isSexualExploit"] == ""
    for name in ctdc.V2024_COLUMNS[6:]:
        assert row[name] in ("1", ""), name
    for name in ctdc.unfilled("v2024"):
        assert all(r[name] == "" for r in rows), name


def test_kanon2017_layout_has_63_columns(make_case: Any, analyst: Any) -> None:
    for _i in range(2):
        make_case(indicators=("purpose.forced_labour", "purpose.sexual_exploitation"))
    text, report = export_to_text(actor=analyst, fmt="kanon2017", k=2)
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(ctdc.KANON2017_COLUMNS) and len(header) == 63
    row = _rows(text)[0]
    assert row["citizenship"] == "GN"  # alpha-2 in that version
    assert row["isSexAndLabour"] == "1"
    assert row["majorityStatus"] == "Minor"
    assert row["Datasource"] == "Case Management"


def test_only_cases_consenting_to_statistics_appear(make_case: Any, analyst: Any) -> None:
    from egide.cases.services import case_purge, consent_withdraw

    shared = [make_case(sex="male", birth_year=1990) for _i in range(2)]
    make_case(sex="male", birth_year=1990, consent=None)
    make_case(sex="male", birth_year=1990, consent="refused")
    withdrawn = make_case(sex="male", birth_year=1990)
    consent_withdraw(actor=withdrawn.owner, consent=withdrawn.consents.get())
    purged = make_case(sex="male", birth_year=1990)
    case_purge(case=purged)
    text, report = export_to_text(actor=analyst, fmt="v2024", k=2)
    assert report.records_in == 3  # two shared + the purged one
    assert len(_rows(text)) == 3
    assert shared[0].code not in text and purged.code not in text


def test_rare_combination_is_generalised_or_suppressed(make_case: Any, analyst: Any) -> None:
    for _i in range(11):
        make_case(sex="female", birth_year=2008)
    make_case(sex="male", birth_year=1950, nationality="SL")
    text, report = export_to_text(actor=analyst, fmt="v2024", k=11)
    assert report.records_in == 12
    assert report.records_in == report.records_out + report.records_suppressed
    combos: dict[tuple[str, ...], int] = {}
    for row in _rows(text):
        key = tuple(row[q] for q in ctdc.QUASI_IDENTIFIERS)
        combos[key] = combos.get(key, 0) + 1
    assert all(n >= 11 for n in combos.values())


def test_export_is_audited_with_format_k_and_rows(make_case: Any, analyst: Any) -> None:
    for _i in range(2):
        make_case()
    export_to_text(actor=analyst, fmt="v2024", k=2)
    event = AuditEvent.objects.get(action="sharing.ctdc_exported")
    assert event.actor == analyst
    assert event.details["format"] == "v2024"
    assert event.details["k"] == 2
    assert event.details["rows"] == 2


def test_page_export_runs_as_a_job_downloadable_by_its_starter_only(
    make_case: Any, persona: Any
) -> None:
    from egide.jobs.models import Job
    from egide.jobs.services import job_run
    from tests.personas import login_verified

    for _i in range(2):
        make_case()
    coordinator = persona(roles.COORDINATOR)
    client = login_verified(Client(), coordinator)
    response = client.post(
        reverse("sharing:export"),
        {"format": "v2024", "k": "2", "quasi_identifiers": list(ctdc.QUASI_IDENTIFIERS)},
    )
    job = Job.objects.get(kind="sharing.ctdc_export")
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert "2 row(s) written" in job.report or "2 ligne" in job.report
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert download.content.decode("utf-8").startswith("yearOfRegistration,gender,ageBroad")
    assert AuditEvent.objects.filter(action="job.result_downloaded", actor=coordinator).exists()
    assert AuditEvent.objects.get(action="sharing.ctdc_exported").actor == coordinator
    analyst = persona(roles.ANALYST)
    other = login_verified(Client(), analyst)
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_page_refuses_k_below_two(persona: Any) -> None:
    from tests.personas import login_verified

    client = login_verified(Client(), persona(roles.ANALYST))
    response = client.post(
        reverse("sharing:export"), {"format": "v2024", "k": "1", "quasi_identifiers": ["gender"]}
    )
    assert response.status_code == 200
    assert "k = 1" in response.content.decode()


def test_case_worker_cannot_see_the_page(persona: Any) -> None:
    from tests.personas import login_verified

    client = login_verified(Client(), persona(roles.CASE_WORKER))
    assert client.get(reverse("sharing:home")).status_code == 404


def test_cli_writes_the_file_and_one_summary_line(
    make_case: Any, tmp_path: Any, capsys: Any
) -> None:
    for _i in range(3):
        make_case()
    out = tmp_path / "ctdc.csv"
    call_command("export", "ctdc", "--format", "v2024", "--k", "3", "--output", str(out))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "records in 3, out 3, suppressed 0" in lines[0]
    assert out.read_text(encoding="utf-8").startswith("yearOfRegistration,")
    event = AuditEvent.objects.get(action="sharing.ctdc_exported")
    assert event.details["via"] == "cli" and event.actor_username.startswith("cli:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "v2024", "--k", "1"], "--k 1 refused"),
        (["--format", "v2099", "--k", "11"], "unknown format 'v2099'"),
    ],
)
def test_cli_exits_2_with_a_clear_message(
    args: list[str], message: str, tmp_path: Any, capsys: Any
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("export", "ctdc", *args, "--output", str(tmp_path / "x.csv"))
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.django_db(transaction=True)
def test_read_ahead_on_a_second_connection_gives_the_same_rows(
    make_case: Any, analyst: Any, monkeypatch: Any
) -> None:
    from django.db import connection

    from egide.sharing import selectors

    for _i in range(7):
        make_case()
    monkeypatch.setattr(selectors, "CHUNK", 3)
    text, report = export_to_text(actor=analyst, fmt="v2024", k=2)
    assert report.records_out == 7
    if connection.vendor == "postgresql":
        assert selectors._may_read_ahead()
        facts = selectors.case_facts(selectors.last_case_id())
        first = next(facts)
        facts.close()  # the reader stops early: the thread ends, nothing hangs
        assert first[0].nationality == "GN"
    assert text.count("\r\n") == 8
