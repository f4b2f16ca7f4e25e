"""Writes of the policy module. Each service checks the input, writes in one transaction and
records the audit event in the same transaction. Bad input raises PolicyError naming the field;
nothing is saved then."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.audit.services import audit_record
from egide.policy import rules
from egide.policy.models import (
    Analysis,
    Assessment,
    Capacity,
    Driver,
    Element,
    Evidence,
    Insecurity,
    Institution,
    Locality,
    Provision,
    Review,
    Sourced,
    TrackerItem,
    TrackerUpdate,
    Workshop,
    WorkshopSeat,
)
from egide.screening.catalogue import load_catalogue

OUT_OF_SCALE = _("Give a score from 1 to 5.")
DEADLINE_BEFORE = _("The deadline cannot be before the date the recommendation was proposed.")
EMPTY_SOURCE = _("Name the source of the evidence.")
NO_EVIDENCE = _("Give at least one piece of evidence: indicator, value, source and date.")
UNKNOWN_DIMENSION = _("Choose one of the seven dimensions.")
UNKNOWN_PURPOSE = _("Choose an exploitation purpose of the screening catalogue.")
UNKNOWN_STATUS = _("Unknown assessment.")
MOVE_REFUSED = _("A tracker item cannot go from “%(from)s” to “%(to)s”.")
NOT_NATIONAL = _("Only national provisions or agreements Guinea signed can answer an element.")
EMPTY_TEXT = _("This field cannot be empty.")
NOT_IN_WORKSHOP = _("This person is not registered in the workshop's training record.")
NO_CONFIRMING_SOURCE = _("Name the source that confirms this item.")
PERIOD_ORDER = _("The period cannot end before it starts.")
PREFECTURE_REGION = _("This prefecture is not in the chosen region.")
BASELINE_LOCALITY = _("A follow-up compares to a baseline of the same locality.")
LINK_SELF = _("Link two different insecurities of the same analysis.")
ONE_LINK = _("Link the capacity to at most one provider, team or institution.")


class PolicyError(ValueError):
    """Bad policy data: *field* names the input at fault, the message says what is wrong."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field


def _require(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PolicyError(field, EMPTY_TEXT)
    return value


def _scale(field: str, value: int | None) -> int:
    if value is None or not rules.in_scale(int(value)):
        raise PolicyError(field, OUT_OF_SCALE)
    return int(value)


@transaction.atomic
def item_confirm(*, actor: Any, item: Sourced, source: str) -> Sourced:
    """An analyst confirms a reference item (instrument, provision, fact, institution) with a
    source; it then no longer shows « à vérifier »."""
    source = (source or "").strip()
    if not source:
        raise PolicyError("source", NO_CONFIRMING_SOURCE)
    item.confirmed_source = source
    item.confirmed_by = actor
    item.confirmed_at = timezone.now()
    item.save(update_fields=["confirmed_source", "confirmed_by", "confirmed_at"])
    audit_record(actor=actor, action="policy.reference_confirmed", obj=item)
    return item


@transaction.atomic
def review_create(
    *, actor: Any, title: str, year: int, held_on: date, is_demo: bool = False
) -> Review:
    """Open a review of the framework."""
    review = Review.objects.create(
        title=_require("title", title), year=year, held_on=held_on, is_demo=is_demo
    )
    audit_record(actor=actor, action="policy.review_created", obj=review)
    return review


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    review: Review,
    element: Element,
    status: str,
    provisions: Sequence[Provision],
    evidence: str,
    reasoning: str,
) -> Assessment:
    """Assess one element of a review (replaces the previous assessment of that element)."""
    if status not in rules.ASSESSMENTS:
        raise PolicyError("status", UNKNOWN_STATUS)
    evidence = _require("evidence", evidence)
    reasoning = _require("reasoning", reasoning)
    if any(p.instrument.kind not in {"national", "bilateral"} for p in provisions):
        raise PolicyError("provisions", NOT_NATIONAL)
    assessment, created = Assessment.objects.update_or_create(
        review=review,
        element=element,
        defaults={
            "status": status,
            "evidence": evidence,
            "reasoning": reasoning,
            "assessed_by": actor,
            "assessed_at": timezone.now(),
        },
    )
    assessment.provisions.set(provisions)
    audit_record(
        actor=actor,
        action="policy.element_assessed",
        obj=assessment,
        details={"review": review.pk, "element": element.code, "status": status},
    )
    return assessment


