"""Filled submissions of the policy forms: framework reviews, the tracker, the validation
workshop, human-security analyses (analysts and coordinators edit; all data fictitious)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from egide.accounts import roles
from tests.forms_filled import Ctx, Entry, Persona, labe, labe_prefecture, url

# --- set-ups ----------------------------------------------------------------------------------


def _ref(persona: Persona) -> Ctx:
    from egide.policy.models import Element, Institution, Provision
    from egide.policy.reference import ensure_reference

    ensure_reference()
    return {
        "analyst": persona(roles.ANALYST),
        "element": Element.objects.order_by("code").first(),
        "other_element": Element.objects.order_by("code").last(),
        "provision": Provision.objects.filter(instrument__kind="national").order_by("code").first(),
        "institution": Institution.objects.get(code="cnltppa"),
    }


def _review(persona: Persona) -> Ctx:
    from egide.policy.services import review_create

    ctx = _ref(persona)
    review = review_create(
        actor=ctx["analyst"], title="Revue 2024 (fictive)", year=2024, held_on=date(2024, 10, 1)
    )
    return {**ctx, "pk": review.pk, "review": review}


def _confirm(persona: Persona) -> Ctx:
    ctx = _ref(persona)
    return {**ctx, "kind": "institution", "pk": ctx["institution"].pk}


def _workshop_session(persona: Persona) -> Ctx:
    from egide.training.services import session_create

    ctx = _review(persona)
    session = session_create(
        actor=persona(roles.COORDINATOR),
        kind="workshop",
        modules=["M4"],
        title="Validation de la revue 2024 (fictive)",
        start_date=date(2024, 11, 4),
        end_date=date(2024, 11, 5),
    )
    return {**ctx, "session": session}


def _seat(persona: Persona) -> Ctx:
    from egide.policy.services import workshop_create
    from egide.training.services import participant_register

    ctx = _workshop_session(persona)
    workshop = workshop_create(
        actor=ctx["analyst"],
        review=ctx["review"],
        title="Atelier de validation 2024 (fictif)",
        held_on=date(2024, 11, 4),
        session=ctx["session"],
    )
    enrollment = participant_register(
        actor=persona(roles.COORDINATOR),
        session=ctx["session"],
        full_name="Aïssatou Bangoura",
        sex="female",
        age_band="25_59",
        actor_type="cso",
        organisation_name="ONG Horizon (fictive)",
        is_fictitious=True,
    )
    return {**ctx, "pk": workshop.pk, "workshop": workshop, "enrollment": enrollment}


def _item(persona: Persona, validated: bool = False) -> Ctx:
    from egide.policy.services import item_create, item_validate, workshop_create

    ctx = _review(persona)
    workshop = workshop_create(
        actor=ctx["analyst"],
        review=ctx["review"],
        title="Atelier de validation 2024 (fictif)",
        held_on=date(2024, 11, 4),
    )
    item = item_create(
        actor=ctx["analyst"],
        kind="recommendation",
        text="Adopter le décret d’application de la loi (fictif)",
        proposed_on=date(2024, 10, 1),
        review=ctx["review"],
        elements=[ctx["element"]],
    )
    if validated:
        item_validate(actor=ctx["analyst"], item=item, workshop=workshop, outcome="validated")
    return {**ctx, "pk": item.pk, "item": item, "workshop": workshop}


def _validated_item(persona: Persona) -> Ctx:
    return _item(persona, validated=True)


def _compare(persona: Persona) -> Ctx:
    from egide.policy.services import assessment_record, review_create

    ctx = _review(persona)
    later = review_create(
        actor=ctx["analyst"], title="Revue 2025 (fictive)", year=2025, held_on=date(2025, 10, 1)
    )
    for review, status in ((ctx["review"], "gap"), (later, "compliant")):
        assessment_record(
            actor=ctx["analyst"],
            review=review,
            element=ctx["element"],
            status=status,
            provisions=[],
            evidence="Rapport annuel (fictif)",
            reasoning="Constat de l’équipe (fictif)",
        )
    return {**ctx, "later": later}


def _analysis_of(ctx: Ctx, region: Any, title: str, prefecture: Any = None) -> Any:
    from egide.policy.reports import BOUNDARY_VERSION
    from egide.policy.services import analysis_create

    return analysis_create(
        actor=ctx["analyst"],
        region=region,
        prefecture=prefecture,
        boundary_version=BOUNDARY_VERSION,
        title=title,
        kind="baseline",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
    )


def _baseline(persona: Persona) -> Ctx:
    ctx = _ref(persona)
    baseline = _analysis_of(ctx, labe(), "Référence Labé 2024 (fictive)", labe_prefecture())
    return {**ctx, "baseline": baseline}


def _two_regions(persona: Persona) -> Ctx:
    from egide.core.models import Region

    ctx = _ref(persona)
    _analysis_of(ctx, labe(), "Sécurité humaine Labé (fictive)")
    _analysis_of(ctx, Region.objects.get(code="GN-K"), "Sécurité humaine Kankan (fictive)")
    return ctx


def _analysis(persona: Persona, insecurities: int = 0) -> Ctx:
    from egide.policy.services import EvidenceInput, insecurity_add

    ctx = _ref(persona)
    analysis = _analysis_of(ctx, labe(), "Sécurité humaine Labé (fictive)")
    found = [
        insecurity_add(
            actor=ctx["analyst"],
            analysis=analysis,
            dimension=dimension,
            description=f"Insécurité {dimension} (fictive)",
            severity=4,
            likelihood=3,
            affected_groups="jeunes filles (fictif)",
            method="survey",
            evidence=[EvidenceInput("Indicateur (fictif)", "12 %", "Enquête (fictive)", "2024")],
        )
        for dimension in ("economic", "personal")[:insecurities]
    ]
    return {**ctx, "pk": analysis.pk, "analysis": analysis, "insecurities": found}


def _one_insecurity(persona: Persona) -> Ctx:
    return _analysis(persona, insecurities=1)


def _two_insecurities(persona: Persona) -> Ctx:
    return _analysis(persona, insecurities=2)


# --- checks -----------------------------------------------------------------------------------


def _check_confirm(ctx: Ctx, response: Any) -> None:
    institution = type(ctx["institution"]).objects.get(pk=ctx["pk"])
    assert institution.confirmed_source == "Journal officiel, décret 2024 (fictif)"
    assert institution.confirmed_by == ctx["analyst"]


def _check_review(ctx: Ctx, response: Any) -> None:
    from egide.policy.models import Review

    review = Review.objects.get()
    assert response["Location"] == reverse("policy:review", args=[review.pk])
    assert (review.title, review.year, str(review.held_on)) == (
        "Revue nationale 2025 (fictive)",
        2025,
        "2025-10-01",
    )


def _check_workshop(ctx: Ctx, response: Any) -> None:
    workshop = ctx["review"].workshops.get()
    assert (workshop.title, str(workshop.held_on), workshop.venue) == (
        "Atelier de validation 2024 (fictif)",
        "2024-11-04",
        "Hôtel de ville, Labé (fictif)",
    )
    assert workshop.session == ctx["session"]


def _check_assessment(ctx: Ctx, response: Any) -> None:
    assessment = ctx["review"].assessments.get()
    assert (assessment.element, assessment.status) == (ctx["element"], "partial")
    assert list(assessment.provisions.all()) == [ctx["provision"]]
    assert assessment.evidence == "Code pénal, article cité (fictif)"
    assert assessment.reasoning == "La peine peut être remplacée par une amende (fictif)."


def _check_recommendation(ctx: Ctx, response: Any) -> None:
    item = ctx["review"].recommendations.get()
    assert (item.kind, item.text, item.priority) == (
        "recommendation",
        "Former les magistrats de Labé (fictif)",
        "high",
    )
    assert set(item.elements.all()) == {ctx["element"], ctx["other_element"]}
    assert item.institution == ctx["institution"]
    assert (str(item.proposed_on), str(item.deadline)) == ("2024-10-02", "2025-06-30")


def _check_validate(ctx: Ctx, response: Any) -> None:
    item = type(ctx["item"]).objects.get(pk=ctx["pk"])
    assert (item.status, item.validation, item.validation_note) == (
        "validated",
        "amended",
        "Amendée en plénière (fictif)",
    )
    assert item.workshop == ctx["workshop"]


def _check_assign(ctx: Ctx, response: Any) -> None:
    item = type(ctx["item"]).objects.get(pk=ctx["pk"])
    assert (item.institution, str(item.deadline), item.priority) == (
        ctx["institution"],
        "2025-06-30",
        "low",
    )


def _check_progress(ctx: Ctx, response: Any) -> None:
    item = type(ctx["item"]).objects.get(pk=ctx["pk"])
    assert item.status == "in_progress"
    update = item.updates.order_by("-pk").first()
    assert (str(update.on), update.from_status, update.to_status) == (
        "2024-12-02",
        "validated",
        "in_progress",
    )
    assert update.note == "Projet de décret rédigé (fictif)"
    assert update.evidence == "Compte rendu du 2 décembre (fictif)"


def _check_seat(ctx: Ctx, response: Any) -> None:
    from egide.policy.models import WorkshopSeat

    seat = WorkshopSeat.objects.get()
    assert (seat.workshop, seat.enrollment) == (ctx["workshop"], ctx["enrollment"])
    assert seat.institution == ctx["institution"]
    assert (seat.organisation_name, seat.function) == ("ONG Horizon (fictive)", "Juriste")


def _check_compare(ctx: Ctx, response: Any) -> None:
    body = response.content.decode()
    assert f'data-testid="change-{ctx["element"].code}">+100' in body


def _check_region(ctx: Ctx, response: Any) -> None:
    body = response.content.decode()
    assert 'data-locality="Labé"' in body and 'data-locality="Kankan"' not in body


def _check_analysis(ctx: Ctx, response: Any) -> None:
    from egide.policy.models import Analysis

    analysis = Analysis.objects.get(kind="follow_up")
    assert response["Location"] == reverse("policy:analysis", args=[analysis.pk])
    assert analysis.locality.region == labe() and analysis.locality.prefecture == labe_prefecture()
    assert (analysis.title, analysis.baseline) == ("Suivi Labé 2025 (fictif)", ctx["baseline"])
    assert (str(analysis.period_start), str(analysis.period_end)) == ("2025-01-01", "2025-06-30")


def _check_insecurity(ctx: Ctx, response: Any) -> None:
    insecurity = ctx["analysis"].insecurities.get()
    assert (insecurity.dimension, insecurity.severity, insecurity.likelihood) == ("food", 5, 2)
    assert insecurity.description == "Soudure longue dans les villages (fictif)"
    assert (insecurity.affected_groups, insecurity.method) == ("ménages ruraux", "focus_group")
    evidence = insecurity.evidence.get()
    assert (evidence.indicator, evidence.value, evidence.source, evidence.observed) == (
        "Ménages en insécurité alimentaire",
        "18 %",
        "Enquête SMART (fictive)",
        "2024",
    )


def _check_link(ctx: Ctx, response: Any) -> None:
    economic, personal = ctx["insecurities"]
    assert list(economic.links.all()) == [personal]


def _check_driver(ctx: Ctx, response: Any) -> None:
    driver = ctx["insecurities"][0].drivers.get()
    assert driver.purpose == "forced_begging"
    assert driver.description == "Les enfants confiés mendient pour le maître (fictif)."


def _check_capacity(ctx: Ctx, response: Any) -> None:
    capacity = ctx["analysis"].capacities.get()
    assert capacity.description == "Comité local de protection (fictif)"
    assert capacity.institution == ctx["institution"]
    assert capacity.provider is None and capacity.team is None


def _check_measure(ctx: Ctx, response: Any) -> None:
    item = ctx["analysis"].measures.get()
    assert (item.kind, item.text, item.feasibility, item.priority) == (
        "empowerment",
        "Activités génératrices de revenus (fictif)",
        4,
        "medium",
    )
    assert item.insecurity == ctx["insecurities"][0] and item.institution == ctx["institution"]
    assert (str(item.proposed_on), str(item.deadline)) == ("2024-10-02", "2025-03-31")


INSECURITY = {
    "dimension": "food",
    "description": "Soudure longue dans les villages (fictif)",
    "severity": "5",
    "likelihood": "2",
    "affected_groups": "ménages ruraux",
    "method": "focus_group",
    "evidence_indicator": "Ménages en insécurité alimentaire",
    "evidence_value": "18 %",
    "evidence_source": "Enquête SMART (fictive)",
    "evidence_observed": "2024",
}

ENTRIES: dict[str, Entry] = {
    "egide.policy.forms.ConfirmForm": Entry(
        persona=roles.ANALYST,
        setup=_confirm,
        url=url("policy:confirm", kind="kind", pk="pk"),
        values=lambda ctx: {"source": "Journal officiel, décret 2024 (fictif)"},
        status=(302,),
        check=_check_confirm,
    ),
    "egide.policy.forms.ReviewForm": Entry(
        persona=roles.COORDINATOR,
        setup=_ref,
        url=lambda ctx: reverse("policy:review_create"),
        values=lambda ctx: {
            "title": "Revue nationale 2025 (fictive)",
            "year": "2025",
            "held_on": "2025-10-01",
        },
        status=(302,),
        check=_check_review,
    ),
    "egide.policy.forms.WorkshopForm": Entry(
        persona=roles.COORDINATOR,
        setup=_workshop_session,
        url=url("policy:workshop_create", pk="pk"),
        values=lambda ctx: {
            "title": "Atelier de validation 2024 (fictif)",
            "held_on": "2024-11-04",
            "venue": "Hôtel de ville, Labé (fictif)",
            "session": ctx["session"].pk,
        },
        status=(302,),
        check=_check_workshop,
    ),
    "egide.policy.forms.AssessmentForm": Entry(
        persona=roles.ANALYST,
        setup=_review,
        url=url("policy:assess", pk="pk"),
        values=lambda ctx: {
            "element": ctx["element"].code,
            "status": "partial",
            "provisions": [ctx["provision"].pk],
            "evidence": "Code pénal, article cité (fictif)",
            "reasoning": "La peine peut être remplacée par une amende (fictif).",
        },
        status=(302,),
        check=_check_assessment,
    ),
    "egide.policy.forms.RecommendationForm": Entry(
        persona=roles.ANALYST,
        setup=_review,
        url=url("policy:recommendation_create", pk="pk"),
        values=lambda ctx: {
            "text": "Former les magistrats de Labé (fictif)",
            "elements": [ctx["element"].pk, ctx["other_element"].pk],
            "institution": ctx["institution"].pk,
            "proposed_on": "2024-10-02",
            "deadline": "2025-06-30",
            "priority": "high",
        },
        status=(302,),
        check=_check_recommendation,
    ),
    "egide.policy.forms.ValidateForm": Entry(
        persona=roles.COORDINATOR,
        setup=_item,
        url=lambda ctx: reverse("policy:item_action", args=[ctx["pk"], "validate"]),
        values=lambda ctx: {
            "workshop": ctx["workshop"].pk,
            "outcome": "amended",
            "note": "Amendée en plénière (fictif)",
        },
        status=(302,),
        check=_check_validate,
    ),
    "egide.policy.forms.AssignForm": Entry(
        persona=roles.ANALYST,
        setup=_item,
        url=lambda ctx: reverse("policy:item_action", args=[ctx["pk"], "assign"]),
        values=lambda ctx: {
            "institution": ctx["institution"].pk,
            "deadline": "2025-06-30",
            "priority": "low",
        },
        status=(302,),
        check=_check_assign,
    ),
    "egide.policy.forms.ProgressForm": Entry(
        persona=roles.ANALYST,
        setup=_validated_item,
        url=lambda ctx: reverse("policy:item_action", args=[ctx["pk"], "progress"]),
        values=lambda ctx: {
            "on": "2024-12-02",
            "status": "in_progress",
            "note": "Projet de décret rédigé (fictif)",
            "evidence": "Compte rendu du 2 décembre (fictif)",
        },
        status=(302,),
        check=_check_progress,
    ),
    "egide.policy.forms.SeatForm": Entry(
        persona=roles.COORDINATOR,
        setup=_seat,
        url=url("policy:workshop_seat", pk="pk"),
        values=lambda ctx: {
            "enrollment": ctx["enrollment"].pk,
            "institution": ctx["institution"].pk,
            "organisation_name": "ONG Horizon (fictive)",
            "function": "Juriste",
        },
        status=(302,),
        check=_check_seat,
    ),
    "egide.policy.forms.CompareForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_compare,
        url=lambda ctx: reverse("policy:compare"),
        method="get",
        values=lambda ctx: {"first": ctx["review"].pk, "second": ctx["later"].pk},
        status=(200,),
        check=_check_compare,
    ),
    "egide.policy.forms.RegionFilterForm": Entry(
        persona=roles.ANALYST,
        setup=_two_regions,
        url=lambda ctx: reverse("policy:analyses"),
        method="get",
        values=lambda ctx: {"region": "GN-L"},
        status=(200,),
        check=_check_region,
    ),
    "egide.policy.forms.AnalysisForm": Entry(
        persona=roles.ANALYST,
        setup=_baseline,
        url=lambda ctx: reverse("policy:analysis_create"),
        values=lambda ctx: {
            "region": "GN-L",
            "prefecture": labe_prefecture().pk,
            "title": "Suivi Labé 2025 (fictif)",
            "kind": "follow_up",
            "baseline": ctx["baseline"].pk,
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
        },
        status=(302,),
        check=_check_analysis,
    ),
    "egide.policy.forms.InsecurityForm": Entry(
        persona=roles.ANALYST,
        setup=_analysis,
        url=lambda ctx: reverse("policy:analysis_add", args=[ctx["pk"], "insecurity"]),
        values=lambda ctx: INSECURITY,
        status=(302,),
        check=_check_insecurity,
    ),
    "egide.policy.forms.LinkForm": Entry(
        persona=roles.ANALYST,
        setup=_two_insecurities,
        url=lambda ctx: reverse("policy:analysis_add", args=[ctx["pk"], "link"]),
        values=lambda ctx: {
            "source": ctx["insecurities"][0].pk,
            "target": ctx["insecurities"][1].pk,
        },
        status=(302,),
        check=_check_link,
    ),
    "egide.policy.forms.DriverForm": Entry(
        persona=roles.COORDINATOR,
        setup=_one_insecurity,
        url=lambda ctx: reverse("policy:analysis_add", args=[ctx["pk"], "driver"]),
        values=lambda ctx: {
            "insecurity": ctx["insecurities"][0].pk,
            "purpose": "forced_begging",
            "description": "Les enfants confiés mendient pour le maître (fictif).",
        },
        status=(302,),
        check=_check_driver,
    ),
    "egide.policy.forms.CapacityForm": Entry(
        persona=roles.ANALYST,
        setup=_analysis,
        url=lambda ctx: reverse("policy:analysis_add", args=[ctx["pk"], "capacity"]),
        values=lambda ctx: {
            "description": "Comité local de protection (fictif)",
            "institution": ctx["institution"].pk,
        },
        exempt={
            "provider": "a capacity is tied to one of provider, team or institution (the "
            "service refuses two; its test covers the refusal)",
            "team": "a capacity is tied to one of provider, team or institution",
        },
        status=(302,),
        check=_check_capacity,
    ),
    "egide.policy.forms.MeasureForm": Entry(
        persona=roles.ANALYST,
        setup=_one_insecurity,
        url=lambda ctx: reverse("policy:analysis_add", args=[ctx["pk"], "measure"]),
        values=lambda ctx: {
            "kind": "empowerment",
            "text": "Activités génératrices de revenus (fictif)",
            "insecurity": ctx["insecurities"][0].pk,
            "feasibility": "4",
            "institution": ctx["institution"].pk,
            "proposed_on": "2024-10-02",
            "deadline": "2025-03-31",
            "priority": "medium",
        },
        status=(302,),
        check=_check_measure,
    ),
}
