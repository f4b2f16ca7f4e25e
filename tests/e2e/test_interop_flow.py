"""SMS alert to CPIMS+ on phones: a relay texts "ALERTE LABE URGENT ENFANT …" to the short code
(Africa's Talking posts it to Égide); the Labé supervisor sees the message on the SMS page and
the alert with its reference; a case is opened for the child; the case worker, with the
best-interests determination recorded, refers the case to CPIMS+ (a fake Primero v2 server)
with the ticked fields only, and sees Primero's answer on the page."""

from __future__ import annotations

from datetime import date
from typing import Any

import requests

from egide.accounts import roles
from egide.cases.models import Alert
from egide.cases.services import alert_open_case, consent_record
from egide.core.models import Region
from egide.interop.cpims_rules import DEFAULT_FIELD_MAP
from egide.interop.models import CpimsReferral
from egide.interop.services import cpims_connection_save, sms_channel_create
from egide.interop.tests.fake_primero import FakePrimero
from egide.jobs.services import job_run
from tests.e2e.conftest import login, nav, screenshot
from tests.personas import make_organisation, make_user


def _phone(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, username)
    return page


def test_sms_alert_to_cpims_referral(
    live_server: Any, browser: Any, e2e_data: None, settings: Any
) -> None:
    settings.EGIDE_CPIMS_BACKOFF_SECONDS = 0.0
    settings.EGIDE_CPIMS_ALLOWED_HOSTS = ["127.0.0.1"]  # the fake Primero, on this machine
    base = live_server.url
    ngo = make_organisation("Association Enfance Labé (fictive)", ["GN-L"])
    admin = make_user("admin.labe", roles.ADMINISTRATOR, ngo, first_name="Ibrahima")
    supervisor = make_user("kadiatou.sow", roles.CASE_SUPERVISOR, ngo, ["GN-L"])
    worker = make_user("mariama.bah", roles.CASE_WORKER, ngo, ["GN-L"])
    channel, secret = sms_channel_create(
        actor=admin,
        name="Code court 38383 (fictif)",
        kind="africastalking",
        organisation=ngo,
        default_region=Region.objects.get(code="GN-L"),
    )
    # 1. The relay's SMS reaches Égide through the gateway.
    answer = requests.post(
        f"{base}/interop/sms/africastalking/{channel.public_id}/",
        params={"k": secret},
        data={
            "from": "+224620000321",
            "to": "38383",
            "text": "ALERTE LABE URGENT ENFANT fillette vendue au marché (fictif)",
            "date": "2026-11-20 08:15:00",
            "id": "ATXid_e2e",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    ref = answer.json()["ref"]
    alert = Alert.objects.get()
    assert ref == alert.code and alert.child_concerned is True

    # 2. The supervisor sees the message and its alert.
    page = _phone(browser, base, "kadiatou.sow")
    nav(page, "Signalements par SMS et CPIMS+")
    page.get_by_text("fillette vendue au marché").wait_for()
    page.get_by_role("link", name=ref).click()
    page.get_by_text("Reçu par SMS").first.wait_for()
    screenshot(page, "interop-sms-alert")
    case = alert_open_case(actor=supervisor, alert=alert, owner=worker)
    assert case.child

    # 3. The worker refers the child's case to CPIMS+.
    consent_record(
        actor=worker,
        case=case,
        purpose="cpims",
        decision="best_interests",
        given_by="bid_panel",
        language="pular",
        decided_on=date(2026, 11, 21),
    )
    with FakePrimero() as primero:
        cpims_connection_save(
            actor=admin,
            base_url=primero.url,
            username=primero.state.user_name,
            password=primero.state.password,
            module_id="primeromodule-cp",
            protection_concerns="trafficked",
            field_map=dict(DEFAULT_FIELD_MAP),
            logins_per_minute=3,
            enabled=True,
        )
        page = _phone(browser, base, "mariama.bah")
        page.goto(f"{base}/cases/{case.pk}/")
        page.get_by_role("link", name="Référer au CPIMS+").click()
        page.locator("input[name=fields_sent][value=first_name]").uncheck()
        page.locator("input[name=fields_sent][value=last_name]").uncheck()
        page.locator("input[name=fields_sent][value=sex]").check()
        page.locator("input[name=fields_sent][value=protection_concerns]").check()
        page.get_by_role("button", name="Envoyer au CPIMS+").click()
        page.get_by_text("En attente d’envoi").wait_for()
        referral = CpimsReferral.objects.get(case=case)
        job_run(job_id=referral.job_id)
        page.reload()
        page.get_by_text("Créé dans le CPIMS+").wait_for()
        screenshot(page, "interop-cpims-sent", full_page=True)
        sent = primero.state.cases[str(referral.record_id)]
    assert set(sent) == {"id", "module_id", "protection_concerns"}  # sex unknown: not sent
    assert sent["protection_concerns"] == ["trafficked"]
    assert CpimsReferral.objects.get(case=case).fields == ["protection_concerns"]
