"""Every generated form converts with pyxform without error or warning; with Java present,
ODK Validate (bundled with pyxform 4.5) passes too."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from egide.fielddata import xlsforms
from egide.screening.catalogue import load_catalogue


@pytest.mark.parametrize("form_id", xlsforms.FORM_IDS)
def test_form_converts_without_warning(form_id: str) -> None:
    built = xlsforms.build(form_id)
    assert built.warnings == ()
    assert f'id="{form_id}"' in built.xml
    assert f'version="{xlsforms.current_version()}"' in built.xml
    # The version also travels in the answers (Kobo's __version__ is its own).
    assert "egide_version" in built.xml


# `.ci/run` installs a headless JRE (scripts/system-deps.sh): there, no Java is a failure.
@pytest.mark.skipif(
    shutil.which("java") is None and os.environ.get("CI") != "true",
    reason="ODK Validate needs a Java runtime (installed by scripts/system-deps.sh)",
)
@pytest.mark.parametrize("form_id", xlsforms.FORM_IDS)
def test_form_passes_odk_validate(form_id: str) -> None:
    built = xlsforms.build(form_id, validate=True)
    assert built.warnings == ()


def _sheet(xlsx: bytes, name: str) -> list[dict[str, Any]]:
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_screening_form_comes_from_the_catalogue_and_interview() -> None:
    built = xlsforms.build(xlsforms.SCREENING)
    choices = _sheet(built.xlsx, "choices")
    catalogue = load_catalogue()
    for code, indicator in catalogue.by_code.items():
        group, short = (indicator.group, code.split(".", 1)[-1])
        row = next(c for c in choices if c["list_name"] == group and c["name"] == short)
        assert row["label::Français (fr)"].startswith(indicator.fr)
        assert row["label::English (en)"].startswith(indicator.en)
    survey = _sheet(built.xlsx, "survey")
    names = {r["name"] for r in survey}
    assert {"consent", "age", "may_be_child", "sex", "safety", "stop", "worker_agrees"} <= names
    # The urgent stop: later steps are relevant only when no safety flag, or "continue".
    movement = next(r for r in survey if r["name"] == "movement_step")
    assert "count-selected(${safety}) = 0" in movement["relevant"]
    # Child-friendly wording appears for children only.
    child = next(r for r in survey if r["name"] == "movement_child_q1")
    assert "${age} < 18" in child["relevant"]
    settings = _sheet(built.xlsx, "settings")[0]
    assert settings["version"] == "e1-c1.0-r1.0" and settings["default_language"] == "Français (fr)"


def test_regions_and_prefectures_come_from_the_reference_list() -> None:
    from egide.core.reference import reference_data

    choices = _sheet(xlsforms.build(xlsforms.ALERT).xlsx, "choices")
    regions = {c["name"] for c in choices if c["list_name"] == "region"}
    assert regions == {r["code"] for r in reference_data()["regions"]}
    labe = [c for c in choices if c["list_name"] == "prefecture" and c["region"] == "GN-L"]
    assert {c["name"] for c in labe} >= {"GN-LA"}


def test_version_parsing() -> None:
    from egide.fielddata.records import parse_version

    assert xlsforms.version_known(parse_version("e1-c1.0-r1.0"))
    assert not xlsforms.version_known(parse_version("e9-c1.0-r1.0"))
    assert not xlsforms.version_known(parse_version("e1-c7.0-r1.0"))
    assert parse_version("2024060101") is None


@pytest.mark.django_db
def test_forms_build_command(tmp_path: Any) -> None:
    from django.core.management import call_command

    call_command("forms", "build", "--output", str(tmp_path))
    for form_id in xlsforms.FORM_IDS:
        assert (tmp_path / f"{form_id}.xml").read_text().startswith("<?xml")
        assert zipfile.is_zipfile(tmp_path / f"{form_id}.xlsx")


@pytest.mark.django_db
def test_download_page_and_files(persona: Any, client_as: Any) -> None:
    from django.urls import reverse

    from egide.accounts import roles
    from egide.audit.models import AuditEvent

    client = client_as(persona(roles.MIGRANT_AMBASSADOR))
    page = client.get(reverse("fielddata:forms"))
    assert page.status_code == 200
    assert "e1-c1.0-r1.0" in page.content.decode()
    xlsx = client.get(reverse("fielddata:form_download", args=[xlsforms.ALERT, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    xml = client.get(reverse("fielddata:form_download", args=[xlsforms.ALERT, "xml"]))
    assert xml.status_code == 200 and b"<h:html" in xml.content
    assert client.get(reverse("fielddata:form_download", args=["nope", "xml"])).status_code == 404
    assert AuditEvent.objects.filter(action="fielddata.form_downloaded").count() == 2
    analyst = client_as(persona(roles.ANALYST))
    assert analyst.get(reverse("fielddata:forms")).status_code == 404
