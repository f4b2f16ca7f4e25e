"""Which months of the summary (``egide.monitoring.facts``) a change makes stale.

Saving or deleting a record an indicator counts marks, in ``DirtyMonth`` and in the same
transaction, the month of its date (old and new), and the months of the records whose counts
read it: a case's sex, age, child flag or region is counted with its alerts, referrals and
consents; a participant's with their attendances and workshop seats; a need's type with its
referrals; a screening with its case's opening; and the first alert and first service of a case
make the month of its first service (II.5). A change that leaves every counted field as it was
marks nothing. Records created with ``bulk_create`` are marked through
``core.signals.bulk_created`` (every alert: ``alerts_raise_many``); other bulk changes that bypass
``save`` call ``mark_case`` / ``mark_months`` (and the nightly rebuild catches anything else).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from egide.core.signals import bulk_created
from egide.monitoring.facts import month_of


def mark_months(values: Iterable[date | datetime | None]) -> None:
    """Mark the months of *values* (dates or datetimes; None ignored) as changed."""
    from egide.monitoring.models import DirtyMonth

    months = {m for m in (month_of(v) for v in values) if m is not None}
    if months:
        DirtyMonth.objects.bulk_create([DirtyMonth(month=m) for m in sorted(months)])


def _case_months(case_ids: Iterable[int | None], *, related: bool = True) -> list[Any]:
    """A case's dated events: opening and closing; with *related*, its alerts, referrals and
    withdrawn consents too."""
    from egide.cases.models import Alert, Case, Consent
    from egide.referrals.models import Referral

    ids = [i for i in case_ids if i is not None]
    if not ids:
        return []
    out: list[Any] = []
    for opened, closed in Case.objects.filter(pk__in=ids).values_list("opened_at", "closed_at"):
        out += [opened, closed]
    if related:
        out += list(Alert.objects.filter(case_id__in=ids).datetimes("created_at", "month"))
        for field in ("created_at", "delivered_at"):
            out += list(Referral.objects.filter(case_id__in=ids).datetimes(field, "month"))
        out += list(Consent.objects.filter(case_id__in=ids).datetimes("withdrawn_at", "month"))
    return out


def _first_service_months(case_ids: Iterable[int | None]) -> list[Any]:
    """Every month a case was served in (one of them is its first service's)."""
    from egide.referrals.models import Referral

    ids = [i for i in case_ids if i is not None]
    if not ids:
        return []
    return list(Referral.objects.filter(case_id__in=ids).datetimes("delivered_at", "month"))


def mark_case(case_id: int | None) -> None:
    """Everything counted of one case (after a bulk change to its screenings, say)."""
    mark_months(_case_months([case_id]))


def _training_months(
    *, enrollments: Any = None, participant: Any = None, session: Any = None
) -> list[Any]:
    """The days of the attendances, and the workshops of the seats, of some enrollments."""
    from egide.policy.models import WorkshopSeat
    from egide.training.models import Attendance

    filters: dict[str, Any] = {}
    if enrollments is not None:
        filters["enrollment_id__in"] = enrollments
    if participant is not None:
        filters["enrollment__participant_id"] = participant
    if session is not None:
        filters["enrollment__session_id"] = session
    out: list[Any] = list(Attendance.objects.filter(**filters).dates("day", "month"))
    out += list(WorkshopSeat.objects.filter(**filters).dates("workshop__held_on", "month"))
    if session is not None:
        from egide.policy.models import Workshop

        out += list(Workshop.objects.filter(session_id=session).dates("held_on", "month"))
    return out


# --- per model: the fields counted, and the months a change to them touches -----------------


def _case(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    related = any(old.get(f) != new.get(f) for f in ("sex", "child", "birth_year", "region_id"))
    return [
        old.get("opened_at"),
        old.get("closed_at"),
        new["opened_at"],
        new["closed_at"],
        *(_case_months([new["id"]]) if related and old else []),
    ]


def _alert(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    months = [old.get("created_at"), new["created_at"]]
    if old.get("created_at") != new["created_at"] or old.get("case_id") != new["case_id"]:
        months += _first_service_months([old.get("case_id"), new["case_id"]])
    return months


def _referral(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    months = [old.get("created_at"), new["created_at"], old.get("delivered_at")]
    months.append(new["delivered_at"])
    if old.get("delivered_at") != new["delivered_at"] or old.get("case_id") != new["case_id"]:
        months += _first_service_months([old.get("case_id"), new["case_id"]])
    return months


def _need(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    from egide.referrals.models import Referral

    if not old:
        return []  # a new need has no referral yet
    return list(Referral.objects.filter(need_id=new["id"]).datetimes("delivered_at", "month"))


def _consent(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return [old.get("withdrawn_at"), new["withdrawn_at"]]


def _assessment(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return _case_months([old.get("case_id"), new["case_id"]], related=False)


def _purpose(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    from egide.screening.models import Assessment

    ids = {old.get("assessment_id"), new["assessment_id"]} - {None}
    cases = Assessment.objects.filter(pk__in=ids).values_list("case_id", flat=True)
    return _case_months(list(cases), related=False)


def _attendance(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return [old.get("day"), new["day"]]


def _enrollment(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return _training_months(enrollments=[new["id"]]) if old else []


def _participant(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return _training_months(participant=new["id"]) if old else []


def _session(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return _training_months(session=new["id"]) if old else []


def _workshop(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return [old.get("held_on"), new["held_on"]]


def _seat(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    from egide.policy.models import Workshop

    ids = {old.get("workshop_id"), new["workshop_id"]} - {None}
    return list(Workshop.objects.filter(pk__in=ids).values_list("held_on", flat=True))


def _dialogue(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return [old.get("held_on"), new["held_on"]]


@dataclass(frozen=True)
class Watched:
    model: str  # app_label.ModelName
    fields: tuple[str, ...]  # what the indicators read of it ("id" first)
    months: Any  # (old values or {}, new values) -> dates whose months changed


def _watched() -> list[Watched]:
    from egide.outreach.models import REACH_FIELDS

    reach = tuple(f for f, _s, _a in REACH_FIELDS)
    return [
        Watched(
            "cases.Case",
            (
                "id",
                "opened_at",
                "closed_at",
                "status",
                "closure_reason",
                "sex",
                "child",
                "birth_year",
                "region_id",
            ),
            _case,
        ),
        Watched(
            "cases.Alert",
            ("id", "created_at", "triaged_at", "due_at", "region_id", "case_id"),
            _alert,
        ),
        Watched(
            "referrals.Referral",
            (
                "id",
                "created_at",
                "delivered_at",
                "answered_at",
                "due_at",
                "status",
                "case_id",
                "need_id",
            ),
            _referral,
        ),
        Watched("cases.Need", ("id", "need_type"), _need),
        Watched("cases.Consent", ("id", "withdrawn_at", "purpose", "case_id"), _consent),
        Watched(
            "screening.Assessment",
            ("id", "case_id", "worker_level", "trafficking_level"),
            _assessment,
        ),
        Watched("screening.AssessmentPurpose", ("id", "assessment_id", "purpose"), _purpose),
        Watched("training.Attendance", ("id", "day", "present", "enrollment_id"), _attendance),
        Watched("training.Enrollment", ("id", "participant_id", "session_id"), _enrollment),
        Watched("training.Participant", ("id", "sex", "age_band", "actor_type"), _participant),
        Watched("training.TrainingSession", ("id", "kind", "region_id"), _session),
        Watched("policy.Workshop", ("id", "held_on", "session_id"), _workshop),
        Watched("policy.WorkshopSeat", ("id", "workshop_id", "enrollment_id"), _seat),
        Watched(
            "outreach.Dialogue",
            ("id", "held_on", "region_id", "community_leaders", "religious_leaders", *reach),
            _dialogue,
        ),
    ]


_OLD = "_monitoring_old"


def _values(instance: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(instance, "pk" if f == "id" else f) for f in fields}


def connect() -> None:
    """Connect the receivers (from ``MonitoringConfig.ready``)."""
    from django.apps import apps

    for w in _watched():
        model = apps.get_model(w.model)

        def before(
            sender: Any, instance: Model, raw: bool = False, w: Watched = w, **kw: Any
        ) -> None:
            old: dict[str, Any] = {}
            if instance.pk is not None and not raw:
                found = sender._default_manager.filter(pk=instance.pk).values(*w.fields).first()
                old = found or {}
            setattr(instance, _OLD, old)

        def after(
            sender: Any,
            instance: Model,
            created: bool = False,
            raw: bool = False,
            w: Watched = w,
            **kw: Any,
        ) -> None:
            if raw:
                return
            old = getattr(instance, _OLD, {})
            new = _values(instance, w.fields)
            if old and all(old.get(f) == new[f] for f in w.fields):
                return  # nothing the indicators read has changed
            mark_months(w.months(old, new))

        def deleted(sender: Any, instance: Model, w: Watched = w, **kw: Any) -> None:
            values = _values(instance, w.fields)
            # As if its dates were cleared: the months it was counted in, and those of the
            # records whose counts it took part in (a case's first alert or service).
            gone = {k: None if isinstance(v, date) else v for k, v in values.items()}
            mark_months(w.months(values, gone))

        def bulk(sender: Any, instances: Iterable[Model], w: Watched = w, **kw: Any) -> None:
            # Created with bulk_create (no post_save): each is new, as a save without old values.
            months: list[Any] = []
            for instance in instances:
                months += w.months({}, _values(instance, w.fields))
            mark_months(months)

        uid = f"monitoring-{w.model}"
        pre_save.connect(before, sender=model, weak=False, dispatch_uid=uid)
        post_save.connect(after, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=uid)
        bulk_created.connect(bulk, sender=model, weak=False, dispatch_uid=uid)
