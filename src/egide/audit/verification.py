"""`egide audit verify`: the sealed chain, recomputed with the key, against external checkpoints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Min

from egide.audit import chain
from egide.audit.checkpoints import Checkpoint, read_checkpoints
from egide.audit.keys import configured_hmac_key, configured_signing_key
from egide.audit.models import HASHED_COLUMNS, AuditCheckpoint, AuditEvent, hashed_content


@dataclass
class VerifyReport:
    """Everything `egide audit verify` found, tampering findings first."""

    checkpoint_file: Path
    walked: chain.ChainReport
    checkpoints: list[chain.TrustedCheckpoint] = field(default_factory=list)
    findings: list[chain.Finding] = field(default_factory=list)
    unsealed: int = 0
    oldest_unsealed: datetime | None = None

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def latest(self) -> chain.TrustedCheckpoint | None:
        return max(self.checkpoints, key=lambda cp: cp.tree_size, default=None)


def _links() -> Iterator[chain.Link]:
    rows = (
        AuditEvent.objects.filter(seal_seq__isnull=False)
        .order_by("seal_seq")
        .values("seal_seq", "seal_hash", *HASHED_COLUMNS)
        .iterator(chunk_size=5000)
    )
    for row in rows:
        seq, stored = row.pop("seal_seq"), row.pop("seal_hash")
        yield chain.Link(int(seq), int(row["id"]), stored, hashed_content(row))


def external_checkpoints(path: Path) -> tuple[list[chain.TrustedCheckpoint], list[chain.Finding]]:
    """The checkpoints of the file whose signature verifies, and a finding for every other line."""
    public = configured_signing_key().public_key()
    trusted: list[chain.TrustedCheckpoint] = []
    findings: list[chain.Finding] = []
    for number, item in read_checkpoints(path):
        where = f"{path} line {number}"
        if not isinstance(item, Checkpoint):
            findings.append(chain.Finding(chain.BAD_CHECKPOINT, f"{where}: {item}"))
        elif not item.signature_valid(public):
            findings.append(
                chain.Finding(
                    chain.BAD_SIGNATURE,
                    f"{where} (tree size {item.tree_size}, {item.time}) does not verify with the "
                    "configured signing key: the checkpoint was forged or altered",
                )
            )
        else:
            trusted.append(chain.TrustedCheckpoint(item.tree_size, item.head, item.time, where))
    return trusted, findings


def audit_verify_report() -> VerifyReport:
    """Recompute the chain with EGIDE_AUDIT_KEY and compare it with every external checkpoint."""
    path = Path(settings.EGIDE_AUDIT_CHECKPOINT_FILE)
    trusted, findings = external_checkpoints(path)
    walked = chain.verify_chain(_links(), configured_hmac_key(), trusted)
    findings.extend(walked.findings)
    if not trusted:
        recorded = AuditCheckpoint.objects.order_by("-tree_size").first()
        if walked.sealed or recorded is not None:
            size = max(walked.tree_size, recorded.tree_size if recorded else 0)
            findings.append(
                chain.Finding(
                    chain.NO_CHECKPOINT,
                    f"{path} holds no valid checkpoint, yet the database says {size} events were "
                    "sealed: the file was removed or is not this trail's, so truncation cannot "
                    "be ruled out",
                )
            )
    unsealed = AuditEvent.objects.filter(seal_seq__isnull=True)
    return VerifyReport(
        checkpoint_file=path,
        walked=walked,
        checkpoints=trusted,
        findings=findings,
        unsealed=unsealed.count(),
        oldest_unsealed=unsealed.aggregate(oldest=Min("created_at"))["oldest"],
    )
