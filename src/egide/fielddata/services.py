"""Importing field submissions, keyed by (server, project, form, logical id) so that pulling
twice changes nothing and an edit updates what the first version created. Pulls and uploads are
audited (who, which server or file, counts).

Submissions are read and applied a chunk at a time (CHUNK; memory stays bounded; the next
chunk is read by a thread while this one is applied, see `_read_ahead`). Each one is checked
on its own, in plain Python: unreadable, rejected on the server, unchanged, held (unknown
sender) or rejected (a check failed, with the reason) — one submission's problem
is never another's. Then:

* the new alert submissions of the chunk are applied together in ONE transaction: their alerts
  raised by ``cases.services.alerts_raise_many`` (the service behind ``alert_raise``: same
  routing, triage deadline and audit event, one per alert), their records written with bulk
  INSERTs. That transaction is all or nothing; if it fails for any reason, it is rolled back
  entirely and the same submissions are applied again one by one, each in its own transaction;
* every other submission (an edit, a retry of a held or rejected one, the other forms) is
  applied one by one, each in its own transaction (``submission_apply``).

A submission that fails even on its own is recorded as rejected with a reason (its answers kept,
to be applied again) and does not stop the others. Nothing is ever half-applied: a submission's
alert, record and audit event are written together or not at all. The watermark only advances
past submissions that were handled (when even the failure could not be recorded, it stays).
"""

from __future__ import annotations

import base64
import json
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connections as db_connections
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.audit.services import audit_record
from egide.cases.services import AlertReport, alerts_raise_many
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
from egide.fielddata.records import (
    FormVersion,
    RecordError,
    Submission,
    format_time,
    parse_version,
)
from egide.fielddata.servers import FieldServer, ServerConfig, ServerError, server_for

ProgressFn = Callable[[int, int | None, str], None]
Item = TypeVar("Item")
FILE_SERVER = "file"
logger = logging.getLogger("egide.fielddata")


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


def _form_version(form_id: str, version_text: str) -> tuple[FormVersion | None, str]:
    """The version the answers are evaluated with, else None and the reason they cannot be."""
    version = parse_version(version_text)
    if form_id not in xlsforms.FORM_IDS:
        return None, _("The form “%(form)s” is not one of Égide's forms.") % {"form": form_id}
    if version is None or not xlsforms.version_known(version):
        return None, _(
            "The form version “%(version)s” is unknown to Égide: the answers cannot be "
            "evaluated. Collect with the current forms (forms page)."
        ) % {"version": version_text or "—"}
    return version, ""


def _evaluate(
    record: SubmissionRecord, submission_form: str, data: dict[str, Any], version_text: str
) -> tuple[str, str]:
    """Apply the answers to Égide through the apps' services: (outcome, reason)."""
    version, reason = _form_version(submission_form, version_text)
    if version is None:
        return Outcome.REJECTED, reason
    try:
        target = mapping.apply(submission_form, record.user, data, version, record.target_id)
    except mapping.MappingError as exc:
        return Outcome.REJECTED, str(exc)
    first = record.target_id is None
    record.target_type, record.target_id = target.type, target.id
    if first or target.created:
        return Outcome.CREATED, ""
    return (Outcome.UPDATED if target.changed else Outcome.UNCHANGED), ""


def _rejected_on_server() -> str:
    return _("Rejected by a reviewer on the field server: not imported.")


def _decided(
    submission: Submission, known: dict[str, SubmissionRecord]
) -> tuple[str, SubmissionRecord | None, str] | None:
    """(outcome, record, reason) when *submission* needs no write, from the records read for its
    chunk (*known*, by logical id): rejected on the server before Égide saw it, or unchanged."""
    if submission.deprecated_id:
        return None  # a Kobo edit naming the version it replaces: looked up on its own
    seen = known.get(submission.logical_id)
    if seen is None and submission.review_state == "rejected":
        return Outcome.SKIPPED, None, _rejected_on_server()
    if (
        seen is not None
        and seen.instance_id == submission.instance_id
        and submission.review_state != "rejected"
        and seen.status not in (Outcome.HELD, Outcome.REJECTED)
    ):
        return Outcome.UNCHANGED, seen, ""
    return None


def _new_record(source: Source, submission: Submission) -> SubmissionRecord:
    return SubmissionRecord(
        server=source.server,
        project=source.project,
        form_id=submission.form_id,
        logical_id=submission.logical_id,
        connection=source.connection,
    )


