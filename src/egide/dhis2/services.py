"""Writes of the DHIS2 link: the connection, the mapping, exports and pushes — each audited in
its own transaction. A push is marked SENT only when DHIS2's real import took every value."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.audit.services import audit_record
from egide.dhis2 import rules, selectors
from egide.dhis2.client import (
    ANSWER,
    CREDENTIALS,
    NETWORK,
    REDIRECT,
    Dhis2Error,
    Dhis2Server,
)
from egide.dhis2.models import Connection, ElementMapping, OrgUnitMapping, PeriodMapping, Push

PUSH_KIND = "dhis2.push"
#: Figures without a mapping listed on a push's page (all are counted).
UNMAPPED_KEPT = 200
MAPPING_KINDS: dict[type[models.Model], str] = {
    ElementMapping: "element",
    OrgUnitMapping: "org_unit",
    PeriodMapping: "period",
}


class Dhis2ServiceError(Exception):
    """A refusal or failure with a message for people (translated)."""


def bad_period_message() -> str:
    return _("Write a year (2024), a quarter (2024Q3) or a month (202403), years 2000 to 2100.")


def mapping_error_message(exc: rules.MappingError) -> str:
    """Words for a mapping that cannot make a data value set."""
    if exc.code == "no_period_format":
        return _(
            "No DHIS2 period format is chosen for this kind of period: add it to the period "
            "mapping."
        )
    if exc.code == "same_value":
        return _(
            "Two figures are mapped to the same DHIS2 data value (same data element, "
            "combination and organisation unit): correct the mapping."
        )
    if exc.code in ("format_mismatch", "unknown_format"):
        return _("The period mapping gives the format of another kind of period.")
    return _("The figures cannot be turned into a data value set: %(detail)s") % {
        "detail": str(exc)
    }


def _host(url: str) -> str:
    return urlsplit(url).netloc


def connection_save(
    *, actor: Any, url: str, username: str, password: str, timeout_seconds: int
) -> Connection:
    """Store the DHIS2 server (one row); an empty *password* keeps the stored one. Raises
    Dhis2ServiceError when no password was ever given."""
    with transaction.atomic():
        current = Connection.objects.select_for_update().order_by("pk").first()
        if current is None:
            if not password:
                raise Dhis2ServiceError(_("Give the password of the DHIS2 account."))
            current = Connection()
        current.url = url
        current.username = username
        if password:
            current.password = password
        current.timeout_seconds = timeout_seconds
        current.updated_at = timezone.now()
        current.updated_by = actor
        current.save()
        audit_record(
            actor=actor,
            action="dhis2.connection_changed",
            obj=current,
            details={"server": _host(url), "password_changed": bool(password)},
        )
    return current


def mapping_save(*, actor: Any, mapping: models.Model) -> models.Model:
    """Save one row of the mapping (validated by its form), audited."""
    kind = MAPPING_KINDS[type(mapping)]
    with transaction.atomic():
        mapping.save()
        audit_record(
            actor=actor, action="dhis2.mapping_changed", obj=mapping, details={"what": kind}
        )
    return mapping


def mapping_delete(*, actor: Any, mapping: models.Model) -> None:
    """Remove one row of the mapping, audited."""
    kind = MAPPING_KINDS[type(mapping)]
    with transaction.atomic():
        audit_record(
            actor=actor, action="dhis2.mapping_deleted", obj=mapping, details={"what": kind}
        )
        mapping.delete()


def years_only(period: rules.Period) -> None:
    """Figures leave for DHIS2 suppressed, and each period is suppressed on its own: a quarter
    or a month set against its year would give a hidden small count back by subtraction."""
    if period.type is not rules.PeriodType.YEARLY:
        raise Dhis2ServiceError(
            _(
                "Only yearly periods (e.g. 2024) leave Égide for DHIS2: a quarter or a month, "
                "set against its year, would let small hidden counts be worked out."
            )
        )


def data_value_set_build(*, period: str) -> rules.Built:
    """The data value set of *period* from the live figures (suppressed) and the mapping.
    Raises Dhis2ServiceError with words for people."""
    try:
        parsed = rules.parse_period(period)
    except rules.PeriodError as exc:
        raise Dhis2ServiceError(bad_period_message()) from exc
    years_only(parsed)
    try:
        figures = selectors.period_figures(period=period)
    except selectors.FiguresUnavailable as exc:
        raise Dhis2ServiceError(
            _("The indicators cannot be computed in this version of Égide yet.")
        ) from exc
    try:
        return rules.build_data_value_set(figures, selectors.mapping_tables(), period=period)
    except rules.MappingError as exc:
        raise Dhis2ServiceError(mapping_error_message(exc)) from exc


def data_value_set_json(built: rules.Built) -> bytes:
    """The file people download and the command writes: the JSON DHIS2 imports."""
    return (json.dumps(built.payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def data_value_set_export(*, actor: Any, period: str, actor_username: str = "") -> rules.Built:
    """Build the data value set of *period* for a download or the command line, audited."""
    built = data_value_set_build(period=period)
    audit_record(
        actor=actor,
        action="dhis2.exported",
        object_type="dhis2.period",
        object_id=built.period,
        details={
            "values": built.values,
            "withheld": built.suppressed,
            "unmapped": len(built.unmapped),
        },
        actor_username=actor_username,
    )
    return built


def push_start(*, actor: Any, period: str) -> Push:
    """Record a push of *period* and queue its job (both or neither). Raises
    Dhis2ServiceError for a bad period, a missing connection, or a push of the same period
    still under way."""
    from egide.jobs.services import job_start

    try:
        parsed = rules.parse_period(period)
    except rules.PeriodError as exc:
        raise Dhis2ServiceError(bad_period_message()) from exc
    years_only(parsed)
    dhis2_period = parsed.id
    connection = selectors.connection()
    if connection is None:
        raise Dhis2ServiceError(_("No DHIS2 server is configured yet."))
    busy = _("A push of this period is already under way: wait for its result.")
    if Push.objects.filter(
        period=dhis2_period, status__in=[Push.Status.QUEUED, Push.Status.RUNNING]
    ).exists():
        raise Dhis2ServiceError(busy)
    try:
        with transaction.atomic():
            push = Push.objects.create(
                period=dhis2_period, started_by=actor, server=_host(connection.url)
            )
            push.job = job_start(
                actor=actor,
                kind=PUSH_KIND,
                label=_("DHIS2 push of %(period)s") % {"period": dhis2_period},
                params={"push": push.pk},
            )
            push.save(update_fields=["job"])
            audit_record(actor=actor, action="dhis2.push_started", obj=push)
    except IntegrityError as exc:  # another push of the period started meanwhile
        raise Dhis2ServiceError(busy) from exc
    return push


def _dhis2_failure(exc: Dhis2Error, *, real: bool) -> str:
    """Words for a push that got no import summary. After the dry run nothing was sent; during
    the real import DHIS2 may have saved the values, which a new push updates."""
    if exc.kind == NETWORK:
        text = _("DHIS2 could not be reached: %(reason)s.") % {"reason": exc}
    elif exc.kind == CREDENTIALS:
        text = _("DHIS2 refused the user name or the password (HTTP %(status)s).") % {
            "status": exc.status
        }
    elif exc.kind == REDIRECT:
        text = _("DHIS2 answered with a redirect: check the server address (https://…).")
    elif exc.kind == ANSWER:
        text = _("DHIS2's answer is not an import summary (%(detail)s).") % {"detail": exc}
    else:
        text = _("DHIS2 refused the request: %(detail)s.") % {"detail": exc}
    if real:
        return (
            text
            + " "
            + _(
                "It is not known whether DHIS2 saved the values; push the period again: a new "
                "push updates them, it never duplicates them."
            )
        )
    return text + " " + _("Nothing was sent.")


def _finish(push: Push, status: str, *, error: str = "", action: str) -> Push:
    with transaction.atomic():
        push.status = status
        push.error = error
        push.finished_at = timezone.now()
        push.save()
        summary = push.summary or push.dry_run
        audit_record(
            actor=push.started_by,
            action=action,
            obj=push,
            details={
                "period": push.period,
                "values": push.values_sent,
                "withheld": push.values_withheld,
                "http_status": push.http_status,
                "imported": summary.get("imported"),
                "updated": summary.get("updated"),
                "ignored": summary.get("ignored"),
                "conflicts": len(summary.get("conflicts", [])),
            },
            actor_username="" if push.started_by else "schedule",
        )
    return push


def push_run(*, push_id: int, progress: Callable[..., None]) -> Push:
    """Do one push (called by its job): build the data value set, POST it with ``dryRun=true``;
    when DHIS2 would take every value, POST it for real. Returns the push in its final state:
    SENT only when the real import took every value; REJECTED when DHIS2 refused values;
    FAILED when no import summary came back."""
    claimed = Push.objects.filter(pk=push_id, status=Push.Status.QUEUED).update(
        status=Push.Status.RUNNING
    )
    push = Push.objects.select_related("started_by").get(pk=push_id)
    if not claimed:
        return push
    progress(0, 3, _("Computing the figures"))
    connection = selectors.connection()
    if connection is None:
        return _finish(
            push,
            Push.Status.FAILED,
            error=_("No DHIS2 server is configured yet."),
            action="dhis2.push_failed",
        )
    try:
        built = data_value_set_build(period=push.period)
    except Dhis2ServiceError as exc:
        return _finish(push, Push.Status.FAILED, error=str(exc), action="dhis2.push_failed")
    push.values_sent = built.values
    push.values_withheld = built.suppressed
    push.unmapped = [
        {
            "indicator": s.indicator,
            "area": s.area,
            "disaggregation": s.disaggregation,
            "reason": s.reason,
        }
        for s in built.unmapped[:UNMAPPED_KEPT]
    ]
    push.unmapped_total = len(built.unmapped)
    push.server = _host(connection.url)
    push.save(
        update_fields=["values_sent", "values_withheld", "unmapped", "unmapped_total", "server"]
    )
    if not built.values:
        return _finish(
            push,
            Push.Status.FAILED,
            error=_("Nothing to send: every figure of the period is withheld or not mapped."),
            action="dhis2.push_failed",
        )
    try:
        server = Dhis2Server(
            connection.url,
            connection.username,
            connection.password,
            timeout=connection.timeout_seconds,
        )
        progress(1, 3, _("Dry run on DHIS2"))
        dry = server.import_data_values(built.payload, dry_run=True)
    except Dhis2Error as exc:
        push.http_status = exc.status
        return _finish(
            push,
            Push.Status.FAILED,
            error=_dhis2_failure(exc, real=False),
            action="dhis2.push_failed",
        )
    push.http_status = dry.http_status
    push.dry_run = dry.summary.as_dict()
    if not dry.summary.clean:
        return _finish(
            push,
            Push.Status.REJECTED,
            error=_(
                "DHIS2's dry run refused %(n)s value(s) (%(conflicts)s conflict(s)): nothing "
                "was sent. Correct the mapping or DHIS2's set-up, then push again."
            )
            % {"n": dry.summary.ignored, "conflicts": len(dry.summary.conflicts)},
            action="dhis2.push_rejected",
        )
    progress(2, 3, _("Sending to DHIS2"))
    try:
        real = server.import_data_values(built.payload, dry_run=False)
    except Dhis2Error as exc:
        push.http_status = exc.status
        return _finish(
            push,
            Push.Status.FAILED,
            error=_dhis2_failure(exc, real=True),
            action="dhis2.push_failed",
        )
    push.http_status = real.http_status
    push.summary = real.summary.as_dict()
    if not real.summary.clean:
        return _finish(
            push,
            Push.Status.REJECTED,
            error=_(
                "DHIS2 refused %(n)s value(s) in the real import (%(conflicts)s conflict(s)); "
                "the push is not marked as sent. Correct them, then push again: the values "
                "already taken are updated, never duplicated."
            )
            % {"n": real.summary.ignored, "conflicts": len(real.summary.conflicts)},
            action="dhis2.push_rejected",
        )
    return _finish(push, Push.Status.SENT, action="dhis2.pushed")


def push_settle_lost(*, push: Push) -> Push:
    """A push whose job failed without finishing it (worker lost) is failed too."""
    from egide.jobs.models import Job

    if push.active and push.job is not None and push.job.status == Job.Status.FAILED:
        return _finish(
            push,
            Push.Status.FAILED,
            error=push.job.error or _("The job of this push stopped before it finished."),
            action="dhis2.push_failed",
        )
    return push
