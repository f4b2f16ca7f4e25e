"""The versioned reference data of the policy module: instruments, provisions, framework
elements and institutions (framework-<version>.json), the seven human-security dimensions and
national indicators (humansecurity-<version>.json).

Pure Python reading plus one loader that writes the files into the database idempotently.
Every fact carries a source key and a verification mark (read / secondary / unverified).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")
FRAMEWORK_VERSION = "1.0"
HUMANSECURITY_VERSION = "1.0"
VERIFICATIONS = ("read", "secondary", "unverified")


@functools.cache
def framework_data(version: str = FRAMEWORK_VERSION) -> dict[str, Any]:
    """The parsed framework file of *version*."""
    path = DATA_DIR / f"framework-{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def humansecurity_data(version: str = HUMANSECURITY_VERSION) -> dict[str, Any]:
    """The parsed human-security file of *version*."""
    path = DATA_DIR / f"humansecurity-{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def provision_code(instrument: str, article: str) -> str:
    """The stable code of a provision: ``<instrument>:<article>``."""
    return f"{instrument}:{article}"


def source_text(data: dict[str, Any], key: str) -> str:
    """The citation behind a source key (KeyError when the key is unknown)."""
    return str(data["sources"][key])


def facts(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every sourced item of a reference file with a label saying where it is (for checks)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for instrument in data.get("instruments", []):
        found.append((instrument["code"], instrument))
        found.append((f"{instrument['code']} (Guinea)", instrument["guinea"]))
        for p in instrument["provisions"]:
            found.append((provision_code(instrument["code"], p["article"]), p))
    for element in data.get("elements", []):
        for i, fact in enumerate(element["facts"]):
            found.append((f"{element['code']} fact {i + 1}", fact))
    for institution in data.get("institutions", []):
        found.append((institution["code"], institution))
    for key in ("dimensions", "indicators"):
        for item in data.get(key, []):
            found.append((item["code"], item))
    return found


def load_reference(models: Any) -> None:
    """Write both files into the database (update or create; nothing is deleted).

    *models* gives Instrument, Provision, Element, ElementFact and Institution.
    An item an analyst has confirmed keeps its confirmation.
    """
    data = framework_data()
    src = functools.partial(source_text, data)
    for n, i in enumerate(data["instruments"]):
        instrument, _ = models.Instrument.objects.update_or_create(
            code=i["code"],
            defaults={
                "kind": i["kind"],
                "short": i["short"],
                "title_fr": i["title_fr"],
                "title_en": i["title_en"],
                "adopted": i["adopted"],
                "in_force": i["in_force"],
                "source": src(i["source"]),
                "verification": i["verification"],
                "guinea_status": i["guinea"]["status"],
                "guinea_date": i["guinea"]["date"],
                "guinea_source": src(i["guinea"]["source"]),
                "guinea_verification": i["guinea"]["verification"],
                "position": n,
                "data_version": data["version"],
            },
        )
        for m, p in enumerate(i["provisions"]):
            models.Provision.objects.update_or_create(
                code=provision_code(i["code"], p["article"]),
                defaults={
                    "instrument": instrument,
                    "article": p["article"],
                    "topic": p["topic"],
                    "summary_fr": p["fr"],
                    "summary_en": p["en"],
                    "source": src(p["source"]),
                    "verification": p["verification"],
                    "position": m,
                },
            )
    provisions = {p.code: p for p in models.Provision.objects.all()}
    for e in data["elements"]:
        element, _ = models.Element.objects.update_or_create(
            code=e["code"],
            defaults={"number": e["number"], "name_fr": e["fr"], "name_en": e["en"]},
        )
        element.standards.set([provisions[c] for c in e["standards"]])
        element.national_provisions.set([provisions[c] for c in e["national"]])
        for k, f in enumerate(e["facts"]):
            models.ElementFact.objects.update_or_create(
                element=element,
                position=k,
                defaults={
                    "text_fr": f["fr"],
                    "text_en": f["en"],
                    "source": src(f["source"]),
                    "verification": f["verification"],
                },
            )
    elements = {e.code: e for e in models.Element.objects.all()}
    for inst in data["institutions"]:
        institution, _ = models.Institution.objects.update_or_create(
            code=inst["code"],
            defaults={
                "acronym": inst["acronym"],
                "kind": inst["kind"],
                "name": inst["name"],
                "mandate_fr": inst["mandate_fr"],
                "mandate_en": inst["mandate_en"],
                "source": src(inst["source"]),
                "verification": inst["verification"],
            },
        )
        institution.elements.set([elements[c] for c in inst["elements"]])


def ensure_reference() -> None:
    """Load the reference data with the current models (demo, tests)."""
    from egide.policy import models

    load_reference(models)