def _record_version(
    record: SubmissionRecord,
    run: ImportRun | None,
    source: Source,
    submission: Submission,
    user: Any,
) -> bool:
    """Copy this version of *submission* into *record*; False when nobody in Égide sent it
    (the record is then held for review)."""
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
        return False
    record.organisation_id = record.user.organisation_id
    return True


def submission_apply(
    *,
    run: ImportRun | None,
    source: Source,
    submission: Submission,
    known: dict[str, SubmissionRecord] | None = None,
    buffer: list[SubmissionOutcome] | None = None,
) -> str:
    """Apply one submission in its own transaction; returns its outcome. *known* holds the
    records already read for this chunk (by logical id): an unchanged version costs no write."""
    reference = submission.logical_id
    decided = _decided(submission, known) if known is not None else None
    if decided is not None:
        outcome, seen, reason = decided
        return _outcome(run, seen, reference, submission.form_id, outcome, reason, buffer)
    with transaction.atomic():
        record = (
            None
            if known is not None
            and submission.logical_id not in known
            and not (submission.deprecated_id)
            else _find(source, submission)
        )
        if submission.review_state == "rejected":
            reason = _rejected_on_server()
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
            record = _new_record(source, submission)
        if _record_version(record, run, source, submission, user):
            record.status, record.reason = _evaluate(
                record, submission.form_id, submission.data, submission.form_version
            )
        record.save()
        if record.status in (Outcome.CREATED, Outcome.UPDATED) and source.fetcher is not None:
            _attachments(source.fetcher, record, submission)
    return _outcome(
        run, record, reference, submission.form_id, record.status, record.reason, buffer
    )


def _failure_reason(exc: BaseException) -> str:
    # The class only: a database error's text may quote the answers (personal data).
    return _(
        "Égide could not apply this submission (%(error)s); nothing of it was saved. Open it "
        "and choose “Apply again”; if it fails again, tell the administrator."
    ) % {"error": type(exc).__name__}


def _submission_apply_safely(
    run: ImportRun | None,
    source: Source,
    submission: Submission,
    known: dict[str, SubmissionRecord] | None,
    buffer: list[SubmissionOutcome],
) -> str | None:
    """`submission_apply`, except that an unexpected failure (whatever it is) rejects this
    submission only: its transaction is rolled back, then it is recorded as rejected with its
    answers, to be applied again. None when even that record could not be written (the
    submission was not handled: the watermark must not pass it). A server failure still stops
    the pull."""
    try:
        return submission_apply(
            run=run, source=source, submission=submission, known=known, buffer=buffer
        )
    except ServerError:
        raise
    except Exception as exc:
        logger.exception("field submission %s could not be applied", submission.logical_id)
        reason = _failure_reason(exc)
    record = None
    try:
        with transaction.atomic():
            record = _find(source, submission) or _new_record(source, submission)
            _record_version(record, run, source, submission, submitter_user(source, submission))
            record.status, record.reason = Outcome.REJECTED, reason
            record.save()
    except Exception:
        logger.exception(
            "the failure of field submission %s was not recorded", submission.logical_id
        )
        record = None
    outcome = _outcome(
        run, record, submission.logical_id, submission.form_id, Outcome.REJECTED, reason, buffer
    )
    return outcome if record is not None else None


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


DELETED_REASON = _(
    "Deleted on the field server. What Égide made of it is kept: close or correct it "
    "in Égide if needed."
)


def deletion_apply(*, run: ImportRun | None, source: Source, submission: Submission) -> str:
    """A submission deleted on the server: reported; what Égide made of it is kept."""
    with transaction.atomic():
        record = _find(source, submission)
        if record is not None and not record.deleted_on_server:
            record.deleted_on_server = True
            record.save(update_fields=["deleted_on_server", "updated_at"])
        return _outcome(
            run, record, submission.logical_id, submission.form_id, Outcome.DELETED, DELETED_REASON
        )


def gone_apply(*, run: ImportRun | None, source: Source, form_id: str, present: set[str]) -> int:
    """A server that keeps no trace of deletions (Kobo) listed *present*, the ids of every
    version it still holds: each submission Égide holds from it that is in neither by its
    stable id nor by its current version was deleted there. Reported as by `deletion_apply`;
    returns how many."""
    held = SubmissionRecord.objects.filter(
        server=source.server, project=source.project, form_id=form_id, deleted_on_server=False
    ).exclude(status=Outcome.SKIPPED)
    gone = [
        pk
        for pk, logical, instance in held.values_list("pk", "logical_id", "instance_id").iterator()
        if logical not in present and instance not in present
    ]
    for pk in gone:
        with transaction.atomic():
            record = SubmissionRecord.objects.select_for_update().get(pk=pk)
            record.deleted_on_server = True
            record.save(update_fields=["deleted_on_server", "updated_at"])
            _outcome(run, record, record.logical_id, form_id, Outcome.DELETED, DELETED_REASON)
    return len(gone)


