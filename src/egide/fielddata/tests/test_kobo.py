"""Pulling from a fake KoboToolbox v2 server with its documented record shape (interop.md §3):
token header, start/limit paging, _submission_time query, an edited record."""

from __future__ import annotations

from typing import Any

import pytest

from egide.accounts import roles
from egide.cases.models import Alert
from egide.fielddata import services
from egide.fielddata.models import Connection, FieldAccount, SubmissionRecord, Watermark
from egide.fielddata.tests.conftest import YESTERDAY

pytestmark = pytest.mark.django_db


def kobo_record(
    uuid: str,
    *,
    time: str = "2026-11-24T01:00:00",
    deprecated: str = "",
    root: str = "",
    **changes: Any,
) -> dict[str, Any]:
    """A record as /api/v2/assets/{uid}/data/ gives it: flat slash paths, strings, meta."""
    record: dict[str, Any] = {
        "_id": abs(hash(uuid)) % 100000,
        "formhub/uuid": "0f1d2c3b4a5968778695a4b3c2d1e0f1",
        "start": "2026-11-24T00:50:00.000+00:00",
        "end": "2026-11-24T00:58:00.000+00:00",
        "deviceid": "collect:kobo-1",
        "egide_version": "e1-c1.0-r1.0",
        "region": "GN-L",
        "prefecture": "GN-LA",
        "locality": "Daralabé",
        "seen_on": YESTERDAY,
        "urgency": "immediate",
        "child_concerned": "unknown",
        "person_description": "garçon d'environ 12 ans (fictif)",
        "what_was_seen": "mendie pour un adulte au marché (fictif)",
        "__version__": "vH7nXq2v3wGkT3mJ5rLp",
        "meta/instanceID": f"uuid:{uuid}",
        "_xform_id_string": "egide_alerte",
        "_uuid": uuid,
        "_attachments": [],
        "_status": "submitted_via_web",
        "_geolocation": [None, None],
        "_submission_time": time,
        "_tags": [],
        "_notes": [],
        "_validation_status": {},
        "_submitted_by": "agent_labe",
    }
    if deprecated:
        record["meta/deprecatedID"] = f"uuid:{deprecated}"
    if root:
        record["meta/rootUuid"] = f"uuid:{root}"
    record.update(changes)
    return record


@pytest.fixture
def kobo_connection(kobo: Any, persona: Any) -> Any:
    fake, url = kobo
    fake.assets["aEgideAlerte"] = []
    conn = Connection.objects.create(
        name="kobo-labe",
        kind=Connection.Kind.KOBO,
        organisation=persona(roles.COORDINATOR).organisation,
        base_url=url,
        assets={"egide_alerte": "aEgideAlerte"},
        secret=fake.TOKEN,
        timeout_seconds=2,
    )
    FieldAccount.objects.create(
        connection=conn, remote_id="agent_labe", user=persona(roles.MIGRANT_AMBASSADOR)
    )
    return conn


def test_kobo_pull_creates_then_changes_nothing(kobo: Any, kobo_connection: Any) -> None:
    fake, _url = kobo
    fake.assets["aEgideAlerte"] = [
        kobo_record("k1", time="2026-11-24T01:00:00"),
        kobo_record("k2", time="2026-11-24T02:00:00"),
        kobo_record("k3", time="2026-11-24T03:00:00"),
    ]
    run = services.pull(connection=kobo_connection, actor=None, page_size=2)
    assert run.counts["created"] == 3 and Alert.objects.count() == 3
    # The "next" link (on kf.kobotoolbox.org) was followed by its path and query.
    assert any("start=2" in p for _m, p in fake.requests)
    assert Watermark.objects.get(form_id="egide_alerte").changed_after == "2026-11-24T03:00:00.000Z"
    again = services.pull(connection=kobo_connection, actor=None)
    assert sum(again.counts.values()) == 0
    pulls = [p for _m, p in fake.requests if "fields=" not in p]
    assert "query=%7B%22_submission_time%22" in pulls[-1]


