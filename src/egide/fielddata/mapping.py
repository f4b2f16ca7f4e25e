"""Field answers into Égide, through the apps' own services: an alert is raised with
``cases.services.alerts_raise_many`` (the service behind ``alert_raise``: routed to the region's
supervisors and due for triage like any other), a screening is saved with
``screening.services.assessment_create`` (evaluated by the rule set of the form's version), a
dialogue with ``outreach.services.dialogue_record``, an attendance sheet with
``training.services.attendance_record``.

Every check that fails raises :class:`MappingError` with a message a person can act on; the
importer then rejects the submission and keeps its answers to be fixed and re-applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.audit.services import audit_record
from egide.core.limits import check_date, text_limit
from egide.fielddata import xlsforms
from egide.fielddata.records import FormVersion

if TYPE_CHECKING:
    from egide.cases.services import AlertReport


class MappingError(ValueError):
    """The answers cannot become an Égide record; the message says what to fix."""


@dataclass(frozen=True)
class Target:
    type: str
    id: int
    created: bool
    changed: bool = True


def _text(
    data: dict[str, Any], name: str, *, required: bool = False, limit: int | None = None
) -> str:
    value = data.get(name)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise MappingError(_("The answer “%(field)s” is missing.") % {"field": name})
    if limit is not None and len(text) > limit:
        raise MappingError(
            _("The answer “%(field)s” is longer than %(limit)s characters.")
            % {"field": name, "limit": limit}
        )
    return text


def _date(data: dict[str, Any], name: str) -> date:
    raw = _text(data, name, required=True)
    try:
        value = date.fromisoformat(raw[:10])
        check_date(value)
    except (ValueError, ValidationError) as exc:
        raise MappingError(
            _("The date “%(field)s” (%(value)s) is not a valid date.")
            % {"field": name, "value": raw}
        ) from exc
    if value > timezone.localdate():
        raise MappingError(
            _("The date “%(field)s” (%(value)s) is in the future.") % {"field": name, "value": raw}
        )
    return value


def _count(data: dict[str, Any], name: str) -> int:
    raw = data.get(name)
    if raw in (None, ""):
        return 0
    try:
        value = int(str(raw))
    except ValueError as exc:
        raise MappingError(
            _("The count “%(field)s” (%(value)s) is not a whole number.")
            % {"field": name, "value": raw}
        ) from exc
    if value < 0:
        raise MappingError(_("Counts cannot be negative (%(field)s).") % {"field": name})
    return value


# Reference lists read once per import run (reset_caches), not once per submission.
_REGIONS: dict[str, Any] = {}
_PREFECTURES: dict[str, Any] = {}


def reset_caches() -> None:
    _REGIONS.clear()
    _PREFECTURES.clear()


def _region(data: dict[str, Any], name: str = "region", *, required: bool = True) -> Any:
    from egide.core.models import Region

    code = _text(data, name, required=required)
    if not code:
        return None
    if code not in _REGIONS:
        _REGIONS[code] = Region.objects.filter(code=code).first()
    region = _REGIONS[code]
    if region is None:
        raise MappingError(_("The region code “%(code)s” does not exist.") % {"code": code})
    return region


def _prefecture(data: dict[str, Any], region: Any) -> Any:
    from egide.core.models import Prefecture

    code = _text(data, "prefecture")
    if not code:
        return None
    if code not in _PREFECTURES:
        _PREFECTURES[code] = Prefecture.objects.filter(code=code).first()
    prefecture = _PREFECTURES[code]
    if prefecture is None:
        raise MappingError(_("The prefecture code “%(code)s” does not exist.") % {"code": code})
    if region is not None and prefecture.region_id != region.pk:
        raise MappingError(
            _("The prefecture “%(code)s” is not in the region “%(region)s”.")
            % {"code": code, "region": region.code}
        )
    return prefecture


def _choice(
    data: dict[str, Any], name: str, allowed: list[str] | tuple[str, ...], *, required: bool = True
) -> str:
    value = _text(data, name, required=required)
    if value and value not in allowed:
        raise MappingError(
            _("The answer “%(field)s” (%(value)s) is not one of the form's choices.")
            % {"field": name, "value": value}
        )
    return value


TRI = {"yes": True, "no": False, "unknown": None, "": None}


# --- alerts -------------------------------------------------------------------------------------


def _alert_fields(data: dict[str, Any]) -> dict[str, Any]:
    from egide.cases.models import URGENCY_CHOICES

    region = _region(data)
    return {
        "region": region,
        "prefecture": _prefecture(data, region),
        "locality": _text(data, "locality", limit=200),
        "border_point": _text(data, "border_point", limit=200),
        "seen_on": _date(data, "seen_on"),
        "urgency": _choice(data, "urgency", [c for c, _l in URGENCY_CHOICES]),
        "child_concerned": TRI[_choice(data, "child_concerned", list(TRI), required=False)],
        "person_description": _text(
            data,
            "person_description",
            required=True,
            limit=text_limit("cases.Alert.person_description"),
        ),
        "what_was_seen": _text(
            data, "what_was_seen", required=True, limit=text_limit("cases.Alert.what_was_seen")
        ),
    }


ALERT_TARGET = "cases.alert"


def alert_report(user: Any, data: dict[str, Any]) -> AlertReport:
    """The alert that *user*'s answers (by question name, see `leaves`) raise: every check runs
    here, before any write; MappingError says what to fix. The importer raises the alerts of a
    chunk of new submissions together with ``cases.services.alerts_raise_many``."""
    from egide.cases.services import AlertReport

    return AlertReport(actor=user, **_alert_fields(data))


def alert_apply(
    user: Any, data: dict[str, Any], version: FormVersion, target_id: int | None
) -> Target:
    from egide.cases.models import Alert
    from egide.cases.services import alerts_raise_many

    if target_id is None:
        alert = alerts_raise_many(reports=[alert_report(user, data)])[0]
        return Target(ALERT_TARGET, alert.pk, created=True)
    fields = _alert_fields(data)
    alert = Alert.objects.select_for_update().get(pk=target_id)
    if alert.status != Alert.Status.NEW:
        raise MappingError(
            _(
                "Alert %(code)s was already triaged: the edited answers were not applied. "
                "Tell the region's case supervisors what changed."
            )
            % {"code": alert.code}
        )
    changed = [k for k, v in fields.items() if getattr(alert, k) != v]
    if not changed:
        return Target(ALERT_TARGET, alert.pk, created=False, changed=False)
    for name in changed:
        setattr(alert, name, fields[name])
    if "urgency" in changed:
        hours = settings.EGIDE_ALERT_DEADLINE_HOURS[alert.urgency]
        alert.due_at = alert.created_at + timedelta(hours=hours)
    alert.save()
    audit_record(
        actor=user,
        action="alert.updated_from_field",
        obj=alert,
        details={"fields": sorted(changed), "region": alert.region.code},
    )
    return Target(ALERT_TARGET, alert.pk, created=False)


# --- screening ----------------------------------------------------------------------------------


def _codes(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [c for c in str(value).split() if c]


def screening_document(data: dict[str, Any]) -> dict[str, Any]:
    """The screening input document (the CLI/API contract) from the field form's answers,
    as the web interview builds it from its steps' answers."""
    from egide.screening import interview

    age_raw = data.get("age")
    age: Any = None
    if age_raw not in (None, ""):
        try:
            age = int(str(age_raw))
        except ValueError:
            age = str(age_raw)  # parse_input names the problem
    codes = [f"safety.{c}" for c in _codes(data.get("safety"))]
    gbv: list[str] = []
    for step in interview.STEPS[1:]:
        for group in step.groups:
            values = _codes(data.get(group))
            if group == "gbv":
                gbv.extend(values)
            else:
                codes.extend(f"{group}.{c}" for c in values)
    return {
        "person": {
            "age": age,
            "may_be_child": data.get("may_be_child") == "yes",
            "sex": _text(data, "sex") or "unknown",
        },
        "indicators": sorted(set(codes)),
        "movement": {
            k: TRI.get(_text(data, k) or "unknown")
            for k in ("crossed_border", "irregular_entry", "paid_facilitator")
        },
        "gbv": sorted(set(gbv)),
    }


