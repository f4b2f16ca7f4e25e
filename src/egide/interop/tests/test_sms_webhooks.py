"""SMS webhooks: RapidPro "Call Webhook" and Africa's Talking inbound SMS become alerts through
the cases app's alert service; secrets, duplicates, bad input, rate limit, encryption."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from egide.audit.models import AuditEvent
from egide.cases.models import Alert
from egide.interop.models import SmsDelivery

pytestmark = pytest.mark.django_db

NUMBER = "+224620000001"


def rapidpro_body(text_region: str = "Labé", **extra: Any) -> dict[str, Any]:
    """The floweditor's default body (research §6) with a flow's results."""
    return {
        "contact": {"uuid": "c-0001", "name": "Relais (fictif)", "urn": f"tel:{NUMBER}"},
        "flow": {"uuid": "f-0001", "name": "Alerte traite"},
        "results": {
            "region": {"value": text_region, "category": "Has Text"},
            "urgence": {"value": "urgent", "category": "Urgent"},
            "message": {"value": "fille d'environ 13 ans vendue (fictif)", "category": "All"},
        },
        **extra,
    }


def post_rapidpro(channel: Any, secret: str, body: Any, raw: bytes | None = None) -> Any:
    url = reverse("interop:rapidpro_webhook", args=[channel.public_id])
    data = raw if raw is not None else json.dumps(body)
    return Client().post(
        url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {secret}"
    )


def at_form(**override: str) -> dict[str, str]:
    form = {
        "from": NUMBER,
        "to": "38383",
        "text": "ALERTE LABE URGENT garçon de 10 ans enfermé (fictif)",
        "date": "2026-11-20 08:15:00",
        "id": "ATXid_0001",
        "linkId": "",
    }
    form.update(override)
    return form


def post_at(channel: Any, secret: str, body: bytes | str, content_type: str = "") -> Any:
    url = (
        reverse("interop:africastalking_webhook", args=[channel.public_id])
        + "?"
        + urlencode({"k": secret})
    )
    return Client().post(
        url, body, content_type=content_type or "application/x-www-form-urlencoded"
    )


def test_rapidpro_payload_creates_an_alert_routed_to_the_region(
    channel_of: Callable[[str], Any],
) -> None:
    channel, secret = channel_of("rapidpro")
    response = post_rapidpro(channel, secret, rapidpro_body())
    assert response.status_code == 200, response.content
    alert = Alert.objects.get()
    assert alert.region.code == "GN-L" and alert.urgency == "urgent"
    assert alert.status == Alert.Status.NEW and alert.due_at is not None
    answer = response.json()
    assert answer["ref"] == alert.code and alert.code in answer["message"]
    assert "vendue" in alert.what_was_seen
    assert AuditEvent.objects.filter(action="alert.raised", object_id=str(alert.pk)).exists()
    assert AuditEvent.objects.filter(action="sms.received").count() == 1


def test_rapidpro_legacy_payload_uses_input_text_and_uuid(
    channel_of: Callable[[str], Any],
) -> None:
    channel, secret = channel_of("rapidpro")
    body = {
        "contact": {"uuid": "c-2", "name": "x", "urn": f"tel:{NUMBER}"},
        "flow": {"uuid": "f-2", "name": "Alerte"},
        "path": [],
        "results": {},
        "run": {"uuid": "run-2", "created_on": "2026-11-20T08:00:00Z"},
        "input": {"uuid": "in-2", "text": "ALERTE MAMOU DANGER femme séquestrée (fictif)"},
    }
    response = post_rapidpro(channel, secret, body)
    assert response.status_code == 200, response.content
    alert = Alert.objects.get()
    assert alert.region.code == "GN-M" and alert.urgency == "immediate"
    assert SmsDelivery.objects.get().message_id == "in-2"


def test_africastalking_payload_creates_an_alert(channel_of: Callable[[str], Any]) -> None:
    channel, secret = channel_of("africastalking")
    response = post_at(channel, secret, urlencode(at_form()))
    assert response.status_code == 200, response.content
    alert = Alert.objects.get()
    assert alert.region.code == "GN-L" and alert.urgency == "urgent"
    assert str(alert.seen_on) == "2026-11-20"
    assert response.json()["ref"] == alert.code
    assert alert.created_by == channel.account and alert.organisation_id == channel.organisation_id


def test_unparseable_message_becomes_an_alert_to_qualify(
    channel_of: Callable[[str], Any],
) -> None:
    channel, secret = channel_of("africastalking")
    text = "bonjour on a vu des enfants dans un camion (fictif)"
    response = post_at(channel, secret, urlencode(at_form(text=text)))
    assert response.status_code == 200
    alert = Alert.objects.get()
    assert alert.region.code == "GN-C"  # the channel's region: its supervisors triage it
    assert "QUALIFIER" in alert.what_was_seen and text in alert.what_was_seen
    assert not SmsDelivery.objects.get().recognised


def test_the_region_supervisors_see_the_sms_alert(
    channel_of: Callable[[str], Any], persona: Callable[[str], Any]
) -> None:
    from egide.accounts import roles
    from egide.cases.selectors import alerts_for

    channel, secret = channel_of("rapidpro")
    post_rapidpro(channel, secret, rapidpro_body())
    supervisor = persona(roles.CASE_SUPERVISOR)  # Labé
    assert alerts_for(supervisor).count() == 1


@pytest.mark.parametrize("kind", ["rapidpro", "africastalking"])
def test_duplicate_delivery_creates_nothing(kind: str, channel_of: Callable[[str], Any]) -> None:
    channel, secret = channel_of(kind)
    if kind == "rapidpro":
        first = post_rapidpro(channel, secret, rapidpro_body())
        second = post_rapidpro(channel, secret, rapidpro_body())
    else:
        first = post_at(channel, secret, urlencode(at_form()))
        second = post_at(channel, secret, urlencode(at_form()))
    assert first.status_code == second.status_code == 200
    assert Alert.objects.count() == 1 and SmsDelivery.objects.count() == 1
    assert second.json()["ref"] == first.json()["ref"] and second.json()["duplicate"] is True


@pytest.mark.parametrize("kind", ["rapidpro", "africastalking"])
def test_wrong_secret_gets_401_and_creates_nothing(
    kind: str, channel_of: Callable[[str], Any]
) -> None:
    channel, secret = channel_of(kind)
    other, _other_secret = channel_of("africastalking" if kind == "rapidpro" else "rapidpro")
    if kind == "rapidpro":
        responses = [
            post_rapidpro(channel, "wrong", rapidpro_body()),
            post_rapidpro(channel, "", rapidpro_body()),
            post_rapidpro(other, secret, rapidpro_body()),  # another channel's id
        ]
    else:
        responses = [
            post_at(channel, "wrong", urlencode(at_form())),
            post_at(other, secret, urlencode(at_form())),
        ]
    for response in responses:
        assert response.status_code == 401
        assert set(response.json()) == {"detail"}
    assert Alert.objects.count() == 0 and SmsDelivery.objects.count() == 0


def test_wrong_secret_with_a_bad_body_is_still_401(channel_of: Callable[[str], Any]) -> None:
    channel, _secret = channel_of("rapidpro")
    assert post_rapidpro(channel, "wrong", None, raw=b"\xff\xfe").status_code == 401


def test_inactive_channel_refuses(channel_of: Callable[[str], Any]) -> None:
    channel, secret = channel_of("rapidpro")
    channel.is_active = False
    channel.save()
    assert post_rapidpro(channel, secret, rapidpro_body()).status_code == 401


def test_bad_input_gets_400_with_a_clear_message(channel_of: Callable[[str], Any]) -> None:
    rapidpro, rp_secret = channel_of("rapidpro")
    at, at_secret = channel_of("africastalking")
    long_text = "A" * 10_240
    cases = [
        (post_at(at, at_secret, urlencode(at_form(text=long_text))), "1600"),
        (
            post_at(
                at,
                at_secret,
                b"from=%2B224620000001&to=1&date=2026-11-20+08%3A00%3A00&id=x&text=%FF%FE",
            ),
            "UTF-8",
        ),
        (post_at(at, at_secret, urlencode({"from": NUMBER, "text": "ALERTE"})), "to, date, id"),
        (post_at(at, at_secret, urlencode(at_form(date="hier"))), "date"),
        (post_at(at, at_secret, json.dumps(at_form()), "application/json"), "x-www-form"),
        (
            post_rapidpro(
                rapidpro, rp_secret, None, raw=b'{"contact": {"urn": "tel:1"}, "results": \xff}'
            ),
            "UTF-8",
        ),
        (post_rapidpro(rapidpro, rp_secret, {"flow": {}}), "contact.urn"),
        (post_rapidpro(rapidpro, rp_secret, None, raw=b"[1, 2"), "JSON"),
        (post_rapidpro(rapidpro, rp_secret, None, raw=b"x" * 70_000), "64"),
        (
            post_rapidpro(
                rapidpro,
                rp_secret,
                rapidpro_body(results={"message": {"value": long_text}}),
            ),
            "1600",
        ),
    ]
    for response, words in cases:
        assert response.status_code == 400, (words, response.status_code)
        assert words in response.json()["detail"], response.json()
    assert Alert.objects.count() == 0


def test_sender_number_is_encrypted_in_the_database(channel_of: Callable[[str], Any]) -> None:
    channel, secret = channel_of("africastalking")
    post_at(channel, secret, urlencode(at_form()))
    delivery = SmsDelivery.objects.get()
    assert delivery.sender == NUMBER
    table = SmsDelivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sender, text, sender_index FROM {table}")  # noqa: S608
        raw_sender, raw_text, index = cursor.fetchone()
    assert NUMBER not in raw_sender and "224620000001" not in raw_sender
    assert "garçon" not in raw_text and "224620000001" not in index


def test_rate_limit_per_number(channel_of: Callable[[str], Any], settings: Any) -> None:
    settings.EGIDE_SMS_RATE_PER_NUMBER = "2/hour"
    channel, secret = channel_of("africastalking")
    codes = [post_at(channel, secret, urlencode(at_form(id=f"m{i}"))).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    other = post_at(channel, secret, urlencode(at_form(id="m9", **{"from": "+224620000002"})))
    assert other.status_code == 200
    assert Alert.objects.count() == 3


def test_webhooks_refuse_get(channel_of: Callable[[str], Any]) -> None:
    channel, _secret = channel_of("rapidpro")
    url = reverse("interop:rapidpro_webhook", args=[channel.public_id])
    assert Client().get(url).status_code == 405


def test_simultaneous_duplicate_returns_the_first_alert(
    channel_of: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two deliveries of one message at the same moment: the unique constraint refuses the
    second insert, which then answers with the first alert."""
    from egide.interop.services import sms as services

    channel, secret = channel_of("africastalking")
    first = post_at(channel, secret, urlencode(at_form()))
    real = services._existing
    calls: list[int] = []

    def blind_once(*args: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_existing", blind_once)
    second = post_at(channel, secret, urlencode(at_form()))
    assert second.status_code == 200 and second.json()["ref"] == first.json()["ref"]
    assert Alert.objects.count() == 1 and len(calls) == 2


def test_retention_purge_erases_the_sms(
    channel_of: Callable[[str], Any], persona: Callable[[str], Any]
) -> None:
    from egide.accounts import roles
    from egide.cases.services import alert_open_case, case_purge

    channel, secret = channel_of("rapidpro")
    post_rapidpro(channel, secret, rapidpro_body())
    supervisor = persona(roles.CASE_SUPERVISOR)
    case = alert_open_case(
        actor=supervisor, alert=Alert.objects.get(), owner=persona(roles.CASE_WORKER)
    )
    case_purge(case=case)
    delivery = SmsDelivery.objects.get()
    assert delivery.sender == "" and delivery.text == ""
    assert delivery.sender_index == ""  # an HMAC of the number: brute-forceable with the key


def _field_answers(alert: Alert) -> Any:
    from egide.fielddata.models import SubmissionRecord

    return SubmissionRecord.objects.create(
        server="https://odk.example.org",
        project="1",
        form_id="egide_alerte",
        logical_id=f"uuid:{alert.pk}",
        instance_id=f"uuid:{alert.pk}",
        status="created",
        payload_json='{"qui": "Mariama Diallo, 15 ans (fictive)"}',
        target_type="cases.alert",
        target_id=alert.pk,
    )


def test_case_purge_erases_the_field_answers_of_its_alerts(
    channel_of: Callable[[str], Any], persona: Callable[[str], Any]
) -> None:
    from egide.accounts import roles
    from egide.cases.services import alert_open_case, case_purge

    channel, secret = channel_of("rapidpro")
    post_rapidpro(channel, secret, rapidpro_body())
    alert = Alert.objects.get()
    answers = _field_answers(alert)
    case = alert_open_case(
        actor=persona(roles.CASE_SUPERVISOR), alert=alert, owner=persona(roles.CASE_WORKER)
    )
    case_purge(case=case)
    answers.refresh_from_db()
    assert answers.payload == {} and "Mariama" not in answers.payload_json


def test_alert_closed_without_case_is_purged_after_its_retention(
    channel_of: Callable[[str], Any], persona: Callable[[str], Any], settings: Any
) -> None:
    from datetime import timedelta

    from egide.accounts import roles
    from egide.cases.services import alert_close, alerts_retention_purge

    settings.EGIDE_ALERT_RETENTION_MONTHS = 12
    channel, secret = channel_of("rapidpro")
    post_rapidpro(channel, secret, rapidpro_body())
    post_rapidpro(channel, secret, rapidpro_body(text_region="Kindia"))
    closed, still_open = Alert.objects.order_by("pk")
    answers = _field_answers(closed)
    with _at("2026-01-31T10:00:00+00:00"):
        alert_close(
            actor=persona(roles.CASE_SUPERVISOR), alert=closed, reason="Déjà suivie (fictif)"
        )
    one_year = closed.triaged_at.date().replace(year=2027)
    assert alerts_retention_purge(today=one_year) == 0  # twelve months, not more: kept
    closed.refresh_from_db()
    assert closed.person_description and closed.purged_at is None
    assert alerts_retention_purge(today=one_year + timedelta(days=1)) == 1
    closed.refresh_from_db()
    assert closed.purged_at is not None and closed.status == Alert.Status.CLOSED
    assert (closed.person_description, closed.what_was_seen, closed.triage_reason) == ("", "", "")
    assert closed.region_id is not None and closed.seen_on  # the figures keep their facts
    delivery = SmsDelivery.objects.get(alert=closed)
    assert (delivery.sender, delivery.sender_index, delivery.text) == ("", "", "")
    answers.refresh_from_db()
    assert answers.payload == {}
    assert AuditEvent.objects.filter(action="alert.purged", object_id=str(closed.pk)).count() == 1
    # The alert still to triage keeps everything; a second run purges nothing more.
    still_open.refresh_from_db()
    assert still_open.person_description and still_open.purged_at is None
    assert SmsDelivery.objects.get(alert=still_open).sender
    assert alerts_retention_purge(today=one_year + timedelta(days=400)) == 0


def _at(moment: str) -> Any:
    from datetime import datetime
    from unittest import mock

    when = datetime.fromisoformat(moment)
    return mock.patch("django.utils.timezone.now", return_value=when)


@pytest.mark.parametrize(
    ("first", "second", "alerts"),
    [
        # more than the window (10 minutes) apart: the same words texted again, a new alert
        ("2026-11-20T08:00:00+00:00", "2026-11-20T08:10:01+00:00", 2),
        ("2026-11-20T08:00:00+00:00", "2026-11-21T08:00:00+00:00", 2),
        # within the window: the gateway's retry, one alert (also across a slot edge)
        ("2026-11-20T08:00:00+00:00", "2026-11-20T08:09:59+00:00", 1),
        ("2026-11-20T08:09:59+00:00", "2026-11-20T08:10:01+00:00", 1),
    ],
)
def test_rapidpro_body_without_id_is_a_retry_only_within_the_window(
    channel_of: Callable[[str], Any], first: str, second: str, alerts: int
) -> None:
    channel, secret = channel_of("rapidpro")
    with _at(first):
        one = post_rapidpro(channel, secret, rapidpro_body())
    with _at(second):
        two = post_rapidpro(channel, secret, rapidpro_body())
    assert one.status_code == two.status_code == 200, two.content
    assert Alert.objects.count() == alerts and SmsDelivery.objects.count() == alerts
    assert two.json()["duplicate"] is (alerts == 1)


def test_rapidpro_run_uuid_is_a_retry_whenever_it_comes_back(
    channel_of: Callable[[str], Any],
) -> None:
    channel, secret = channel_of("rapidpro")
    body = rapidpro_body(run={"uuid": "run-9"})
    with _at("2026-11-20T08:00:00+00:00"):
        post_rapidpro(channel, secret, body)
    with _at("2026-11-21T08:00:00+00:00"):
        again = post_rapidpro(channel, secret, body)
    assert again.json()["duplicate"] is True and Alert.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b'{"contact": {"urn": "tel:+224620000001"}, "results": [1], "input": {"text": "x"}}',
            "results",
        ),
        (
            b'{"contact": {"urn": "tel:+224620000001"}, "results": "x", "input": {"text": "x"}}',
            "results",
        ),
        (b'{"contact": {"urn": "tel:+224620000001"}, "results": 3}', "results"),
        (b'{"contact": {"urn": "tel:+224620000001"}, "input": {"text": "a\\ud800b"}}', "UTF-8"),
        (b'{"contact": {"urn": "tel:+224\\udc00"}, "input": {"text": "x"}}', "UTF-8"),
        (
            b'{"contact": {"urn": "tel:+224620000001"}, "results": {"message": {"value": '
            b'"\\ud800"}}}',
            "UTF-8",
        ),
        (
            b'{"contact": {"urn": "tel:+224620000001"}, "results": {"\\ud800": {"value": "x"}}}',
            "UTF-8",
        ),
        (
            b'{"contact": {"urn": "tel:+224620000001"}, "results": {"m": {"value": "a\\u0000"}}}',
            "results.m",
        ),
    ],
)
def test_malformed_rapidpro_bodies_get_a_clear_400(
    channel_of: Callable[[str], Any], raw: bytes, expected: str
) -> None:
    channel, secret = channel_of("rapidpro")
    response = post_rapidpro(channel, secret, None, raw=raw)
    assert response.status_code == 400, response.content
    assert expected in response.json()["detail"]
    assert not Alert.objects.exists() and not SmsDelivery.objects.exists()


