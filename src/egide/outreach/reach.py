"""The programme's reach against its targets, computed from the records.

People trained are unique participants (a person trained twice counts once); dialogue reach is
a sum of counts and may overlap (the same person can attend two dialogues).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Sum

from egide.core import suppression
from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Dialogue

# The reach page is a view of the results framework (egide.monitoring): these keys name the
# framework's indicators, whose targets (with their sources) live in its data file.
INDICATORS = {
    "people_trained": "II.1",
    "community_leaders_reached": "III.1",
    "webinar_participants": "IV.1",
    "migrant_ambassadors": "III.3",
    "people_reached_by_dialogues": "III.2",
}


def _programme_targets() -> dict[str, int]:
    from egide.monitoring import framework

    fw = framework.load()
    targets = {}
    for key, code in INDICATORS.items():
        programme = [t for t in fw.indicator(code).targets if t.period is None and t.region is None]
        targets[key] = int(programme[0].value)
    return targets


TARGETS = _programme_targets()


def month_bounds(date_from: date | None, date_to: date | None) -> tuple[date | None, date | None]:
    """The dates widened to whole calendar months (egide.policy.rules.whole_months): with
    dates free to the day, two figures one day apart would give, by difference, the count of
    one day in one place even when each is shown as "<5". Dates in the wrong order are swapped.
    """
    from egide.policy.rules import whole_months

    if date_from and date_to and date_to < date_from:
        date_from, date_to = date_to, date_from
    start = whole_months(date_from, date_from)[0] if date_from else None
    end = whole_months(date_to, date_to)[1] if date_to else None
    return start, end


def reach(
    *,
    region_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    suppressed: bool = False,
) -> dict[str, Any]:
    """Totals for a region and period, with targets and the share reached, computed by the
    monitoring app's indicator queries, over whole months (see month_bounds). With *suppressed*
    (roles that cannot read cases), counts of 1 to 4 are None in the figures and "<5" as shown
    (egide.core.suppression)."""
    from egide.core.models import Region
    from egide.monitoring.computation import span_values

    date_from, date_to = month_bounds(date_from, date_to)
    code = None
    if region_id:
        code = Region.objects.filter(pk=region_id).values_list("code", flat=True).first()
    values = span_values(
        codes=list(INDICATORS.values()),
        start=date_from,
        end=date_to,
        region=code,
        suppressed=suppressed,
    )
    totals = {key: values[c].value for key, c in INDICATORS.items()}
    dialogues = Dialogue.objects.all()
    if region_id:
        dialogues = dialogues.filter(region_id=region_id)
    if date_from:
        dialogues = dialogues.filter(held_on__gte=date_from)
    if date_to:
        dialogues = dialogues.filter(held_on__lte=date_to)
    sums = dialogues.aggregate(
        **{f: Sum(f) for f, _s, _a in REACH_FIELDS}, **{f: Sum(f) for f in AUDIENCE_FIELDS}
    )
    sums = {k: v or 0 for k, v in sums.items()}
    by_sex_age = {f: sums[f] for f, _s, _a in REACH_FIELDS}
    by_audience = {f: sums[f] for f in AUDIENCE_FIELDS}
    if suppressed:
        line = suppression.suppress_line(by_sex_age)
        by_sex_age = {f: c.public_value for f, c in line.cells.items()}
        # Audiences overlap (a youth can be a returnee): no line, primary suppression only.
        by_audience = {f: None if suppression.is_small(n) else n for f, n in by_audience.items()}
    return {
        "totals": totals,
        "shown": {key: values[c].text for key, c in INDICATORS.items()},
        "targets": TARGETS,
        "percent": {
            k: None if totals[k] is None else round(100 * totals[k] / TARGETS[k], 1)
            for k in TARGETS
        },
        "dialogue_reach_by_sex_age": by_sex_age,
        "dialogue_reach_by_audience": by_audience,
        "dialogues": dialogues.count(),
        "dialogue_reach_may_overlap": True,
        "date_from": date_from,
        "date_to": date_to,
    }


def own_reach(*, ambassador_id: int) -> dict[str, Any]:
    """The dialogues one ambassador facilitated: how many, and whom they reached."""
    dialogues = Dialogue.objects.filter(ambassador_id=ambassador_id)
    sums = dialogues.aggregate(
        **{f: Sum(f) for f, _s, _a in REACH_FIELDS}, **{f: Sum(f) for f in AUDIENCE_FIELDS}
    )
    sums = {k: v or 0 for k, v in sums.items()}
    return {
        "dialogues": dialogues.count(),
        "people_reached": sum(sums[f] for f, _s, _a in REACH_FIELDS),
        "leaders_reached": sums["community_leaders"] + sums["religious_leaders"],
        "by_audience": {f: sums[f] for f in AUDIENCE_FIELDS},
        "last": dialogues.order_by("-held_on").values_list("held_on", flat=True).first(),
    }
