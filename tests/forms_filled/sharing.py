"""Filled submissions of the anonymised-sharing forms (coordinators and analysts; all data
fictitious): the CTDC export, a count table, a partner import, the comparison's choices."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egide.accounts import roles
from egide.sharing.ctdc import QUASI_IDENTIFIERS, V2024_COLUMNS
from tests.forms_filled import Ctx, Entry, Persona, url


def _check_job(kind: str) -> Any:
    def check(ctx: Ctx, response: Any) -> None:
        from egide.jobs.models import Job

        job = Job.objects.get(kind=kind)
        assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")

    return check


def _check_export(ctx: Ctx, response: Any) -> None:
    from egide.jobs.models import Job

    _check_job("sharing.ctdc_export")(ctx, response)
    job = Job.objects.get(kind="sharing.ctdc_export")
    assert job.params == {
        "format": "kanon2017",
        "k": 15,
        "quasi_identifiers": list(QUASI_IDENTIFIERS),
    }


def _partner_csv() -> SimpleUploadedFile:
    row = dict.fromkeys(V2024_COLUMNS, "")
    row.update(yearOfRegistration="2021", gender="Woman", ageBroad="9--17", citizenship="GIN")
    row["isForcedLabour"] = "1"
    lines = [",".join(V2024_COLUMNS), ",".join(row[c] for c in V2024_COLUMNS)]
    return SimpleUploadedFile("partner.csv", ("\n".join(lines) + "\n").encode(), "text/csv")


def _check_import(ctx: Ctx, response: Any) -> None:
    from egide.sharing.models import PartnerDataset

    dataset = PartnerDataset.objects.get(name="Jeu partenaire (fictif)")
    assert dataset.record_count == 1 and dataset.source == "Publication test (fictive)"
    assert response["Location"] == reverse("sharing:dataset", args=[dataset.pk])


def _dataset(persona: Persona) -> Ctx:
    from egide.sharing.models import PartnerDataset

    dataset = PartnerDataset.objects.create(
        name="Partenaire (fictif)", source="test", imported_by=persona(roles.ANALYST)
    )
    return {"pk": dataset.pk}


def _check_compare(ctx: Ctx, response: Any) -> None:
    page = response.content.decode()
    assert 'data-testid="compare-1"' in page and 'data-testid="compare-2"' in page


ENTRIES: dict[str, Entry] = {
    "egide.sharing.forms.ExportForm": Entry(
        persona=roles.ANALYST,
        url=lambda ctx: reverse("sharing:export"),
        values=lambda ctx: {
            "format": "kanon2017",
            "k": "15",
            "quasi_identifiers": list(QUASI_IDENTIFIERS),
        },
        status=(302,),
        check=_check_export,
    ),
    "egide.sharing.forms.TableForm": Entry(
        persona=roles.COORDINATOR,
        url=lambda ctx: reverse("sharing:table"),
        values=lambda ctx: {"rows": "region", "column": "purpose", "format": "csv"},
        status=(302,),
        check=_check_job("sharing.table_export"),
    ),
    "egide.sharing.forms.PartnerImportForm": Entry(
        persona=roles.ANALYST,
        url=lambda ctx: reverse("sharing:import"),
        values=lambda ctx: {
            "name": "Jeu partenaire (fictif)",
            "source": "Publication test (fictive)",
            "file": _partner_csv(),
        },
        status=(302,),
        check=_check_import,
    ),
    "egide.sharing.forms.CompareForm": Entry(
        persona=roles.COORDINATOR,
        setup=_dataset,
        url=url("sharing:dataset", pk="pk"),
        method="get",
        values=lambda ctx: {"rows": "age", "column": "gender", "guinean_only": "on"},
        status=(200,),
        check=_check_compare,
    ),
}
