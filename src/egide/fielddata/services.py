"""Importing field submissions: each one in its own transaction, keyed by (server, project,
form, logical id) so that pulling twice changes nothing and an edit updates what the first
version created. Pulls and uploads are audited (who, which server or file, counts)."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.audit.services import audit_record
from egide.fielddata import mapping, xlsforms
from egide.fielddata.models import (
    Connection,
    FieldAccount,
    FieldAttachment,
    ImportRun,
    Outcome,
    SubmissionOutcome,
    SubmissionRecord,
    Watermark,
)
from egide.fielddata.records import RecordError, Submission, format_time, parse_version
from egide.fielddata.servers import FieldServer, ServerConfig, ServerError, server_for

ProgressFn = Callable[[int, int | None, str], None]
FILE_SERVER = "file"


class ImportFailed(Exception):
    """A pull or an upload stopped; the message is for the person who started it."""


@dataclass
class Source:
    """Where submissions come from: a connection's server and project, or an uploaded file."""

    server: str
    project: str
    connection: Connection | None = None
    fetcher: FieldServer | None = None
    accounts: dict[tuple[str, str], Any] = field(default_factory=dict)


def source_of(connection: Connection) -> Source:
    return Source(connection.server_key, connection.project, connection, server_of(connection))


def server_of(connection: Connection, *, page_size: int = 1000) -> FieldServer:
    config = ServerConfig(
        base_url=connection.base_url,
        project=connection.project,
        username=connection.username,
        secret=connection.secret,
        timeout=float(connection.timeout_seconds),
        assets=dict(connection.assets or {}),
        page_size=page_size,
    )
    return server_for(connection.kind, config)


def run_start(
    *, actor: Any, source: str, connection: Connection | None = None, filename: str = ""
) -> ImportRun:
    organisation = connection.organisation if connection is not None else None
    if organisation is None and actor is not None and getattr(actor, "is_authenticated", False):
        organisation = actor.organisation
    return ImportRun.objects.create(
        connection=connection,
        source=source,
        filename=filename[:200],
        started_by=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
    )


def run_finish(*, run: ImportRun, counts: Counter[str], error: str = "") -> ImportRun:
    run.counts = {o.value: counts.get(o.value, 0) for o in Outcome}
    run.finished_at = timezone.now()
    run.status = ImportRun.Status.FAILED if error else ImportRun.Status.DONE
    run.error = error[:2000]
    run.save(update_fields=["counts", "finished_at", "status", "error"])
    audit_record(
        actor=run.started_by,
        action="fielddata.pulled" if run.source == ImportRun.Source.PULL else "fielddata.imported",
        obj=run,
        details={
            "connection": run.connection.name if run.connection else "",
            "file": run.filename,
            "counts": run.counts,
            "failed": bool(error),
        },
        actor_username="" if run.started_by else "schedule",
    )
    return run


# --- who a submission comes from -----------------------------------------------------------------


def submitter_user(source: Source, submission: Submission) -> Any:
    """The Égide user of the field account, else of the device; None when unknown."""
    by_connection: dict[str, Any] = (
        {"connection": source.connection}
        if source.connection is not None
        else {"connection__isnull": True}
    )
    for kind, remote in (
        (FieldAccount.Kind.ACCOUNT, submission.submitter_id),
        (FieldAccount.Kind.DEVICE, submission.device_id),
    ):
        if not remote:
            continue
        key = (kind.value, remote)
        if key not in source.accounts:
            account = (
                FieldAccount.objects.filter(kind=kind, remote_id=remote, **by_connection)
                .select_related("user")
                .first()
            )
            source.accounts[key] = account.user if account is not None else None
        user = source.accounts[key]
        if user is not None and user.is_active:
            return user
    return None


def _unknown_submitter(submission: Submission) -> str:
    who = submission.submitter_id or "—"
    if submission.submitter_name:
        who = f"{who} ({submission.submitter_name})"
    return _(
        "The field account %(who)s (device %(device)s) is not linked to an Égide user: link it "
        "(administration → field accounts), then re-apply."
    ) % {"who": who, "device": submission.device_id or "—"}


# --- one submission ------------------------------------------------------------------------------


def _payload(submission: Submission) -> str:
    return json.dumps(
        {
            "data": submission.data,
            "form_version": submission.form_version,
            "submitter_id": submission.submitter_id,
            "submitter_name": submission.submitter_name,
            "device_id": submission.device_id,
        },
        sort_keys=True,
        default=str,
    )


