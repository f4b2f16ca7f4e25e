"""No raw code reaches a person: the main pages, rendered in French as each persona, show
labels, never the codes behind them (`open`, `case_code`, `sex: female`, `alert.raised`).

The list of codes grows by itself: every choice key of every model of the project, every
field name with an underscore, and every audit action code. Ordinary French words that
happen to be codes (``police``, ``radio``…) are allowed by name. Text inside ``<code>`` (the
audit page's technical details) marked ``translate="no"`` is exempt: it is code on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egide.accounts import roles
from egide.accounts.models import User
from egide.audit.labels import ACTION_LABELS
from tests.forms_filled import YESTERDAY, labe, referral_ctx
from tests.personas import login_verified

# Codes that are also ordinary French words, or language codes shown as such.
FRENCH_WORDS = {"dialogue", "documents", "en", "fr", "police", "public", "radio", "un"}
FRENCH_WORDS |= {"possible", "met", "sent", "normal", "urgent", "services", "psychosocial"}
FRENCH_WORDS |= {"protection"}  # the French word too (policy measures: protection / empowerment)


def raw_codes() -> set[str]:
    """Choice keys (that differ from their French label), field names with an underscore, the
    keys of the data a referral carries, and audit action codes."""
    codes: set[str] = set()
    with translation.override("fr"):
        for model in apps.get_models():
            if not model.__module__.startswith("egide."):
                continue
            for field in model._meta.get_fields():
                if "_" in field.name and not field.name.startswith("_"):
                    codes.add(field.name)
                for key, label in getattr(field, "choices", None) or []:
                    if isinstance(key, str) and key.lower() != str(label).lower():
                        codes.add(key)
    codes |= {"case_code", "first_name", "last_name", "full_name", "age_band", "actor_type"}
    codes |= set(ACTION_LABELS)
    return {c for c in codes if len(c) > 1} - FRENCH_WORDS


class VisibleText(HTMLParser):
    """The text a person sees: text nodes (outside script, style and ``translate="no"``
    elements), placeholders and button values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "title") or (
            tag == "code" and values.get("translate") == "no"
        ):
            self.hidden += 1
            self.stack.append(tag)
        if values.get("placeholder"):
            self.parts.append(values["placeholder"] or "")
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


TOKEN = re.compile(r"[A-Za-z_][\w.\-]*[\w]|[A-Za-z_]")


def raw_codes_in(html: str, codes: set[str]) -> list[str]:
    found = []
    for token in TOKEN.findall(visible_text(html)):
        if token in codes:
            found.append(token)
    return sorted(set(found))


def test_raw_code_list_is_built_from_the_models() -> None:
    codes = raw_codes()
    assert {"open", "female", "case_code", "first_name", "alert.raised", "pre"} <= codes
    assert "police" not in codes
    html = "<p>papier pre</p><p>sexe : female</p><code translate=no>case.viewed</code>"
    html += "<p>post-test</p><code>alert.raised</code>"
    assert raw_codes_in(html, codes) == ["alert.raised", "female", "pre"]


def test_every_audit_action_has_a_label() -> None:
    """Every `action="x.y"` the code base records has words on the audit page."""
    root = Path(__file__).resolve().parents[1] / "src" / "egide"
    used = set()
    for path in root.rglob("*.py"):
        if "/tests/" in str(path):
            continue
        used |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    missing = used - set(ACTION_LABELS)
    assert not missing, f"Audit actions without a label in egide/audit/labels.py: {missing}"