def _screening_input(data: dict[str, Any], version: FormVersion) -> Any:
    from egide.screening.catalogue import load_catalogue
    from egide.screening.contract import InputError, parse_input

    if _text(data, "consent") != "yes":
        raise MappingError(
            _("The person did not give informed consent: the interview is not recorded.")
        )
    try:
        return parse_input(screening_document(data), load_catalogue(version.catalogue))
    except InputError as exc:
        raise MappingError(
            _("Screening answer %(field)s: %(message)s")
            % {"field": exc.field, "message": exc.message}
        ) from exc


def screening_apply(
    user: Any, data: dict[str, Any], version: FormVersion, target_id: int | None
) -> Target:
    from egide.screening.models import Assessment
    from egide.screening.rules import RULE_SET, evaluate
    from egide.screening.services import (
        DeterminationError,
        assessment_create,
        assessment_purposes_store,
    )

    if version.rule_set != RULE_SET:  # version_known() already refused it; kept as a guard
        raise MappingError(_("The form's rule set %(v)s is not known.") % {"v": version.rule_set})
    screening = _screening_input(data, version)
    region = _region(data, required=False)
    agrees_answer = _choice(data, "worker_agrees", ("yes", "no"))
    agrees = agrees_answer == "yes"
    level = "" if agrees else _text(data, "worker_level")
    justification = "" if agrees else _text(data, "justification", limit=2000)
    reference = _text(data, "person_reference", limit=40)
    conditions = {
        "consent": True,
        "interpreter": data.get("interpreter") == "yes",
        "language": _text(data, "interview_language"),
    }
    if target_id is None:
        try:
            assessment = assessment_create(
                actor=user,
                data=screening,
                interview=conditions,
                person_reference=reference,
                region_id=region.pk if region is not None else None,
                worker_agrees=agrees,
                worker_level=level,
                worker_justification=justification,
            )
        except DeterminationError as exc:
            raise MappingError(str(exc)) from exc
        return Target("screening.assessment", assessment.pk, created=True)
    if not agrees and (not level or not justification):
        raise MappingError(_("Explain why you disagree: the justification is required."))
    assessment = Assessment.objects.select_for_update().get(pk=target_id)
    document = json.dumps(screening.as_document(), sort_keys=True)
    if document == assessment.input_json and assessment.worker_agrees == agrees:
        return Target("screening.assessment", assessment.pk, created=False, changed=False)
    result = evaluate(screening, "fr")
    assessment.input_json = document
    assessment.result_json = json.dumps(result, sort_keys=True, ensure_ascii=False)
    assessment.interview_json = json.dumps(conditions, sort_keys=True)
    assessment.person_reference = reference
    assessment.region = region
    assessment.trafficking_level = result["trafficking"]["level"]
    assessment.smuggling_level = result["smuggling"]["level"]
    assessment.gbv_level = result["gbv"]["level"]
    assessment.child = result["child"]
    assessment.urgent = result["urgent"]
    assessment.worker_agrees = agrees
    assessment.worker_level = level
    assessment.worker_justification = justification
    assessment.save()
    assessment_purposes_store(assessment=assessment, result=result)
    audit_record(
        actor=user,
        action="screening.assessment_updated_from_field",
        obj=assessment,
        details={"rule_set": RULE_SET, "level": assessment.trafficking_level},
    )
    return Target("screening.assessment", assessment.pk, created=False)