def _find(source: Source, submission: Submission) -> SubmissionRecord | None:
    records = SubmissionRecord.objects.select_for_update().filter(
        server=source.server, project=source.project, form_id=submission.form_id
    )
    record = records.filter(logical_id=submission.logical_id).first()
    if record is None and submission.deprecated_id:
        # Kobo without meta/rootUuid: the edit names the version it replaces.
        record = records.filter(instance_id=submission.deprecated_id).first()
    return record


def _outcome(
    run: ImportRun | None,
    record: SubmissionRecord | None,
    reference: str,
    form_id: str,
    outcome: str,
    reason: str = "",
    buffer: list[SubmissionOutcome] | None = None,
) -> str:
    """Report what became of one submission. Report rows are written by page (*buffer*) after
    the submissions' own transactions: they describe Égide's data, they are not part of it."""
    if run is not None:
        row = SubmissionOutcome(
            run=run,
            record=record,
            reference=reference[:200],
            form_id=form_id[:64],
            outcome=outcome,
            reason=reason,
        )
        if buffer is None:
            row.save()
        else:
            buffer.append(row)
    return outcome


def _evaluate(
    record: SubmissionRecord, submission_form: str, data: dict[str, Any], version_text: str
) -> tuple[str, str]:
    """Apply the answers to Égide through the apps' services: (outcome, reason)."""
    version = parse_version(version_text)
    if submission_form not in xlsforms.FORM_IDS:
        return Outcome.REJECTED, _("The form “%(form)s” is not one of Égide's forms.") % {
            "form": submission_form
        }
    if version is None or not xlsforms.version_known(version):
        return Outcome.REJECTED, _(
            "The form version “%(version)s” is unknown to Égide: the answers cannot be "
            "evaluated. Collect with the current forms (forms page)."
        ) % {"version": version_text or "—"}
    try:
        target = mapping.apply(submission_form, record.user, data, version, record.target_id)
    except mapping.MappingError as exc:
        return Outcome.REJECTED, str(exc)
    first = record.target_id is None
    record.target_type, record.target_id = target.type, target.id
    if first or target.created:
        return Outcome.CREATED, ""
    return (Outcome.UPDATED if target.changed else Outcome.UNCHANGED), ""


def submission_apply(
    *,
    run: ImportRun | None,
    source: Source,
    submission: Submission,
    known: dict[str, SubmissionRecord] | None = None,
    buffer: list[SubmissionOutcome] | None = None,
) -> str:
    """Apply one submission in its own transaction; returns its outcome. *known* holds the
    records already read for this page (by logical id): an unchanged version costs no write."""
    reference = submission.logical_id
    if known is not None and not submission.deprecated_id:
        seen = known.get(submission.logical_id)
        if seen is None and submission.review_state == "rejected":
            reason = _("Rejected by a reviewer on the field server: not imported.")
            return _outcome(
                run, None, reference, submission.form_id, Outcome.SKIPPED, reason, buffer
            )
        if (
            seen is not None
            and seen.instance_id == submission.instance_id
            and submission.review_state != "rejected"
            and seen.status not in (Outcome.HELD, Outcome.REJECTED)
        ):
            return _outcome(run, seen, reference, submission.form_id, Outcome.UNCHANGED, "", buffer)
    with transaction.atomic():
        record = (
            None
            if known is not None
            and submission.logical_id not in known
            and not (submission.deprecated_id)
            else _find(source, submission)
        )
        if submission.review_state == "rejected":
            reason = _("Rejected by a reviewer on the field server: not imported.")
            return _outcome(
                run, record, reference, submission.form_id, Outcome.SKIPPED, reason, buffer
            )
        same_version = record is not None and record.instance_id == submission.instance_id
        if (
            same_version
            and record is not None
            and record.status
            not in (
                Outcome.HELD,
                Outcome.REJECTED,
            )
        ):
            return _outcome(
                run, record, reference, submission.form_id, Outcome.UNCHANGED, "", buffer
            )
        user = submitter_user(source, submission)
        if record is None:
            record = SubmissionRecord(
                server=source.server,
                project=source.project,
                form_id=submission.form_id,
                logical_id=submission.logical_id,
                connection=source.connection,
            )
        record.instance_id = submission.instance_id
        record.form_version = submission.form_version[:64]
        record.submitter_id = submission.submitter_id[:200]
        record.device_id = submission.device_id[:200]
        record.submitted_at = submission.submitted_at
        record.payload_json = _payload(submission)
        record.user = user if user is not None else record.user
        if record.user is None:
            # Held: the organisation that collects it (connection) or imported it sees it.
            if source.connection is not None:
                record.organisation_id = source.connection.organisation_id
            elif run is not None:
                record.organisation_id = run.organisation_id
            record.status, record.reason = Outcome.HELD, _unknown_submitter(submission)
        else:
            record.organisation_id = record.user.organisation_id
            record.status, record.reason = _evaluate(
                record, submission.form_id, submission.data, submission.form_version
            )
        record.save()
        if record.status in (Outcome.CREATED, Outcome.UPDATED) and source.fetcher is not None:
            _attachments(source.fetcher, record, submission)
    return _outcome(
        run, record, reference, submission.form_id, record.status, record.reason, buffer
    )