def test_kobo_deletion_is_reported(kobo: Any, kobo_connection: Any) -> None:
    """Kobo keeps no tombstones: a record Égide holds that the server no longer lists (by its
    stable id or its current version) was deleted there — reported, the alert kept."""
    fake, _url = kobo
    fake.assets["aEgideAlerte"] = [
        kobo_record("k1", time="2026-11-24T01:00:00"),
        kobo_record("k2", time="2026-11-24T02:00:00"),
        kobo_record("k3", time="2026-11-24T03:00:00", root="k3"),
    ]
    first = services.pull(connection=kobo_connection, actor=None, page_size=2)
    assert first.counts["created"] == 3 and not first.counts["deleted"]
    # k1 edited without a rootUuid (only its new version is listed), k3 edited with one, k2 gone.
    fake.assets["aEgideAlerte"] = [
        kobo_record("k1-v2", time="2026-11-24T04:00:00", deprecated="k1", urgency="normal"),
        kobo_record(
            "k3-v2", time="2026-11-24T05:00:00", root="k3", deprecated="k3", urgency="normal"
        ),
    ]
    run = services.pull(connection=kobo_connection, actor=None)
    assert run.counts["deleted"] == 1 and run.counts["updated"] == 2, run.counts
    gone = SubmissionRecord.objects.get(deleted_on_server=True)
    assert gone.logical_id == "uuid:k2"
    assert Alert.objects.count() == 3  # what Égide made of it is kept
    assert run.outcomes.filter(outcome="deleted", reference="uuid:k2").exists()
    # The listing asks for the ids only; a second pull reports it no more.
    listing = [p for _m, p in fake.requests if "fields=" in p][-1]
    assert "meta%2FrootUuid" in listing
    assert services.pull(connection=kobo_connection, actor=None).counts["deleted"] == 0


def test_kobo_edit_updates_in_place(kobo: Any, kobo_connection: Any) -> None:
    fake, _url = kobo
    fake.assets["aEgideAlerte"] = [kobo_record("k1")]
    services.pull(connection=kobo_connection, actor=None)
    # The edited version replaces k1: new instanceID, meta/deprecatedID names the old one.
    fake.assets["aEgideAlerte"] = [
        kobo_record(
            "k1-v2",
            time="2026-11-24T05:00:00",
            deprecated="k1",
            what_was_seen="corrigé : deux garçons (fictif)",
        )
    ]
    run = services.pull(connection=kobo_connection, actor=None)
    assert run.counts["updated"] == 1 and Alert.objects.count() == 1
    assert Alert.objects.get().what_was_seen.startswith("corrigé")
    record = SubmissionRecord.objects.get()
    assert record.instance_id == "uuid:k1-v2" and record.logical_id == "uuid:k1"


def test_kobo_edit_with_root_uuid(kobo: Any, kobo_connection: Any) -> None:
    fake, _url = kobo
    fake.assets["aEgideAlerte"] = [kobo_record("r1", root="r1")]
    services.pull(connection=kobo_connection, actor=None)
    fake.assets["aEgideAlerte"] = [
        kobo_record(
            "r1-v2", root="r1", deprecated="r1", time="2026-11-24T06:00:00", urgency="normal"
        )
    ]
    assert services.pull(connection=kobo_connection, actor=None).counts["updated"] == 1
    assert Alert.objects.get().urgency == "normal"


def test_kobo_not_approved_is_not_imported(kobo: Any, kobo_connection: Any) -> None:
    fake, _url = kobo
    fake.assets["aEgideAlerte"] = [
        kobo_record(
            "k9", _validation_status={"uid": "validation_status_not_approved", "timestamp": 1}
        ),
    ]
    assert services.pull(connection=kobo_connection, actor=None).counts["skipped"] == 1
    assert not Alert.objects.exists()


def test_kobo_bad_token_and_server_failure(kobo: Any, kobo_connection: Any) -> None:
    fake, _url = kobo
    kobo_connection.secret = "wrong"
    kobo_connection.save()
    with pytest.raises(services.ImportFailed, match="token"):
        services.pull(connection=kobo_connection, actor=None)
    kobo_connection.secret = fake.TOKEN
    kobo_connection.save()
    fake.fail_status = 500
    with pytest.raises(services.ImportFailed, match="HTTP 500"):
        services.pull(connection=kobo_connection, actor=None)
    assert Watermark.objects.get(form_id="egide_alerte").changed_after == ""


def test_kobo_attachment_is_downloaded_and_stored_encrypted(
    kobo: Any, kobo_connection: Any
) -> None:
    import base64

    from egide.fielddata.models import FieldAttachment

    fake, url = kobo
    fake.assets["aEgideAlerte"] = [
        kobo_record(
            "k5",
            photo="p1.jpg",
            _attachments=[
                {
                    "download_url": "https://kf.kobotoolbox.org/media/original?media_file=agent_labe/attachments/p1.jpg",
                    "filename": "agent_labe/attachments/k5/p1.jpg",
                    "mimetype": "image/jpeg",
                    "instance": 1,
                    "xform": 1,
                    "id": 7,
                }
            ],
        )
    ]
    services.pull(connection=kobo_connection, actor=None)
    attachment = FieldAttachment.objects.get()
    assert attachment.name == "p1.jpg"
    assert base64.b64decode(attachment.content_b64).startswith(b"\xff\xd8")