def _world(persona: Callable[[str], User]) -> dict[str, Any]:
    """A case with a status history, consents, needs, a referral with shared data, a screening,
    an alert, a training session with tests and audit events — all fictitious."""
    from egide.cases.services import alert_raise, case_change_status, case_update_identity
    from egide.screening.contract import parse_input
    from egide.screening.services import assessment_create
    from egide.training.services import participant_register, session_create, tests_prepare

    worker = persona(roles.CASE_WORKER)
    ctx = referral_ctx(persona)
    case = ctx["case"]
    case_update_identity(actor=worker, case=case, sex="female", birth_year=2009)
    case_change_status(actor=worker, case=case, to_status="services")
    referral = ctx["referral"]
    from egide.referrals.services import referral_send

    second = referral_send(
        actor=worker,
        case=case,
        need=ctx["need"],
        service=ctx["service"],
        urgency="normal",
        shared_fields=["first_name", "sex", "age", "phone"],
        message="Arrivée demain (fictif)",
    )
    assessment = assessment_create(
        actor=worker,
        case=case,
        data=parse_input({"person": {"age": 16, "sex": "female"}, "indicators": ["act.recruited"]}),
        interview={},
        worker_agrees=True,
    )
    alert = alert_raise(
        actor=worker,
        region=labe(),
        seen_on=YESTERDAY,
        person_description="fille d'environ 13 ans (fictive)",
        what_was_seen="porte des charges lourdes (fictif)",
        urgency="urgent",
        child_concerned=True,
    )
    trainer = persona(roles.TRAINER)
    session = session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier (fictif)",
        modules=["M1"],
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
        region=labe(),
    )
    participant_register(
        actor=trainer,
        session=session,
        full_name="Nènè Sylla",
        sex="female",
        age_band="25_59",
        actor_type="cso",
    )
    tests_prepare(actor=trainer, session=session)
    return {
        "case": case,
        "referral": referral,
        "second": second,
        "assessment": assessment,
        "alert": alert,
        "session": session,
    }


def _dhis2(world: dict[str, Any], page: str) -> str:
    """The DHIS2 page with a mapping of each kind, and a push refused with conflicts."""
    from egide.dhis2.models import ElementMapping, OrgUnitMapping, PeriodMapping, Push

    if "dhis2_push" not in world:
        PeriodMapping.objects.create(period_type="quarterly", dhis2_format="yyyyQn")
        OrgUnitMapping.objects.create(area="GN-L", org_unit="oULabe00001")
        ElementMapping.objects.create(
            indicator="II.6", disaggregation="age_band=u18;sex=female", data_element="dEvIcTiMs01"
        )
        summary = {"status": "WARNING", "imported": 1, "updated": 0, "ignored": 1, "deleted": 0,
                   "description": "Import process completed successfully",
                   "conflicts": [{"object": "uNkNoWn0001", "value": "Data element not found",
                                  "error_code": "E7610", "property": "dataElement"}]}  # fmt: skip
        world["dhis2_push"] = Push.objects.create(
            period="2024Q3",
            status=Push.Status.REJECTED,
            dry_run=summary,
            unmapped_total=1,
            unmapped=[
                {
                    "indicator": "II.6",
                    "area": "GN-L",
                    "disaggregation": "sex=male",
                    "reason": "no_element",
                }
            ],  # fmt: skip
            error="DHIS2 a refusé 1 valeur(s) (fictif).",
        )
    if page == "push":
        return reverse("dhis2:push", args=[world["dhis2_push"].pk])
    return reverse("dhis2:home")


