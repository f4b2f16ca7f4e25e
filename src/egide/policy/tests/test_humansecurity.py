"""Human security analysis: Labé with insecurities, drivers, capacities, ranked measures; the
heat map and its table; Égide's own evidence with small counts hidden; bad input; the API."""

from __future__ import annotations

import html
from datetime import date, datetime, time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from egide.accounts import roles
from egide.accounts.models import Organisation
from egide.core.models import Region
from egide.policy import services
from egide.policy.models import Analysis, Capacity, Driver, Insecurity, Institution, TrackerItem
from egide.policy.tests.conftest import fr

pytestmark = pytest.mark.django_db

INSECURITY = {
    "dimension": "personal",
    "description": "Enfants contraints à la mendicité (test)",
    "severity": "5",
    "likelihood": "4",
    "affected_groups": "enfants talibés",
    "method": "focus_group",
    "evidence_indicator": "Enfants de 5 à 14 ans qui travaillent",
    "evidence_value": "31,2 %",
    "evidence_source": "MICS5 2016 via dol.gov ILAB",
    "evidence_observed": "2016",
}


def _labe(client: Client) -> Analysis:
    year = timezone.localdate().year
    response = fr(
        client,
        "/policy/analyses/new/",
        {
            "region": "GN-L",
            "prefecture": "",
            "title": "Sécurité humaine — Labé (test)",
            "kind": "baseline",
            "baseline": "",
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
        },
        post=True,
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Analysis.objects.get()


@pytest.fixture
def labe(analyst_client: Client, policy_ref: None) -> Analysis:
    return _labe(analyst_client)


def _add(client: Client, analysis: Analysis, what: str, data: dict[str, Any]) -> Any:
    return fr(client, f"/policy/analyses/{analysis.pk}/add/{what}/", data, post=True)


def test_labe_analysis_end_to_end(
    analyst_client: Client, labe: Analysis, labe_org: Organisation
) -> None:
    from egide.directory.models import Service
    from egide.outreach.models import Team

    Service.objects.create(provider=labe_org, need_type="shelter", name="Accueil (test)")
    team = Team.objects.create(name="Équipe Labé (test)", region=Region.objects.get(code="GN-L"))
    rows = [
        ("personal", "5", "4"),
        ("economic", "4", "4"),
        ("food", "3", "2"),
    ]
    for dim, sev, lik in rows:
        data = {
            **INSECURITY,
            "dimension": dim,
            "severity": sev,
            "likelihood": lik,
            "description": f"Insécurité {dim} (test)",
        }
        assert _add(analyst_client, labe, "insecurity", data).status_code == 302
    personal, economic, food = Insecurity.objects.order_by("id")
    assert (
        _add(
            analyst_client, labe, "link", {"source": economic.pk, "target": personal.pk}
        ).status_code
        == 302
    )
    assert list(economic.links.all()) == [personal]
    assert (
        _add(
            analyst_client,
            labe,
            "driver",
            {
                "insecurity": personal.pk,
                "purpose": "forced_begging",
                "description": "Les enfants confiés mendient pour le maître (test).",
            },
        ).status_code
        == 302
    )
    assert Driver.objects.get().purpose == "forced_begging"
    assert (
        _add(
            analyst_client,
            labe,
            "capacity",
            {
                "description": "Centre d'accueil de l'annuaire (test)",
                "provider": labe_org.pk,
                "team": "",
                "institution": "",
            },
        ).status_code
        == 302
    )
    assert (
        _add(
            analyst_client,
            labe,
            "capacity",
            {
                "description": "Deux liens à la fois",
                "provider": labe_org.pk,
                "team": team.pk,
                "institution": Institution.objects.get(code="oprogem").pk,
            },
        ).status_code
        == 400
    )
    assert Capacity.objects.get().provider == labe_org
    for kind, text, ins, feas in (
        ("empowerment", "Écoles coraniques sans mendicité (test)", personal, "3"),
        ("protection", "Patrouilles OPROGEM (test)", food, "5"),
    ):
        assert (
            _add(
                analyst_client,
                labe,
                "measure",
                {
                    "kind": kind,
                    "text": text,
                    "insecurity": ins.pk,
                    "feasibility": feas,
                    "institution": Institution.objects.get(code="cnltppa").pk,
                    "proposed_on": "2024-01-10",
                    "deadline": "2024-12-31",
                    "priority": "high",
                },
            ).status_code
            == 302
        )
    page = fr(analyst_client, f"/policy/analyses/{labe.pk}/").content.decode()
    # Ranked: 5×4×3 = 60 first, then 3×2×5 = 30; the formula is on the page.
    assert page.index("5 × 4 × 3 = 60") < page.index("3 × 2 × 5 = 30")
    assert "gravité × probabilité de l’insécurité visée × faisabilité" in html.unescape(page)
    assert "Mendicité forcée" in page
    assert labe_org.name in html.unescape(page)
    # The measures are in the one tracker with the recommendations.
    assert TrackerItem.objects.filter(analysis=labe).count() == 2
    tracker = fr(analyst_client, "/policy/tracker/", {"kind": "measure"}).content.decode()
    assert "Patrouilles OPROGEM (test)" in tracker
    heat = fr(analyst_client, "/policy/analyses/", {"region": "GN-L"}).content.decode()
    assert "<svg" in heat and "<script" not in heat
    row = heat[heat.index('data-locality="Labé"') :]
    row = row[: row.index("</tr>")]
    cells = [c for c in row.split('<td data-label="')[1:]]
    values = [c.split(">", 1)[1].split("<", 1)[0] for c in cells]
    assert values == ["16", "6", "—", "—", "20", "—", "—"]
    assert "Labé — Personnelle: 20" in heat  # the SVG cell's title


def test_evidence_panel_hides_small_counts(
    analyst_client: Client, labe: Analysis, persona: Any
) -> None:
    from egide.cases.services import alert_raise

    ambassador = persona(roles.MIGRANT_AMBASSADOR)

    def raise_alerts(n: int) -> None:
        for _ in range(n):
            alert_raise(
                actor=ambassador,
                region=Region.objects.get(code="GN-L"),
                seen_on=timezone.localdate(),
                person_description="enfant (fictif)",
                what_was_seen="mendicité (fictif)",
                urgency="urgent",
                child_concerned=True,
            )

    raise_alerts(3)
    page = fr(analyst_client, f"/policy/analyses/{labe.pk}/").content.decode()
    assert 'data-testid="ev-alerts">&lt;5<' in page
    raise_alerts(4)
    page = fr(analyst_client, f"/policy/analyses/{labe.pk}/").content.decode()
    assert 'data-testid="ev-alerts">7<' in page


@pytest.mark.parametrize("severity", ["0", "6"])
def test_severity_outside_one_to_five_is_refused(
    analyst_client: Client, labe: Analysis, severity: str
) -> None:
    response = _add(analyst_client, labe, "insecurity", {**INSECURITY, "severity": severity})
    assert response.status_code == 400
    assert "Donnez une note de 1 à 5." in response.content.decode()
    assert not Insecurity.objects.exists()


def test_empty_evidence_source_is_refused(analyst_client: Client, labe: Analysis) -> None:
    response = _add(analyst_client, labe, "insecurity", {**INSECURITY, "evidence_source": " "})
    assert response.status_code == 400
    assert "Indiquez la source de l" in html.unescape(response.content.decode())
    assert not Insecurity.objects.exists()


def test_unknown_locality_is_refused(analyst_client: Client, policy_ref: None) -> None:
    response = fr(
        analyst_client,
        "/policy/analyses/new/",
        {
            "region": "GN-ZZ",
            "prefecture": "",
            "title": "x",
            "kind": "baseline",
            "baseline": "",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        },
        post=True,
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Analysis.objects.exists()


def test_follow_up_compares_to_its_baseline(
    analyst: Any, analyst_client: Client, labe: Analysis
) -> None:
    ev = [services.EvidenceInput("ind", "1", "source", "2024")]
    services.insecurity_add(
        actor=analyst,
        analysis=labe,
        dimension="economic",
        description="d",
        severity=4,
        likelihood=4,
        affected_groups="g",
        method="survey",
        evidence=ev,
    )
    follow = services.analysis_create(
        actor=analyst,
        region=labe.locality.region,
        prefecture=None,
        boundary_version="ISO 3166-2:GN",
        title="Labé suivi (test)",
        kind="follow_up",
        baseline=labe,
        period_start=date(2030, 1, 1),
        period_end=date(2030, 12, 31),
    )
    services.insecurity_add(
        actor=analyst,
        analysis=follow,
        dimension="economic",
        description="d",
        severity=3,
        likelihood=3,
        affected_groups="g",
        method="survey",
        evidence=ev,
    )
    page = fr(analyst_client, f"/policy/analyses/{follow.pk}/").content.decode()
    table = page[page.index('data-testid="baseline"') :]
    assert "<td>16</td><td>9</td><td>-7</td>" in table


def test_reports_of_an_analysis(analyst_client: Client, labe: Analysis) -> None:
    import subprocess

    _add(analyst_client, labe, "insecurity", INSECURITY)
    pdf = analyst_client.get(f"/policy/analyses/{labe.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="fr")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Enfants contraints" in text and "MICS5" in text
    xlsx = analyst_client.get(f"/policy/analyses/{labe.pk}/report.xlsx")
    assert xlsx.status_code == 200


def test_api_refuses_bad_input_with_the_field_named(analyst_client: Client, labe: Analysis) -> None:
    url = f"/api/v1/policy/analyses/{labe.pk}/insecurities/"
    body = {
        "dimension": "personal",
        "description": "d",
        "severity": 6,
        "likelihood": 3,
        "affected_groups": "g",
        "method": "survey",
        "evidence": [{"indicator": "i", "value": "1", "source": "s", "date": "2024"}],
    }
    r = analyst_client.post(url, body, content_type="application/json")
    assert r.status_code == 400 and "severity" in r.json()["errors"]
    r = analyst_client.post(
        url,
        {**body, "severity": 3, "evidence": [{**body["evidence"][0], "source": ""}]},
        content_type="application/json",
    )
    assert r.status_code == 400 and "evidence_source" in r.json()["errors"]
    r = analyst_client.post(
        "/api/v1/policy/analyses/999999/insecurities/",
        {**body, "severity": 3},
        content_type="application/json",
    )
    assert r.status_code == 400 and "analysis" in r.json()["errors"]
    assert not Insecurity.objects.exists()
    r = analyst_client.get("/api/v1/policy/analyses/", {"region": "GN-ZZ"})
    assert r.status_code == 400 and "region" in r.json()["errors"]
    r = analyst_client.get("/api/v1/policy/tracker/", {"status": "en_cours"})
    assert r.status_code == 400 and "status" in r.json()["errors"]
    r = analyst_client.get("/api/v1/policy/tracker/", {"institution": "nope"})
    assert r.status_code == 400 and "institution" in r.json()["errors"]
    r = analyst_client.get("/api/v1/policy/tracker/", {"element": "nope"})
    assert r.status_code == 400 and "element" in r.json()["errors"]
    assert analyst_client.get("/api/v1/policy/tracker/", {"element": "penalties"}).json() == []
    r = analyst_client.post(url, {**body, "severity": 3}, content_type="application/json")
    assert r.status_code == 201
    detail = analyst_client.get(f"/api/v1/policy/analyses/{labe.pk}/").json()
    assert detail["scores"]["personal"] == 9
    assert detail["egide_evidence"]["alerts"] == "0"


def test_no_page_shows_a_name_from_cases(
    analyst: Any, persona: Any, client_as: Any, labe: Analysis
) -> None:
    from egide.cases.services import case_open

    worker = persona(roles.CASE_WORKER)
    case = case_open(
        actor=worker,
        region=Region.objects.get(code="GN-L"),
        owner=worker,
        first_name="Hadiatou",
        last_name="Kourouma",
    )
    assert case.pk
    services.insecurity_add(
        actor=analyst,
        analysis=labe,
        dimension="economic",
        description="d",
        severity=4,
        likelihood=4,
        affected_groups="g",
        method="survey",
        evidence=[services.EvidenceInput("i", "1", "s", "2024")],
    )
    from egide.policy.models import Review

    review = Review.objects.create(title="Revue (test)", year=2023, held_on=date(2023, 1, 1))
    item = services.item_create(
        actor=analyst, kind="recommendation", text="t", proposed_on=date(2023, 1, 2), review=review
    )
    urls = [
        "/policy/",
        "/policy/instruments/",
        "/policy/tracker/",
        "/policy/institutions/",
        "/policy/institutions/oprogem/",
        "/policy/analyses/",
        f"/policy/analyses/{labe.pk}/",
        f"/policy/reviews/{review.pk}/",
        f"/policy/tracker/{item.pk}/",
        f"/api/v1/policy/analyses/{labe.pk}/",
        "/api/v1/policy/tracker/",
    ]
    for who in (analyst, worker):
        client = client_as(who)
        for url in urls:
            body = client.get(url).content.decode()
            assert "Hadiatou" not in body and "Kourouma" not in body, url
            # Case workers see the pages; the analysis counts the case without naming it.
        page = client.get(f"/policy/analyses/{labe.pk}/").content.decode()
        assert "Dossiers ouverts" in page or "Cases opened" in page
    assert Organisation.objects.exists()


def test_follow_up_form_with_every_field(
    analyst: Any, analyst_client: Client, policy_ref: None
) -> None:
    from egide.core.models import Prefecture

    region = Region.objects.get(code="GN-L")
    prefecture = (
        Prefecture.objects.filter(region=region, name="Labé").first() or region.prefectures.first()
    )
    assert prefecture is not None
    baseline = services.analysis_create(
        actor=analyst,
        region=region,
        prefecture=prefecture,
        boundary_version="ISO 3166-2:GN",
        title="Préfecture de Labé 2023 (test)",
        kind="baseline",
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
    )
    response = fr(
        analyst_client,
        "/policy/analyses/new/",
        {
            "region": "GN-L",
            "prefecture": prefecture.pk,
            "title": "Préfecture de Labé 2024 (test)",
            "kind": "follow_up",
            "baseline": baseline.pk,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        },
        post=True,
    )
    assert response.status_code == 302
    follow = Analysis.objects.get(title="Préfecture de Labé 2024 (test)")
    assert follow.baseline == baseline and follow.locality == baseline.locality
    other = Region.objects.get(code="GN-K")
    response = fr(
        analyst_client,
        "/policy/analyses/new/",
        {
            "region": other.code,
            "prefecture": prefecture.pk,
            "title": "Mauvaise préfecture",
            "kind": "baseline",
            "baseline": "",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        },
        post=True,
    )
    assert response.status_code == 400
    assert not Analysis.objects.filter(title="Mauvaise préfecture").exists()


def test_openapi_document_lists_the_policy_endpoints(
    analyst_client: Client, policy_ref: None
) -> None:
    schema = analyst_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/policy/instruments/",
        "/api/v1/policy/reviews/{id}/",
        "/api/v1/policy/analyses/{id}/insecurities/",
    ):
        assert path.replace("{id}", "{pk}") in schema or path in schema, path


def test_pages_render_in_english(analyst: Any, analyst_client: Client, labe: Analysis) -> None:
    analyst.language = "en"
    analyst.save(update_fields=["language"])
    page = analyst_client.get("/policy/instruments/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Defines trafficking by an act, a means and an exploitative purpose" in body


def test_demo_loads_once(policy_ref: None) -> None:
    from egide.core.demo import load_accounts
    from egide.policy.demo import load_policy
    from egide.policy.models import Review, Workshop, WorkshopSeat

    load_accounts()
    load_policy()
    counts = (Review.objects.count(), TrackerItem.objects.count(), Analysis.objects.count())
    load_policy()
    assert counts == (Review.objects.count(), TrackerItem.objects.count(), Analysis.objects.count())
    assert WorkshopSeat.objects.filter(workshop=Workshop.objects.get(is_demo=True)).count() == 33
    recs = TrackerItem.objects.filter(kind="recommendation", is_demo=True)
    assert 13 <= recs.count() <= 17
    assert len(set(recs.values_list("status", flat=True))) == 5
    names = {str(a.locality) for a in Analysis.objects.filter(is_demo=True)}
    assert {"Conakry", "Kankan", "Labé", "Mamou", "Nzérékoré"} <= names
    assert all(
        e.source
        for a in Analysis.objects.all()
        for i in a.insecurities.all()
        for e in i.evidence.all()
    )


def test_evidence_is_counted_on_whole_months_so_periods_a_day_apart_reveal_nothing(
    labe: Analysis, persona: Any
) -> None:
    from egide.cases.models import Alert
    from egide.cases.services import alert_raise
    from egide.policy.selectors import live_evidence

    for _ in range(6):
        alert = alert_raise(
            actor=persona(roles.MIGRANT_AMBASSADOR),
            region=Region.objects.get(code="GN-L"),
            seen_on=timezone.localdate(),
            person_description="adolescente (fictif)",
            what_was_seen="travail domestique (fictif)",
            urgency="normal",
            child_concerned=True,
        )
    # The last alert was raised on the 15th; an analysis ending the 14th and one ending the
    # 15th must not differ by exactly that one alert.
    day = timezone.localdate().replace(day=15)
    Alert.objects.filter(pk=alert.pk).update(
        created_at=timezone.make_aware(datetime.combine(day, time(12)))
    )
    Alert.objects.exclude(pk=alert.pk).update(
        created_at=timezone.make_aware(datetime.combine(day.replace(day=2), time(12)))
    )
    counts = []
    for end in (day.replace(day=14), day):
        labe.period_start, labe.period_end = day.replace(day=1), end
        counts.append(live_evidence(labe)["raw"]["alerts"])
    assert counts == [6, 6]