def _attachments(server: FieldServer, record: SubmissionRecord, submission: Submission) -> None:
    names = set(submission.attachments)
    for name in xlsforms.BINARY_FIELDS.get(submission.form_id, ()):
        value = mapping.leaves(submission.data).get(name)
        if value:
            names.add(str(value))
    for name in sorted(names):
        if FieldAttachment.objects.filter(record=record, name=name[:255]).exists():
            continue
        content = server.attachment(submission, name)
        if content is None:
            continue
        FieldAttachment.objects.create(
            record=record,
            name=name[:255],
            content_b64=base64.b64encode(content).decode("ascii"),
            size=len(content),
        )


def deletion_apply(*, run: ImportRun | None, source: Source, submission: Submission) -> str:
    """A submission deleted on the server: reported; what Égide made of it is kept."""
    with transaction.atomic():
        record = _find(source, submission)
        if record is not None and not record.deleted_on_server:
            record.deleted_on_server = True
            record.save(update_fields=["deleted_on_server", "updated_at"])
        reason = _(
            "Deleted on the field server. What Égide made of it is kept: close or correct it "
            "in Égide if needed."
        )
        return _outcome(
            run, record, submission.logical_id, submission.form_id, Outcome.DELETED, reason
        )


def apply_all(
    *,
    run: ImportRun | None,
    source: Source,
    submissions: Iterable[Submission | RecordError],
    counts: Counter[str],
    progress: ProgressFn | None = None,
) -> str:
    """Apply every submission, by chunks of CHUNK (memory stays bounded whatever the number);
    returns the newest change time handled (for the watermark)."""
    newest = None
    done = 0
    chunk: list[Submission | RecordError] = []
    for item in submissions:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            newest = _later_time(newest, _apply_chunk(run, source, chunk, counts))
            done += len(chunk)
            chunk = []
            if progress is not None:
                progress(done, None, _("%(n)s submission(s) handled") % {"n": done})
    if chunk:
        newest = _later_time(newest, _apply_chunk(run, source, chunk, counts))
    return format_time(newest) if newest is not None else ""


CHUNK = 500


