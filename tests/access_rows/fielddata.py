"""Access rows of the field-data pages: forms to download, imports, their report, submissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egide.accounts import roles
from egide.accounts.models import User
from tests.access_rows import Row

COLLECTORS = frozenset(
    {
        roles.MIGRANT_AMBASSADOR,
        roles.CASE_WORKER,
        roles.CASE_SUPERVISOR,
        roles.LAW_ENFORCEMENT,
        roles.TRAINER,
        roles.COORDINATOR,
        roles.ADMINISTRATOR,
    }
)
MANAGERS = frozenset({roles.COORDINATOR, roles.ADMINISTRATOR})


def _connection(persona: Callable[[str], User]) -> Any:
    from egide.fielddata.models import Connection

    return Connection.objects.create(
        name="central-test",
        kind=Connection.Kind.ODK_CENTRAL,
        organisation=persona(roles.COORDINATOR).organisation,
        base_url="http://127.0.0.1:9/",
        project="1",
        username="egide@example.org",
        secret="secret (fictif)",
    )


def _pull(persona: Callable[[str], User]) -> dict[str, Any]:
    return {"pk": _connection(persona).pk}


def _run(persona: Callable[[str], User]) -> dict[str, Any]:
    from egide.fielddata.models import ImportRun

    run = ImportRun.objects.create(
        source=ImportRun.Source.FILE,
        filename="egide_alerte.csv.zip",
        organisation=persona(roles.COORDINATOR).organisation,
    )
    return {"pk": run.pk}


def _record(persona: Callable[[str], User]) -> dict[str, Any]:
    """A submission sent by the Labé ambassador: seen by them and their organisation's managers."""
    from egide.fielddata.models import SubmissionRecord

    ambassador = persona(roles.MIGRANT_AMBASSADOR)
    record = SubmissionRecord.objects.create(
        server="file",
        project="",
        form_id="egide_alerte",
        logical_id="uuid:access-matrix",
        instance_id="uuid:access-matrix",
        user=ambassador,
        organisation=ambassador.organisation,
        status="rejected",
        reason="Le code de région « GN-ZZ » n'existe pas.",
        payload_json='{"data": {"region": "GN-ZZ"}}',
    )
    return {"pk": record.pk}


ROWS: dict[str, Row] = {
    "fielddata:forms": Row(COLLECTORS, denied_status=(302, 404)),
    "fielddata:form_download": Row(
        COLLECTORS, denied_status=(302, 404), kwargs={"form_id": "egide_alerte", "fmt": "xml"}
    ),
    "fielddata:imports": Row(COLLECTORS, denied_status=(302, 404)),
    # An empty upload comes back with the form's error.
    "fielddata:upload": Row(MANAGERS, 400, (302, 404), method="post"),
    "fielddata:run": Row(MANAGERS, denied_status=(302, 404), setup=_run),
    "fielddata:pull": Row(MANAGERS, 302, (302, 404), method="post", setup=_pull),
    "fielddata:record": Row(
        frozenset({roles.MIGRANT_AMBASSADOR, *MANAGERS}), denied_status=(302, 404), setup=_record
    ),
}
