"""Filled submissions of the field-data forms: an export upload and a rejected submission's fix."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import YESTERDAY, Ctx, Entry, Persona


def _upload_ctx(persona: Persona) -> Ctx:
    from egide.fielddata.models import FieldAccount

    FieldAccount.objects.create(remote_id="5", user=persona(roles.MIGRANT_AMBASSADOR))
    return {}


def _upload_values(ctx: Ctx) -> dict[str, Any]:
    from egide.fielddata.tests.builders import alert_columns, central_zip

    content = central_zip(
        "egide_alerte",
        [{**alert_columns(seen_on=YESTERDAY.isoformat()), "KEY": "uuid:forms-filled-1"}],
    )
    return {"file": SimpleUploadedFile("egide_alerte.csv.zip", content, "application/zip")}


def _check_upload(ctx: Ctx, response: Any) -> None:
    from egide.cases.models import Alert
    from egide.fielddata.models import ImportRun

    run = ImportRun.objects.get()
    assert run.counts["created"] == 1 and run.filename == "egide_alerte.csv.zip"
    assert Alert.objects.get().region.code == "GN-L"


ANSWERS = {
    "egide_version": "e1-c1.0-r1.0",
    "region": "GN-ZZ",
    "prefecture": "GN-LA",
    "locality": "Daralabé",
    "border_point": "Koundara (fictif)",
    "seen_on": YESTERDAY.isoformat(),
    "urgency": "normal",
    "child_concerned": "no",
    "person_description": "homme d'environ 30 ans (fictif)",
    "what_was_seen": "recrutement pour une mine (fictif)",
}


def _reapply_ctx(persona: Persona) -> Ctx:
    from egide.fielddata.models import SubmissionRecord

    ambassador = persona(roles.MIGRANT_AMBASSADOR)
    record = SubmissionRecord.objects.create(
        server="file",
        project="",
        form_id="egide_alerte",
        logical_id="uuid:forms-filled-2",
        instance_id="uuid:forms-filled-2",
        form_version="e1-c1.0-r1.0",
        user=ambassador,
        organisation=ambassador.organisation,
        status="rejected",
        reason="Le code de région « GN-ZZ » n'existe pas.",
        payload_json=json.dumps({"data": ANSWERS}),
    )
    return {"record": record}


def _check_reapply(ctx: Ctx, response: Any) -> None:
    from egide.cases.models import Alert

    ctx["record"].refresh_from_db()
    assert ctx["record"].status == "created"
    alert = Alert.objects.get()
    assert alert.region.code == "GN-L" and alert.border_point == "Koundara (fictif)"


ENTRIES: dict[str, Entry] = {
    "egide.fielddata.forms.ExportUploadForm": Entry(
        persona=roles.COORDINATOR,
        url=lambda ctx: reverse("fielddata:upload"),
        setup=_upload_ctx,
        values=_upload_values,
        check=_check_upload,
    ),
    "egide.fielddata.forms.ReapplyForm": Entry(
        persona=roles.COORDINATOR,
        url=lambda ctx: reverse("fielddata:record", args=[ctx["record"].pk]),
        setup=_reapply_ctx,
        values=lambda ctx: {**ANSWERS, "region": "GN-L"},
        check=_check_reapply,
    ),
}