@transaction.atomic
def workshop_create(
    *,
    actor: Any,
    review: Review,
    title: str,
    held_on: date,
    venue: str = "",
    session: Any = None,
    is_demo: bool = False,
) -> Workshop:
    """Record the validation workshop of a review (its people live in the training records)."""
    workshop = Workshop.objects.create(
        review=review,
        title=_require("title", title),
        held_on=held_on,
        venue=venue,
        session=session,
        is_demo=is_demo,
    )
    audit_record(actor=actor, action="policy.workshop_created", obj=workshop)
    return workshop


@transaction.atomic
def item_create(
    *,
    actor: Any,
    kind: str,
    text: str,
    proposed_on: date,
    deadline: date | None = None,
    priority: str = "medium",
    institution: Institution | None = None,
    review: Review | None = None,
    elements: Sequence[Element] = (),
    analysis: Analysis | None = None,
    insecurity: Insecurity | None = None,
    feasibility: int | None = None,
    workshop: Workshop | None = None,
    is_demo: bool = False,
) -> TrackerItem:
    """Add a recommendation or a measure to the tracker (status « proposée »)."""
    text = _require("text", text)
    if deadline is not None and deadline < proposed_on:
        raise PolicyError("deadline", DEADLINE_BEFORE)
    if kind != TrackerItem.Kind.RECOMMENDATION:
        feasibility = _scale("feasibility", feasibility)
        if insecurity is None or analysis is None or insecurity.analysis_id != analysis.pk:
            raise PolicyError("insecurity", EMPTY_TEXT)
    item = TrackerItem.objects.create(
        kind=kind,
        text=text,
        proposed_on=proposed_on,
        deadline=deadline,
        priority=priority,
        institution=institution,
        review=review,
        analysis=analysis,
        insecurity=insecurity,
        feasibility=feasibility,
        workshop=workshop,
        is_demo=is_demo,
        created_by=actor,
    )
    item.elements.set(elements)
    audit_record(actor=actor, action="policy.item_created", obj=item, details={"kind": kind})
    return item


@transaction.atomic
def item_validate(
    *, actor: Any, item: TrackerItem, workshop: Workshop | None, outcome: str, note: str = ""
) -> TrackerItem:
    """Record the workshop's outcome for a proposed item: validated (as drafted or amended)
    moves it to « validée », rejected to « abandonnée »."""
    if outcome not in {"validated", "amended", "rejected"}:
        raise PolicyError("outcome", UNKNOWN_STATUS)
    target = rules.ABANDONED if outcome == "rejected" else rules.VALIDATED
    if not rules.can_move(item.status, target):
        raise PolicyError(
            "outcome",
            MOVE_REFUSED % {"from": item.get_status_display(), "to": target},
        )
    before = item.status
    item.validation = outcome
    item.validation_note = note
    item.workshop = workshop
    item.status = target
    item.save(update_fields=["validation", "validation_note", "workshop", "status"])
    TrackerUpdate.objects.create(
        item=item,
        on=workshop.held_on if workshop else timezone.localdate(),
        from_status=before,
        to_status=target,
        note=note or str(item.get_validation_display()),
        by=actor,
    )
    audit_record(
        actor=actor,
        action="policy.item_validated",
        obj=item,
        details={"outcome": outcome, "workshop": workshop.pk if workshop else None},
    )
    return item


