"""The donor report (a quarter or a year, the country or a region) as XLSX and PDF, built from
the very Dashboard the pages show, so its values are the dashboard's."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from egide.core.exports import xlsx_workbook_bytes
from egide.monitoring import charts, framework
from egide.monitoring.computation import Dashboard, Value


def _cell(v: Value | Any) -> Any:
    """A figure as written to the sheet: the number when shown, else the text shown."""
    return v.value if isinstance(v.value, int | float) else v.text


def summary_rows(board: Dashboard) -> list[list[Any]]:
    header = [
        _("Code"),
        _("Indicator"),
        _("Objective"),
        _("Value"),
        _("Target"),
        _("% of target"),
        *[_("Value %(period)s") % {"period": t.label} for t in board.results[0].trend],
        _("Source of the target"),
    ]
    fw = framework.load()
    rows: list[list[Any]] = [header]
    for r in board.results:
        rows.append(
            [
                r.indicator.code,
                r.name,
                fw.objective(r.indicator.objective).name.get(_language()),
                _cell(r.value),
                r.target.value if r.target else "—",
                r.percent_of_target if r.percent_of_target is not None else "—",
                *[_cell(t) for t in r.trend],
                r.target.source if r.target else "",
            ]
        )
    return rows


def breakdown_rows(board: Dashboard) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Code"), _("Indicator"), _("Disaggregation"), _("Category"), _("Value")]]
    for r in board.results:
        for b in r.breakdowns:
            for row in b.rows:
                rows.append([r.indicator.code, r.name, b.label, row.label, _cell(row)])
    return rows


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or "fr"


def _about(board: Dashboard) -> list[list[Any]]:
    return [
        [_("Report"), _("Donor report")],
        [_("Period"), board.period_text],
        [_("Scope"), board.region.name if board.region else _("whole country")],
        [_("Framework version"), framework.load().version],
        [
            _("Small counts"),
            _("“<5”: 1 to 4; “x”: hidden so that a small count cannot be worked out from a total.")
            if board.suppressed
            else _("Exact counts (prepared by a role that reads cases)."),
        ],
    ]


def xlsx(board: Dashboard) -> bytes:
    return xlsx_workbook_bytes(
        [
            (_("Indicators"), summary_rows(board)),
            (_("Disaggregations"), breakdown_rows(board)),
            (_("About"), _about(board)),
        ]
    )


def pdf(board: Dashboard) -> bytes:
    from weasyprint import HTML

    fw = framework.load()
    sections = []
    for objective in (fw.goal, *fw.objectives):
        results = board.of_objective(objective.code)
        if results:
            sections.append(
                {
                    "name": objective.name.get(_language()),
                    "results": [
                        (r, charts.trend(r.trend, r.name, f"t-{r.indicator.code}")) for r in results
                    ],
                }
            )
    html = render_to_string(
        "monitoring/report_pdf.html", {"board": board, "sections": sections, "about": _about(board)}
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