def _later_time(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


def _apply_chunk(
    run: ImportRun | None,
    source: Source,
    chunk: list[Submission | RecordError],
    counts: Counter[str],
) -> Any:
    ids_by_form: dict[str, list[str]] = {}
    for item in chunk:
        if isinstance(item, Submission):
            ids_by_form.setdefault(item.form_id, []).append(item.logical_id)
    known: dict[str, dict[str, SubmissionRecord]] = {}
    for form_id, ids in ids_by_form.items():
        known[form_id] = {
            record.logical_id: record
            for record in SubmissionRecord.objects.filter(
                server=source.server, project=source.project, form_id=form_id, logical_id__in=ids
            ).only("pk", "logical_id", "instance_id", "status")
        }
    buffer: list[SubmissionOutcome] = []
    newest = None
    try:
        for item in chunk:
            if isinstance(item, RecordError):
                counts[Outcome.REJECTED] += 1
                _outcome(run, None, str(item)[:200], "", Outcome.REJECTED, str(item), buffer)
                continue
            outcome = submission_apply(
                run=run, source=source, submission=item, known=known[item.form_id], buffer=buffer
            )
            counts[outcome] += 1
            newest = _later_time(newest, item.changed_at)
    finally:
        SubmissionOutcome.objects.bulk_create(buffer, batch_size=500)
    return newest


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """A pull commits each submission asynchronously on PostgreSQL (``synchronous_commit``
    off for this session): a crash may lose the last fraction of a second of commits, never
    part of one. The watermark is committed after the submissions it covers, and the WAL keeps
    commit order, so whatever a crash loses lies after the saved watermark: the next pull
    applies it again (and applying again changes nothing)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def _later(a: str, b: str) -> str:
    return max(a, b) if a and b else (a or b)


def pull(
    *, connection: Connection, actor: Any, progress: ProgressFn | None = None, page_size: int = 1000
) -> ImportRun:
    """Pull every form of *connection*: new and changed submissions after the watermark, then
    deletions. A server failure stops the run; the failed form's watermark stays where it was
    (what was already applied is kept, and applying it again changes nothing)."""
    run = run_start(actor=actor, source=ImportRun.Source.PULL, connection=connection)
    server = server_of(connection, page_size=page_size)
    source = Source(connection.server_key, connection.project, connection, server)
    counts: Counter[str] = Counter()
    mapping.reset_caches()
    try:
        with _asynchronous_commits():
            _pull_forms(run, source, server, connection, counts, progress)
    except ServerError as exc:
        run_finish(run=run, counts=counts, error=str(exc))
        raise ImportFailed(str(exc)) from exc
    return run_finish(run=run, counts=counts)


def _pull_forms(
    run: ImportRun,
    source: Source,
    server: FieldServer,
    connection: Connection,
    counts: Counter[str],
    progress: ProgressFn | None,
) -> None:
    for form_id in server.forms():
        mark, _created = Watermark.objects.get_or_create(connection=connection, form_id=form_id)
        newest = apply_all(
            run=run,
            source=source,
            submissions=server.submissions(form_id, mark.changed_after),
            counts=counts,
            progress=progress,
        )
        deleted = ""
        for item in server.deletions(form_id, mark.deleted_after):
            if isinstance(item, RecordError):
                counts[Outcome.REJECTED] += 1
                _outcome(run, None, str(item), form_id, Outcome.REJECTED, str(item))
                continue
            counts[deletion_apply(run=run, source=source, submission=item)] += 1
            if item.deleted_at is not None:
                deleted = _later(deleted, format_time(item.deleted_at))
        mark.changed_after = _later(mark.changed_after, newest)
        mark.deleted_after = _later(mark.deleted_after, deleted)
        mark.save()


def import_submissions(
    *,
    actor: Any,
    filename: str,
    submissions: Iterable[Submission | RecordError],
    connection: Connection | None = None,
) -> ImportRun:
    """An uploaded export (Central ``.csv.zip``, Kobo JSON/XLSX): same mapping, same keys."""
    run = run_start(
        actor=actor, source=ImportRun.Source.FILE, connection=connection, filename=filename
    )
    source = (
        Source(connection.server_key, connection.project, connection)
        if connection is not None
        else Source(FILE_SERVER, "")
    )
    counts: Counter[str] = Counter()
    mapping.reset_caches()
    apply_all(run=run, source=source, submissions=submissions, counts=counts)
    return run_finish(run=run, counts=counts)


def record_reapply(
    *, actor: Any, record: SubmissionRecord, answers: dict[str, str] | None = None
) -> str:
    """Apply a held or rejected submission again, with its answers corrected by *actor*."""
    with transaction.atomic():
        record = SubmissionRecord.objects.select_for_update().get(pk=record.pk)
        payload = record.payload
        data = dict(payload.get("data", {}))
        changed = sorted(k for k, v in (answers or {}).items() if k in data and data[k] != v)
        for name in changed:
            data[name] = (answers or {})[name]
        payload["data"] = data
        record.payload_json = json.dumps(payload, sort_keys=True, default=str)
        if record.user is None:
            source = Source(record.server, record.project, record.connection)
            fake = Submission(
                form_id=record.form_id,
                logical_id=record.logical_id,
                instance_id=record.instance_id,
                form_version=record.form_version,
                submitter_id=record.submitter_id,
                submitter_name="",
                device_id=record.device_id,
                review_state="",
                submitted_at=record.submitted_at,
                updated_at=None,
                data=data,
            )
            record.user = submitter_user(source, fake)
        if record.user is None:
            record.status = Outcome.HELD
        else:
            record.organisation_id = record.user.organisation_id
            record.status, record.reason = _evaluate(
                record, record.form_id, data, record.form_version
            )
        record.save()
        audit_record(
            actor=actor,
            action="fielddata.submission_reapplied",
            obj=record,
            details={"outcome": record.status, "fields_changed": changed},
        )
        return str(record.status)


def record_viewed(*, actor: Any, record: SubmissionRecord) -> None:
    audit_record(actor=actor, action="fielddata.submission_viewed", obj=record)


def forms_downloaded(*, actor: Any, form_id: str, fmt: str) -> None:
    audit_record(
        actor=actor,
        action="fielddata.form_downloaded",
        object_type="fielddata.form",
        object_id=form_id,
        details={"format": fmt},
    )


def publish(*, connection: Connection, actor: Any) -> dict[str, str]:
    """Publish every generated form on the connection's server (a new version on change)."""
    server = server_of(connection)
    done: dict[str, str] = {}
    for built in xlsforms.build_all():
        done[built.form_id] = server.publish(built.form_id, built.xml, built.version)
    audit_record(
        actor=actor,
        action="fielddata.forms_published",
        obj=connection,
        details=done,
        actor_username="" if actor is not None else "command",
    )
    return done