@transaction.atomic
def item_assign(
    *, actor: Any, item: TrackerItem, institution: Institution, deadline: date | None, priority: str
) -> TrackerItem:
    """Give an item its responsible institution, deadline and priority."""
    if deadline is not None and deadline < item.proposed_on:
        raise PolicyError("deadline", DEADLINE_BEFORE)
    before = {"institution": item.institution_id, "deadline": str(item.deadline)}
    item.institution = institution
    item.deadline = deadline
    item.priority = priority
    item.save(update_fields=["institution", "deadline", "priority"])
    audit_record(
        actor=actor,
        action="policy.item_assigned",
        obj=item,
        details={
            "before": before,
            "institution": institution.pk,
            "deadline": str(deadline),
            "priority": priority,
        },
    )
    return item


@transaction.atomic
def item_progress(
    *, actor: Any, item: TrackerItem, on: date, status: str, note: str, evidence: str = ""
) -> TrackerUpdate:
    """Record a dated progress note; *status* may stay the same or move as the tracker allows."""
    note = _require("note", note)
    if status != item.status and not rules.can_move(item.status, status):
        raise PolicyError(
            "status",
            MOVE_REFUSED
            % {
                "from": item.get_status_display(),
                "to": dict(TrackerItem.Status.choices).get(status, status),
            },
        )
    if on < item.proposed_on:
        raise PolicyError("on", DEADLINE_BEFORE)
    update = TrackerUpdate.objects.create(
        item=item,
        on=on,
        from_status=item.status,
        to_status=status,
        note=note,
        evidence=evidence.strip(),
        by=actor,
    )
    item.status = status
    item.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="policy.item_progress",
        obj=item,
        details={"from": update.from_status, "to": status, "update": update.pk},
    )
    return update


@transaction.atomic
def analysis_create(
    *,
    actor: Any,
    region: Any,
    prefecture: Any,
    boundary_version: str,
    title: str,
    kind: str,
    period_start: date,
    period_end: date,
    baseline: Analysis | None = None,
    is_demo: bool = False,
) -> Analysis:
    """Open a human security analysis of a locality (a follow-up names its baseline)."""
    if period_end < period_start:
        raise PolicyError("period_end", PERIOD_ORDER)
    if prefecture is not None and prefecture.region_id != region.pk:
        raise PolicyError("prefecture", PREFECTURE_REGION)
    locality, _created = Locality.objects.get_or_create(
        region=region, prefecture=prefecture, boundary_version=boundary_version
    )
    if baseline is not None and baseline.locality_id != locality.pk:
        raise PolicyError("baseline", BASELINE_LOCALITY)
    analysis = Analysis.objects.create(
        locality=locality,
        title=_require("title", title),
        kind=kind,
        baseline=baseline,
        period_start=period_start,
        period_end=period_end,
        is_demo=is_demo,
        created_by=actor,
    )
    audit_record(actor=actor, action="policy.analysis_created", obj=analysis)
    return analysis


@transaction.atomic
def workshop_seat_record(
    *,
    actor: Any,
    workshop: Workshop,
    enrollment: Any,
    institution: Institution | None,
    organisation_name: str,
    function: str,
) -> WorkshopSeat:
    """Record what a workshop participant (a training enrollment) represented."""
    if workshop.session_id is None or enrollment.session_id != workshop.session_id:
        raise PolicyError("enrollment", NOT_IN_WORKSHOP)
    seat, _created = WorkshopSeat.objects.update_or_create(
        enrollment=enrollment,
        defaults={
            "workshop": workshop,
            "institution": institution,
            "organisation_name": organisation_name.strip(),
            "function": _require("function", function),
        },
    )
    audit_record(
        actor=actor,
        action="policy.workshop_seat_recorded",
        obj=workshop,
        details={"enrollment": enrollment.pk},
    )
    return seat


@dataclass(frozen=True)
class EvidenceInput:
    """One indicator value behind an insecurity."""

    indicator: str
    value: str
    source: str
    observed: str


