"""Which target applies to an indicator in a period and scope: one an administrator set for
that period and region (``monitoring.Target``), else the framework file's for that period and
region, else, for the whole country, the file's life-of-programme target."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from egide.monitoring import periods
from egide.monitoring.framework import Indicator, load


def target_for(indicator: Indicator, period: periods.Period, region: Any | None) -> Any:
    from egide.monitoring.computation import TargetValue
    from egide.monitoring.models import Target

    row = Target.objects.filter(indicator=indicator.code, period=period.id, region=region).first()
    if row is not None:
        return TargetValue(float(row.value), row.source, _("target for %(period)s") % {"period": period.id})
    code = region.code if region is not None else None
    for t in indicator.targets:
        if t.period == period.id and t.region == code:
            return TargetValue(t.value, t.source, _("target for %(period)s") % {"period": period.id})
    if region is None:
        for t in indicator.targets:
            if t.period is None and t.region is None:
                from django.utils.translation import get_language

                return TargetValue(t.value, t.source, load().programme_label.get(get_language()))
    return None
