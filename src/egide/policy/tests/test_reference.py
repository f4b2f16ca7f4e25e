"""The reference data: every instrument, provision and legal fact has a source; every unverified
item is shown with its « à vérifier » mark until an analyst confirms it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.html import escape

from egide.policy import reference
from egide.policy.models import ElementFact, Institution, Instrument, Provision
from egide.policy.services import item_confirm


def _all_files() -> list[dict[str, Any]]:
    return [reference.framework_data(), reference.humansecurity_data()]


@pytest.mark.parametrize("data", _all_files(), ids=["framework", "humansecurity"])
def test_every_fact_has_a_known_source_and_a_verification_mark(data: dict[str, Any]) -> None:
    items = reference.facts(data)
    assert items
    for where, item in items:
        key = item.get("source")
        assert key, f"{where} has no source"
        assert key in data["sources"], f"{where}: unknown source {key!r}"
        assert data["sources"][key].strip(), f"{where}: empty citation"
        assert item.get("verification") in reference.VERIFICATIONS, where


def test_framework_covers_the_required_elements_and_instruments() -> None:
    data = reference.framework_data()
    codes = {e["code"] for e in data["elements"]}
    assert len(codes) >= 15
    kinds = {i["kind"] for i in data["instruments"]}
    assert kinds == {"international", "regional", "national", "bilateral"}
    provisions = {
        reference.provision_code(i["code"], p["article"])
        for i in data["instruments"]
        for p in i["provisions"]
    }
    for e in data["elements"]:
        assert set(e["standards"]) <= provisions, e["code"]
        assert set(e["national"]) <= provisions, e["code"]
        assert e["standards"], e["code"]


@pytest.mark.django_db
def test_research_unverified_items_are_loaded_as_unverified() -> None:
    # Section G of the research notes: the 2023 law number and the P029 status are unverified.
    assert Provision.objects.get(code="tip_law_2023:numéro L/2023/0013/CNT").to_verify
    assert Instrument.objects.get(code="ilo_p029").guinea_to_verify
    assert Provision.objects.get(code="palermo:7").to_verify


def _marked(html: str, text: str) -> bool:
    """True when the list item that shows *text* carries the « à vérifier » mark."""
    at = html.find(escape(text))
    assert at >= 0, text
    start = html.rfind("<li>", 0, at)
    end = html.find("</li>", at)
    return 'data-testid="to-verify"' in html[start:end]


@pytest.mark.django_db
def test_unverified_items_are_shown_with_their_mark(analyst: Any, client_as: Any) -> None:
    with translation.override("fr"):
        html = (
            client_as(analyst)
            .get("/policy/instruments/", HTTP_ACCEPT_LANGUAGE="fr")
            .content.decode()
        )
    unverified = Provision.objects.filter(verification="unverified")
    assert unverified.count() >= 5
    for p in unverified:
        assert _marked(html, p.summary_fr[:40]), p.code
    verified = Provision.objects.get(code="untoc:24")
    assert not _marked(html, verified.summary_fr[:40])
    marks = len(re.findall(r'data-testid="to-verify"', html))
    expected = (
        unverified.count()
        + Instrument.objects.filter(verification="unverified").count()
        + Instrument.objects.filter(guinea_verification="unverified").count()
    )
    assert marks == expected
    assert html.count('data-testid="to-verify">à vérifier</span>') == expected


@pytest.mark.django_db
def test_unverified_facts_are_marked_on_the_matrix(analyst: Any, client_as: Any) -> None:
    from egide.policy.models import Review

    review = Review.objects.create(title="Revue test", year=2023, held_on="2023-11-01")
    html = client_as(analyst).get(f"/policy/reviews/{review.pk}/").content.decode()
    fact = ElementFact.objects.filter(verification="unverified").first()
    assert fact is not None
    at = html.index(escape(fact.text_fr[:40]))
    assert 'data-testid="to-verify"' in html[at : at + len(fact.text_fr) + 200]


@pytest.mark.django_db
def test_an_analyst_confirms_an_item_with_a_source(analyst: Any, client_as: Any) -> None:
    provision = Provision.objects.get(code="palermo:7")
    client = client_as(analyst)
    response = client.post(f"/policy/confirm/provision/{provision.pk}/", {"source": ""})
    assert response.status_code == 400
    provision.refresh_from_db()
    assert provision.to_verify
    response = client.post(
        f"/policy/confirm/provision/{provision.pk}/",
        {"source": "UNTC, texte officiel du Protocole, art. 7 (consulté)"},
    )
    assert response.status_code == 302
    provision.refresh_from_db()
    assert not provision.to_verify
    assert provision.confirmed_by == analyst
    html = client.get("/policy/instruments/").content.decode()
    assert not _marked(html, provision.summary_fr[:40])


@pytest.mark.django_db
def test_reference_loading_is_idempotent_and_keeps_confirmations(analyst: Any) -> None:
    p = Provision.objects.get(code="palermo:7")
    item_confirm(actor=analyst, item=p, source="UNTC (test)")
    counts = (Instrument.objects.count(), Provision.objects.count(), Institution.objects.count())
    reference.ensure_reference()
    assert counts == (
        Instrument.objects.count(),
        Provision.objects.count(),
        Institution.objects.count(),
    )
    p.refresh_from_db()
    assert p.confirmed_source == "UNTC (test)"


@pytest.mark.django_db
def test_a_confirmed_fact_loses_its_mark_on_the_matrix(analyst: Any, client_as: Any) -> None:
    from egide.policy.models import Review

    review = Review.objects.create(title="Revue test", year=2023, held_on="2023-11-01")
    fact = ElementFact.objects.filter(verification="unverified").first()
    assert fact is not None
    client = client_as(analyst)
    url = f"/policy/reviews/{review.pk}/"
    assert f"/policy/confirm/fact/{fact.pk}/" in client.get(url).content.decode()
    response = client.post(
        f"/policy/confirm/fact/{fact.pk}/", {"source": "Journal officiel (test)"}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    at = html.index(escape(fact.text_fr[:40]))
    assert 'data-testid="to-verify"' not in html[at : at + len(fact.text_fr) + 200]