PAGES: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
    (roles.CASE_WORKER, "home", lambda w: reverse("core:home")),
    (roles.CASE_WORKER, "cases", lambda w: reverse("cases:list")),
    (roles.CASE_WORKER, "case", lambda w: reverse("cases:detail", args=[w["case"].pk])),
    (roles.CASE_WORKER, "identity", lambda w: reverse("cases:identity", args=[w["case"].pk])),
    (roles.CASE_WORKER, "refer", lambda w: reverse("cases:refer", args=[w["case"].pk])),
    (roles.CASE_WORKER, "referrals", lambda w: reverse("referrals:list")),
    (roles.CASE_WORKER, "alerts", lambda w: reverse("cases:alert_list")),
    (roles.CASE_WORKER, "screenings", lambda w: reverse("screening:list")),
    (
        roles.CASE_WORKER,
        "screening",
        lambda w: reverse("screening:detail", args=[w["assessment"].pk]),
    ),
    (roles.SERVICE_PROVIDER, "home", lambda w: reverse("core:home")),
    (roles.SERVICE_PROVIDER, "inbox", lambda w: reverse("referrals:list")),
    (
        roles.SERVICE_PROVIDER,
        "referral",
        lambda w: reverse("referrals:detail", args=[w["second"].pk]),
    ),
    (roles.CASE_SUPERVISOR, "alert", lambda w: reverse("cases:alert_detail", args=[w["alert"].pk])),
    (roles.CASE_SUPERVISOR, "case", lambda w: reverse("cases:detail", args=[w["case"].pk])),
    (roles.TRAINER, "session", lambda w: reverse("training:session", args=[w["session"].pk])),
    (roles.TRAINER, "sessions", lambda w: reverse("training:list")),
    (roles.MIGRANT_AMBASSADOR, "home", lambda w: reverse("core:home")),
    (roles.MIGRANT_AMBASSADOR, "dialogue", lambda w: reverse("outreach:dialogue_create")),
    (roles.COORDINATOR, "reach", lambda w: reverse("outreach:reach")),
    (roles.COORDINATOR, "ambassadors", lambda w: reverse("outreach:ambassadors")),
    (roles.COORDINATOR, "monitoring", lambda w: reverse("monitoring:dashboard")),
    (roles.ANALYST, "objective", lambda w: reverse("monitoring:objective", args=["ii"])),
    (roles.ANALYST, "indicator", lambda w: reverse("monitoring:indicator", args=["G.1"])),
    (roles.ANALYST, "region", lambda w: reverse("monitoring:region", args=["GN-L"])),
    (roles.ADMINISTRATOR, "dhis2", lambda w: _dhis2(w, "home")),
    (roles.COORDINATOR, "dhis2 push", lambda w: _dhis2(w, "push")),
    (roles.ANALYST, "home", lambda w: reverse("core:home")),
    (roles.ADMINISTRATOR, "audit", lambda w: reverse("audit:list")),
    (roles.ADMINISTRATOR, "profile", lambda w: reverse("accounts:profile")),
    (roles.CASE_WORKER, "directory", lambda w: reverse("directory:list")),
]


@pytest.mark.django_db
def test_main_pages_in_french_show_no_raw_code(persona: Callable[[str], User]) -> None:
    world = _world(persona)
    codes = raw_codes()
    problems = {}
    for role, name, url in PAGES:
        client = login_verified(Client(HTTP_ACCEPT_LANGUAGE="fr"), persona(role))
        response = client.get(url(world))
        assert response.status_code == 200, (role, name, response.status_code)
        found = raw_codes_in(response.content.decode(), codes)
        if found:
            problems[f"{role} {name}"] = found
    assert not problems, f"Raw codes shown to people: {problems}"


@pytest.mark.django_db
def test_interview_steps_in_french_show_no_raw_code(persona: Callable[[str], User]) -> None:
    from egide.screening import interview

    client = login_verified(Client(), persona(roles.CASE_WORKER))
    step = client.get(reverse("screening:interview"))
    codes = raw_codes()
    assert raw_codes_in(step.content.decode(), codes) == []
    # The first step is answered at the interview's address, which starts the draft.
    started = client.post(
        reverse("screening:interview"),
        {"go": "next", "consent": "yes", "interview_language": "fr", "sex": "female"},
    )
    draft_url = started["Location"].split("#")[0].rsplit("/", 2)[0]
    client.post(f"{draft_url}/movement/", {"go": "next", "crossed_border": "no"})
    for key in interview.STEP_KEYS[2:]:
        page = client.get(f"{draft_url}/{key}/").content.decode()
        assert raw_codes_in(page, codes) == [], key
        assert "(S)" not in page and "(M)" not in page and "(W)" not in page
        client.post(f"{draft_url}/{key}/", {"go": "next"})