@transaction.atomic
def insecurity_add(
    *,
    actor: Any,
    analysis: Analysis,
    dimension: str,
    description: str,
    severity: int | None,
    likelihood: int | None,
    affected_groups: str,
    method: str,
    evidence: Sequence[EvidenceInput],
) -> Insecurity:
    """Add an insecurity with its evidence; severity and likelihood are scored 1 to 5."""
    if dimension not in rules.DIMENSIONS:
        raise PolicyError("dimension", UNKNOWN_DIMENSION)
    severity = _scale("severity", severity)
    likelihood = _scale("likelihood", likelihood)
    description = _require("description", description)
    affected_groups = _require("affected_groups", affected_groups)
    if not evidence:
        raise PolicyError("evidence_source", NO_EVIDENCE)
    for ev in evidence:
        if not ev.source.strip():
            raise PolicyError("evidence_source", EMPTY_SOURCE)
        _require("evidence_indicator", ev.indicator)
        _require("evidence_value", ev.value)
        _require("evidence_observed", ev.observed)
    insecurity = Insecurity.objects.create(
        analysis=analysis,
        dimension=dimension,
        description=description,
        severity=severity,
        likelihood=likelihood,
        affected_groups=affected_groups,
        method=method,
    )
    Evidence.objects.bulk_create(
        Evidence(
            insecurity=insecurity,
            indicator=ev.indicator.strip(),
            value=ev.value.strip(),
            source=ev.source.strip(),
            observed=ev.observed.strip(),
        )
        for ev in evidence
    )
    audit_record(
        actor=actor,
        action="policy.insecurity_added",
        obj=insecurity,
        details={"analysis": analysis.pk, "dimension": dimension},
    )
    return insecurity


@transaction.atomic
def insecurity_link(*, actor: Any, source: Insecurity, target: Insecurity) -> None:
    """Record that *source* feeds *target* (same analysis)."""
    if source.pk == target.pk or source.analysis_id != target.analysis_id:
        raise PolicyError("target", LINK_SELF)
    source.links.add(target)
    audit_record(
        actor=actor, action="policy.insecurity_linked", obj=source, details={"to": target.pk}
    )


def purpose_codes() -> dict[str, str]:
    """Exploitation purposes of the current screening catalogue: bare code → French label."""
    catalogue = load_catalogue()
    return {
        i.code.split(".", 1)[1]: i.fr
        for g in catalogue.groups
        if g.kind == "purpose"
        for i in g.indicators
    }


@transaction.atomic
def driver_add(*, actor: Any, insecurity: Insecurity, purpose: str, description: str) -> Driver:
    """Tie an insecurity to the exploitation purpose it feeds."""
    if purpose not in purpose_codes():
        raise PolicyError("purpose", UNKNOWN_PURPOSE)
    driver = Driver.objects.create(
        insecurity=insecurity, purpose=purpose, description=_require("description", description)
    )
    audit_record(
        actor=actor, action="policy.driver_added", obj=driver, details={"purpose": purpose}
    )
    return driver


@transaction.atomic
def capacity_add(
    *,
    actor: Any,
    analysis: Analysis,
    description: str,
    provider: Any = None,
    team: Any = None,
    institution: Institution | None = None,
) -> Capacity:
    """Record a local capacity, tied to a directory provider, an outreach team or an institution."""
    if sum(x is not None for x in (provider, team, institution)) > 1:
        raise PolicyError("provider", ONE_LINK)
    capacity = Capacity.objects.create(
        analysis=analysis,
        description=_require("description", description),
        provider=provider,
        team=team,
        institution=institution,
    )
    audit_record(actor=actor, action="policy.capacity_added", obj=capacity)
    return capacity


@transaction.atomic
def institution_focal_point_set(
    *, actor: Any, institution: Institution, focal_point: str, fictitious: bool = False
) -> Institution:
    """Name the focal point of an institution (a function or a person)."""
    institution.focal_point = focal_point.strip()
    institution.focal_point_fictitious = fictitious
    institution.save(update_fields=["focal_point", "focal_point_fictitious"])
    audit_record(actor=actor, action="policy.focal_point_set", obj=institution)
    return institution
