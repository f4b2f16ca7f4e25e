"""Loading of the reference data file into the database, idempotently.

Used by the data migration (with historical models) and by tests that flush the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE_FILE = Path(__file__).with_name("data") / "reference.json"


def reference_data() -> dict[str, Any]:
    """The parsed reference data file."""
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def load_reference_data(
    region_model: Any, prefecture_model: Any, commune_model: Any, country_model: Any
) -> None:
    """Create or update regions, prefectures, Conakry's communes and countries."""
    data = reference_data()
    for r in data["regions"]:
        region, _ = region_model.objects.update_or_create(
            code=r["code"], defaults={"name": r["name"], "slug": r["slug"]}
        )
        for code, name in r["prefectures"]:
            prefecture_model.objects.update_or_create(
                code=code, defaults={"name": name, "region": region}
            )
    conakry = region_model.objects.get(code="GN-C")
    communes = data["conakry_communes"]
    for name in communes["names"]:
        commune_model.objects.update_or_create(
            region=conakry,
            list_version=communes["list_version"],
            name=name,
            defaults={"is_current": True, "source": data["sources"]["communes"]},
        )
    for c in data["countries"]:
        country_model.objects.update_or_create(
            code=c["code"],
            defaults={
                "name_fr": c["name_fr"],
                "name_en": c["name_en"],
                "official_name_fr": c["official_name_fr"],
                "official_name_en": c["official_name_en"],
                "shares_border_with_guinea": c["border"],
            },
        )


def ensure_reference_data() -> None:
    """Load the reference data with the current models (tests, `egide demo`)."""
    from egide.core.models import Commune, Country, Prefecture, Region

    load_reference_data(Region, Prefecture, Commune, Country)