def apply_all(
    *,
    run: ImportRun | None,
    source: Source,
    submissions: Iterable[Submission | RecordError],
    counts: Counter[str],
    progress: ProgressFn | None = None,
) -> str:
    """Apply every submission, by chunks of CHUNK (memory stays bounded whatever the number);
    returns the newest change time handled (for the watermark), or "" when a submission could
    not be handled at all (the watermark then stays where it was: the next pull reads them
    again, and applying again changes nothing)."""
    newest = None
    handled = True
    done = 0
    with closing(_read_ahead(submissions, CHUNK)) as chunks:
        for chunk in chunks:
            chunk_newest, chunk_handled = _apply_chunk(run, source, chunk, counts)
            newest, handled = _later_time(newest, chunk_newest), handled and chunk_handled
            done += len(chunk)
            if progress is not None and len(chunk) >= CHUNK:
                progress(done, None, _("%(n)s submission(s) handled") % {"n": done})
    return format_time(newest) if newest is not None and handled else ""


def _read_ahead(items: Iterable[Item], size: int) -> Generator[list[Item], None, None]:
    """*items* by chunks of *size*. A thread reads the next chunk (the field server answers
    its next page, the rows are parsed) while the caller applies this one; at most one chunk
    waits. What the reading raises is raised here, after the chunks read before it."""
    ready: queue.Queue[list[Item] | Exception | None] = queue.Queue(maxsize=1)
    stop = threading.Event()
    language = translation.get_language()

    def hand(value: list[Item] | Exception | None) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the caller stopped: stop reading

    def read() -> None:
        try:
            with translation.override(language):
                chunk: list[Item] = []
                for item in items:
                    chunk.append(item)
                    if len(chunk) >= size:
                        if not hand(chunk):
                            return
                        chunk = []
                if chunk and not hand(chunk):
                    return
            hand(None)
        except Exception as exc:  # a server failure, an unreadable file: raised to the caller
            hand(exc)
        finally:
            db_connections.close_all()  # in case a reader ever touched the database

    threading.Thread(target=read, name="egide-field-read-ahead", daemon=True).start()
    try:
        while (value := ready.get()) is not None:
            if isinstance(value, Exception):
                raise value
            yield value
    finally:
        stop.set()


CHUNK = 500