# --- dialogues ----------------------------------------------------------------------------------


def dialogue_apply(
    user: Any, data: dict[str, Any], version: FormVersion, target_id: int | None
) -> Target:
    from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Ambassador, Dialogue
    from egide.outreach.services import OutreachError, dialogue_record

    region = _region(data)
    fields: dict[str, Any] = {
        "held_on": _date(data, "held_on"),
        "region": region,
        "prefecture": _prefecture(data, region),
        "locality": _text(data, "locality", limit=200),
        "format": _choice(data, "format", [c for c, _l in Dialogue.Format.choices]),
        "topics": _text(data, "topics", required=True, limit=300),
        "language": _text(data, "language", required=True, limit=40),
        "follow_up": _text(data, "follow_up", limit=4000),
    }
    names = [f for f, _s, _a in REACH_FIELDS] + AUDIENCE_FIELDS
    counts = {name: _count(data, name) for name in names}
    if target_id is None:
        ambassador = Ambassador.objects.filter(user=user, is_active=True).first()
        try:
            dialogue = dialogue_record(
                actor=user,
                counts=counts,
                ambassador=ambassador,
                organisation=user.organisation if ambassador is None else ambassador.organisation,
                **fields,
            )
        except OutreachError as exc:
            raise MappingError(str(exc)) from exc
        return Target("outreach.dialogue", dialogue.pk, created=True)
    dialogue = Dialogue.objects.select_for_update().get(pk=target_id)
    wanted = {**fields, **counts}
    changed = [k for k, v in wanted.items() if getattr(dialogue, k) != v]
    if not changed:
        return Target("outreach.dialogue", dialogue.pk, created=False, changed=False)
    for name in changed:
        setattr(dialogue, name, wanted[name])
    dialogue.save()
    audit_record(
        actor=user,
        action="outreach.dialogue_updated_from_field",
        obj=dialogue,
        details={"fields": sorted(changed), "reached": dialogue.reached},
    )
    return Target("outreach.dialogue", dialogue.pk, created=False)


