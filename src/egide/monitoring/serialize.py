"""The dashboard as JSON, for the API and the command line (same figures as the pages)."""

from __future__ import annotations

from typing import Any

from egide.monitoring.computation import Dashboard


def board_json(board: Dashboard) -> dict[str, Any]:
    return {
        "period": board.period_text,
        "period_start": board.period.start.isoformat(),
        "period_end": board.period.end.isoformat(),
        "region": board.region.code if board.region else None,
        "suppressed": board.suppressed,
        "indicators": [
            {
                "code": r.indicator.code,
                "name": r.name,
                "objective": r.indicator.objective,
                "unit": r.indicator.unit,
                "value": r.value.value,
                "shown": r.value.text,
                "target": r.target.value if r.target else None,
                "target_label": r.target.label if r.target else None,
                "target_source": r.target.source if r.target else None,
                "percent_of_target": r.percent_of_target,
                "counting_rule": r.counting_rule,
                "trend": [{"period": t.key, "value": t.value, "shown": t.text} for t in r.trend],
                "disaggregations": [
                    {"dimension": b.dimension, "category": row.key, "value": row.value, "shown": row.text}
                    for b in r.breakdowns
                    for row in b.rows
                ]
                + [
                    {
                        "dimension": "sex×age_band",
                        "category": f"{sex}×{age}",
                        "value": v.value,
                        "shown": v.text,
                    }
                    for sex, age, v in r.cross
                ],
            }
            for r in board.results
        ],
    }