def _later_time(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


@dataclass
class _NewAlert:
    """A new alert submission of a chunk, checked, waiting for the chunk's transaction."""

    index: int
    submission: Submission
    record: SubmissionRecord
    report: AlertReport | None  # None: held or rejected, no alert to raise


def _new_alert(
    index: int, run: ImportRun | None, source: Source, submission: Submission
) -> _NewAlert:
    """Check a new alert submission as `submission_apply` does (sender, form version, answers),
    without writing anything."""
    record = _new_record(source, submission)
    report = None
    if _record_version(record, run, source, submission, submitter_user(source, submission)):
        version, reason = _form_version(submission.form_id, submission.form_version)
        if version is None:
            record.status, record.reason = Outcome.REJECTED, reason
        else:
            try:
                report = mapping.alert_report(record.user, mapping.leaves(submission.data))
            except mapping.MappingError as exc:
                record.status, record.reason = Outcome.REJECTED, str(exc)
            else:
                record.status, record.reason = Outcome.CREATED, ""
    return _NewAlert(index, submission, record, report)


def _new_alerts_apply(source: Source, new: list[_NewAlert]) -> bool:
    """Write the checked new alert submissions of a chunk in ONE transaction (bulk INSERTs):
    True when committed; False when anything failed (all rolled back, nothing half-applied)."""
    try:
        with transaction.atomic():
            raising = [n for n in new if n.report is not None]
            alerts = alerts_raise_many(reports=[n.report for n in raising if n.report])
            for item, alert in zip(raising, alerts, strict=True):
                item.record.target_type, item.record.target_id = mapping.ALERT_TARGET, alert.pk
            SubmissionRecord.objects.bulk_create([n.record for n in new])
            if source.fetcher is not None:
                for item in raising:
                    _attachments(source.fetcher, item.record, item.submission)
    except ServerError:
        raise
    except Exception:
        logger.exception(
            "a chunk of %d new field submissions failed: applying them one by one", len(new)
        )
        return False
    return True


def _known_records(
    source: Source, chunk: list[Submission | RecordError]
) -> dict[str, dict[str, SubmissionRecord]]:
    """The records of the chunk's submissions that Égide already has, by form and logical id
    (one query per form and chunk)."""
    ids_by_form: dict[str, list[str]] = {}
    for item in chunk:
        if isinstance(item, Submission):
            ids_by_form.setdefault(item.form_id, []).append(item.logical_id)
    return {
        form_id: {
            record.logical_id: record
            for record in SubmissionRecord.objects.filter(
                server=source.server, project=source.project, form_id=form_id, logical_id__in=ids
            ).only("pk", "logical_id", "instance_id", "status")
        }
        for form_id, ids in ids_by_form.items()
    }


def _apply_chunk(
    run: ImportRun | None,
    source: Source,
    chunk: list[Submission | RecordError],
    counts: Counter[str],
) -> tuple[Any, bool]:
    """Apply one chunk (see the module's docstring): (newest change time handled, whether every
    submission was handled). Report rows keep the chunk's order."""
    known = _known_records(source, chunk)
    keys = Counter((i.form_id, i.logical_id) for i in chunk if isinstance(i, Submission))
    rows: list[list[SubmissionOutcome]] = [[] for _item in chunk]
    new: list[_NewAlert] = []
    one_by_one: list[tuple[int, Submission, dict[str, SubmissionRecord] | None]] = []
    newest = None
    handled = True
    try:
        for index, item in enumerate(chunk):
            if isinstance(item, RecordError):
                counts[Outcome.REJECTED] += 1
                _outcome(run, None, str(item)[:200], "", Outcome.REJECTED, str(item), rows[index])
                continue
            seen = known[item.form_id]
            decided = _decided(item, seen)
            if decided is not None:
                outcome, record, reason = decided
                counts[outcome] += 1
                _outcome(run, record, item.logical_id, item.form_id, outcome, reason, rows[index])
                newest = _later_time(newest, item.changed_at)
            elif (
                item.form_id == xlsforms.ALERT
                and not item.deprecated_id
                and item.logical_id not in seen
                and keys[item.form_id, item.logical_id] == 1
            ):
                try:
                    new.append(_new_alert(index, run, source, item))
                except Exception:  # an odd submission: on its own, where its failure is recorded
                    logger.exception("field submission %s could not be checked", item.logical_id)
                    one_by_one.append((index, item, None))
            else:
                # A key seen twice in the chunk is looked up each time (known=None): its first
                # version may have been created a moment ago.
                once = keys[item.form_id, item.logical_id] == 1
                one_by_one.append((index, item, seen if once else None))
        if new and _new_alerts_apply(source, new):
            for n in new:
                record = n.record
                counts[record.status] += 1
                _outcome(
                    run,
                    record,
                    n.submission.logical_id,
                    n.submission.form_id,
                    record.status,
                    record.reason,
                    rows[n.index],
                )
                newest = _later_time(newest, n.submission.changed_at)
        elif new:
            # Looked up again one by one (known=None): whatever made the chunk fail is found.
            one_by_one += [(n.index, n.submission, None) for n in new]
            one_by_one.sort(key=lambda planned: planned[0])
        for index, submission, seen_or_none in one_by_one:
            applied = _submission_apply_safely(run, source, submission, seen_or_none, rows[index])
            counts[applied or Outcome.REJECTED] += 1
            if applied is None:
                handled = False
            else:
                newest = _later_time(newest, submission.changed_at)
    finally:
        SubmissionOutcome.objects.bulk_create([r for row in rows for r in row], batch_size=500)
    return newest, handled


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """A pull commits each chunk (and each submission applied on its own) asynchronously on
    PostgreSQL (``synchronous_commit`` off for this session): a crash may lose the last
    fraction of a second of commits, never part of one. The watermark is committed after the
    submissions it covers, and the WAL keeps commit order, so whatever a crash loses lies after
    the saved watermark: the next pull applies it again (and applying again changes nothing)."""
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
        present = server.present(form_id)
        if present is not None:
            counts[Outcome.DELETED] += gone_apply(
                run=run, source=source, form_id=form_id, present=present
            )
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