@pytest.mark.parametrize("kind", ["rapidpro", "africastalking"])
def test_oversized_body_gets_a_json_400_before_it_is_read(
    kind: str, channel_of: Callable[[str], Any]
) -> None:
    channel, secret = channel_of(kind)
    big = b"x" * (3 * 1024 * 1024)  # past Django's own limit (2.5 MB) as well
    if kind == "rapidpro":
        response = post_rapidpro(channel, secret, None, raw=big)
    else:
        response = post_at(channel, secret, big)
    assert response.status_code == 400
    assert "64" in response.json()["detail"]


def test_africastalking_secret_never_reaches_the_logs(
    channel_of: Callable[[str], Any], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The address given to the administrator carries the secret outside the path: gunicorn's
    access log (``%(U)s``, the path) and Django's 400/429 warnings never write it."""
    import logging
    from urllib.parse import urlsplit

    from django.test import RequestFactory

    from egide.interop.views import _webhook_url

    settings.EGIDE_SMS_RATE_PER_NUMBER = "1/hour"
    channel, secret = channel_of("africastalking")
    given = urlsplit(_webhook_url(RequestFactory().get("/"), channel, secret))
    assert secret not in given.path
    address = f"{given.path}?{given.query}"
    with caplog.at_level(logging.DEBUG):
        form = "application/x-www-form-urlencoded"
        ok = Client().post(address, urlencode(at_form(id="a1")), content_type=form)
        bad = Client().post(address, urlencode(at_form(date="hier")), content_type=form)
        limited = Client().post(address, urlencode(at_form(id="a2")), content_type=form)
    assert (ok.status_code, bad.status_code, limited.status_code) == (200, 400, 429)
    assert "Bad Request" in caplog.text and "Too Many Requests" in caplog.text
    assert secret not in caplog.text


def test_scheduled_job_forgets_the_number_index_past_the_rate_window(
    channel_of: Callable[[str], Any], settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from egide.jobs.schedule import schedule_tick
    from egide.jobs.services import job_run

    settings.EGIDE_SMS_RATE_PER_NUMBER = "2/hour"
    channel, secret = channel_of("africastalking")
    for i in range(2):
        post_at(channel, secret, urlencode(at_form(id=f"old{i}")))
    SmsDelivery.objects.update(received_at=timezone.now() - timedelta(minutes=61))
    post_at(channel, secret, urlencode(at_form(id="new")))
    assert "interop.sms_index_expire" in schedule_tick()
    from egide.jobs.models import Job

    job_run(job_id=Job.objects.get(kind="interop.sms_index_expire").pk)
    kept = dict(SmsDelivery.objects.values_list("message_id", "sender_index"))
    assert kept["old0"] == kept["old1"] == "" and kept["new"] != ""
    assert SmsDelivery.objects.get(message_id="old0").sender == NUMBER  # the number stays
    # the rate limit still counts the recent one
    assert post_at(channel, secret, urlencode(at_form(id="new2"))).status_code == 200
    assert post_at(channel, secret, urlencode(at_form(id="new3"))).status_code == 429


def test_rate_limited_message_is_kept_and_audited(
    channel_of: Callable[[str], Any], settings: Any
) -> None:
    settings.EGIDE_SMS_RATE_PER_NUMBER = "1/hour"
    channel, secret = channel_of("africastalking")
    assert post_at(channel, secret, urlencode(at_form(id="m1"))).status_code == 200
    refused = post_at(channel, secret, urlencode(at_form(id="m2", text="ALERTE encore")))
    assert refused.status_code == 429
    kept = SmsDelivery.objects.get(message_id="m2")
    assert kept.alert is None and kept.text == "ALERTE encore" and kept.sender == NUMBER
    event = AuditEvent.objects.get(action="sms.rate_limited")
    assert event.object_id == str(kept.pk)
    # the gateway's retry of the refused message: refused again, kept once
    assert post_at(channel, secret, urlencode(at_form(id="m2"))).status_code == 429
    assert SmsDelivery.objects.count() == 2 and Alert.objects.count() == 1


@pytest.mark.parametrize(
    "senders",
    [
        ["+224620000001", "224620000001", "+224 620 00 00 01"],
        ["00224620000001", "+224-620-000-001", "+224620000001"],
    ],
)
def test_one_number_written_differently_counts_once_for_the_rate(
    channel_of: Callable[[str], Any], settings: Any, senders: list[str]
) -> None:
    settings.EGIDE_SMS_RATE_PER_NUMBER = "2/hour"
    channel, secret = channel_of("africastalking")
    codes = [
        post_at(channel, secret, urlencode(at_form(id=f"m{i}", **{"from": sender}))).status_code
        for i, sender in enumerate(senders)
    ]
    assert codes == [200, 200, 429]


def test_rapidpro_urn_schemes_count_as_one_number(
    channel_of: Callable[[str], Any], settings: Any
) -> None:
    settings.EGIDE_SMS_RATE_PER_NUMBER = "2/hour"
    channel, secret = channel_of("rapidpro")
    codes = []
    for i, urn in enumerate(["tel:+224620000001", "whatsapp:224620000001", "tel:+224 620000001"]):
        body = rapidpro_body(run={"uuid": f"run-{i}"})
        body["contact"]["urn"] = urn
        codes.append(post_rapidpro(channel, secret, body).status_code)
    assert codes == [200, 200, 429]


@pytest.mark.parametrize("urn", ["tel:", "tel: ", "tel:+", ":"])
def test_empty_sender_is_refused(channel_of: Callable[[str], Any], urn: str) -> None:
    channel, secret = channel_of("rapidpro")
    body = rapidpro_body()
    body["contact"]["urn"] = urn
    response = post_rapidpro(channel, secret, body)
    assert response.status_code == 400 and "contact.urn" in response.json()["detail"]
    at_channel, at_secret = channel_of("africastalking")
    response = post_at(at_channel, at_secret, urlencode(at_form(**{"from": "+"})))
    assert response.status_code == 400 and "from" in response.json()["detail"]
    assert not SmsDelivery.objects.exists()