# --- attendance ---------------------------------------------------------------------------------


def attendance_apply(
    user: Any, data: dict[str, Any], version: FormVersion, target_id: int | None
) -> Target:
    from egide.training.models import TrainingSession
    from egide.training.permissions import sessions_visible_to
    from egide.training.services import TrainingError, attendance_record

    raw = _text(data, "session", required=True)
    session = None
    if raw.isdigit():
        session = sessions_visible_to(user, TrainingSession.objects.filter(pk=int(raw))).first()
    if session is None:
        raise MappingError(
            _("Training session %(n)s does not exist or is not one of yours.") % {"n": raw}
        )
    day = _date(data, "day")
    rows = data.get("participants") or []
    if not isinstance(rows, list):
        raise MappingError(_("The participants of the sheet cannot be read."))
    enrolled = set(session.enrollments.values_list("pk", flat=True))
    present: set[int] = set()
    for row in rows:
        number = _text(row, "enrollment", required=True)
        if not number.isdigit() or int(number) not in enrolled:
            raise MappingError(
                _("Participant %(n)s is not registered in session %(s)s.")
                % {"n": number, "s": session.pk}
            )
        if _choice(row, "present", ("yes", "no")) == "yes":
            present.add(int(number))
    try:
        attendance_record(actor=user, session=session, day=day, present_ids=present)
    except TrainingError as exc:
        raise MappingError(str(exc)) from exc
    return Target("training.trainingsession", session.pk, created=target_id is None)


APPLY: dict[str, Callable[[Any, dict[str, Any], FormVersion, int | None], Target]] = {
    xlsforms.ALERT: alert_apply,
    xlsforms.SCREENING: screening_apply,
    xlsforms.DIALOGUE: dialogue_apply,
    xlsforms.ATTENDANCE: attendance_apply,
}


def apply(
    form_id: str, user: Any, data: dict[str, Any], version: FormVersion, target_id: int | None
) -> Target:
    """Create or update the Égide record of one submission, all or nothing: every check here
    runs before any write, and the apps' services undo their own writes when they refuse
    (each is atomic). Runs inside the submission's transaction (``services.submission_apply``)."""
    function = APPLY.get(form_id)
    if function is None:
        raise MappingError(
            _("The form “%(form)s” is not one of Égide's forms.") % {"form": form_id}
        )
    return function(user, leaves(data), version, target_id)


def leaves(data: dict[str, Any]) -> dict[str, Any]:
    """Answers by question name, without their groups' paths (names are unique in a form)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = [leaves(row) if isinstance(row, dict) else row for row in value]
        out[key.rsplit("/", 1)[-1]] = value
    return out
