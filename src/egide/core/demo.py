"""Fictitious demonstration data: organisations in five regions and one account per role.

Every name here is invented; organisations and accounts are flagged ``is_fictitious`` and the
interface marks them so. Loading is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from egide.accounts import roles
from egide.accounts.models import Authenticator, Organisation, User
from egide.accounts.services import organisation_upsert, user_upsert
from egide.core.reference import ensure_reference_data

DEMO_PASSWORD = "Egide-demo-2026"  # noqa: S105 - fictitious accounts, printed on purpose

ORGANISATIONS = [
    # name, acronym, type, regions
    ("Association Solidarité Labé (fictive)", "ASL", Organisation.Type.NGO, ["GN-L"]),
    (
        "Direction régionale de l'Action sociale de Conakry (fictive)",
        "DRAS-C",
        Organisation.Type.PUBLIC,
        ["GN-C"],
    ),
    ("Centre d'accueil Espoir Kankan (fictif)", "CAEK", Organisation.Type.PROVIDER, ["GN-K"]),
    ("Brigade OPROGEM de Mamou (fictive)", "OPROGEM-M", Organisation.Type.POLICE, ["GN-M"]),
    ("Réseau communautaire Forêt Nzérékoré (fictif)", "RCFN", Organisation.Type.CBO, ["GN-N"]),
    (
        "Bureau de programme ONU Conakry (fictif)",
        "BPO",
        Organisation.Type.UN,
        ["GN-C", "GN-K", "GN-L", "GN-M", "GN-N"],
    ),
]


ALL_REGIONS = ("GN-B", "GN-C", "GN-D", "GN-F", "GN-K", "GN-L", "GN-M", "GN-N")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str
    regions: tuple[str, ...]


ACCOUNTS = [
    DemoAccount("admin", "Mariama", "Camara", "BPO", roles.ADMINISTRATOR, ()),
    # The programme's M&E coordinator acts nationally (every region): sees every session.
    DemoAccount("coordination", "Ibrahima", "Sow", "BPO", roles.COORDINATOR, ALL_REGIONS),
    DemoAccount("superviseur", "Fatoumata", "Diallo", "ASL", roles.CASE_SUPERVISOR, ("GN-L",)),
    DemoAccount("travailleur", "Aïssatou", "Bah", "ASL", roles.CASE_WORKER, ("GN-L",)),
    DemoAccount("prestataire", "Mamadou", "Kouyaté", "CAEK", roles.SERVICE_PROVIDER, ("GN-K",)),
    DemoAccount("oprogem", "Sékou", "Condé", "OPROGEM-M", roles.LAW_ENFORCEMENT, ("GN-M",)),
    DemoAccount("formateur", "Kadiatou", "Sylla", "DRAS-C", roles.TRAINER, ("GN-C",)),
    DemoAccount("ambassadeur", "Alpha", "Barry", "RCFN", roles.MIGRANT_AMBASSADOR, ("GN-N",)),
    DemoAccount("analyste", "Nènè", "Touré", "BPO", roles.ANALYST, ()),
]


def _demo_totp_key(username: str) -> str:
    """A stable per-account key, so that the printed secrets survive a re-run."""
    seed = f"{settings.SECRET_KEY}:demo-totp:{username}".encode()
    return hashlib.sha256(seed).hexdigest()[:40]


def totp_secret_base32(device: Authenticator) -> str:
    """The base32 secret an authenticator application expects."""
    return device.secret_base32


@transaction.atomic
def load_accounts() -> list[tuple[User, str | None]]:
    """Create the demo organisations and accounts; return each account with its TOTP secret."""
    ensure_reference_data()
    orgs = {}
    for name, acronym, org_type, regions in ORGANISATIONS:
        existing_org = Organisation.objects.filter(name=name).first()
        if existing_org is not None:
            orgs[acronym] = existing_org
            continue
        orgs[acronym] = organisation_upsert(
            actor=None,
            name=name,
            acronym=acronym,
            type=org_type,
            region_codes=regions,
            is_fictitious=True,
        )
    result: list[tuple[User, str | None]] = []
    for acct in ACCOUNTS:
        existing = User.objects.filter(username=acct.username).first()
        if (
            existing is not None
            and existing.is_fictitious
            and existing.check_password(DEMO_PASSWORD)
        ):
            user = existing
        else:
            user = user_upsert(
                actor=None,
                username=acct.username,
                organisation=orgs[acct.organisation],
                first_name=acct.first_name,
                last_name=acct.last_name,
                roles=[acct.role],
                region_codes=acct.regions,
                password=DEMO_PASSWORD,
                is_fictitious=True,
                email=f"{acct.username}@demo.egide.invalid",
            )
        secret = None
        if user.role_assignments.filter(role__reads_personal_data=True).exists():
            device, _ = Authenticator.objects.get_or_create(
                user=user,
                name="demo",
                defaults={"key": _demo_totp_key(acct.username), "confirmed": True},
            )
            secret = totp_secret_base32(device)
        result.append((user, secret))
    return result
