"""What the policy pages and reports show: the workshop summary, the SVG heat map, an analysis
with its ranked measures and live evidence, and the PDF (WeasyPrint) and XLSX reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from egide.core.exports import xlsx_workbook_bytes
from egide.policy import rules, selectors
from egide.policy.labels import DIMENSION_LABELS
from egide.policy.models import Analysis, Workshop, WorkshopSeat
from egide.policy.permissions import can_edit_policy

BOUNDARY_VERSION = "ISO 3166-2:GN"
HEAT_COLOURS = ("#f2f2f2", "#fee8c8", "#fdbb84", "#e34a33", "#99000d")
HEAT_TEXT = ("#333333", "#333333", "#333333", "#ffffff", "#ffffff")
HEAT_BANDS = (
    _("none recorded"),
    _("low (1–5)"),
    _("moderate (6–11)"),
    _("high (12–19)"),
    _("very high (20–25)"),
)


def workshop_summary(workshop: Workshop) -> dict[str, Any]:
    """Participants as counts (sex, institution, function) and days attended; never names."""
    seats = list(
        WorkshopSeat.objects.filter(workshop=workshop).select_related(
            "institution", "enrollment__participant"
        )
    )
    by_sex: Counter[str] = Counter()
    by_institution: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    for seat in seats:
        by_sex[seat.enrollment.participant.get_sex_display()] += 1
        by_institution[
            seat.institution.acronym if seat.institution else seat.organisation_name or "—"
        ] += 1
        by_function[seat.function] += 1
    present = 0
    if workshop.session_id:
        from egide.training.models import Attendance

        present = (
            Attendance.objects.filter(enrollment__session_id=workshop.session_id, present=True)
            .values("enrollment_id")
            .distinct()
            .count()
        )
    return {
        "total": len(seats),
        "present": present,
        "by_sex": sorted(by_sex.items()),
        "by_institution": sorted(by_institution.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_function": sorted(by_function.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def heatmap_svg(rows: Sequence[tuple[Analysis, dict[str, int | None]]]) -> SafeString:
    """Localities × dimensions as an SVG drawn on the server (no script; scales to the screen)."""
    label_w, cell, head = 96, 40, 84
    width = label_w + cell * len(rules.DIMENSIONS) + 56  # room for the slanted last label
    height = head + cell * max(len(rows), 1)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-labelledby="heatmap-title"><title id="heatmap-title">{}</title>',
            width,
            height,
            _g("Heat map: dimension scores by locality (the table below gives the same numbers)"),
        )
    ]
    for c, dim in enumerate(rules.DIMENSIONS):
        x = label_w + c * cell + cell // 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" transform="rotate(-45 {} {})" '
                'text-anchor="start">{}</text>',
                x - 4,
                head - 6,
                x - 4,
                head - 6,
                DIMENSION_LABELS[dim],
            )
        )
    for r, (analysis, scores) in enumerate(rows):
        y = head + r * cell
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="13">{}</text>',
                y + cell // 2 + 4,
                str(analysis.locality),
            )
        )
        for c, dim in enumerate(rules.DIMENSIONS):
            score = scores.get(dim)
            level = rules.heat_level(score)
            x = label_w + c * cell
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff">'
                    "<title>{} — {}: {}</title></rect>"
                    '<text x="{}" y="{}" font-size="14" text-anchor="middle" fill="{}">{}</text>',
                    x,
                    y,
                    cell,
                    cell,
                    HEAT_COLOURS[level],
                    str(analysis.locality),
                    DIMENSION_LABELS[dim],
                    "—" if score is None else score,
                    x + cell // 2,
                    y + cell // 2 + 4,
                    HEAT_TEXT[level],
                    "" if score is None else score,
                )
            )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above


def analysis_context(analysis: Analysis, user: Any) -> dict[str, Any]:
    """Everything the analysis page and its reports show."""
    from egide.policy.services import purpose_codes

    insecurities = list(
        analysis.insecurities.prefetch_related("evidence", "drivers", "links", Prefetch("measures"))
    )
    scores = rules.dimension_scores((i.dimension, i.severity, i.likelihood) for i in insecurities)
    baseline_rows = None
    if analysis.baseline_id:
        before = selectors.analysis_scores(analysis.baseline)  # type: ignore[arg-type]
        baseline_rows = [
            (
                DIMENSION_LABELS[d],
                before[d],
                scores[d],
                None if before[d] is None or scores[d] is None else scores[d] - before[d],  # type: ignore[operator]
            )
            for d in rules.DIMENSIONS
        ]
    purposes = purpose_codes()
    return {
        "analysis": analysis,
        "insecurities": [
            (
                i,
                DIMENSION_LABELS.get(i.dimension, i.dimension),
                [purposes.get(d.purpose, d.purpose) for d in i.drivers.all()],
            )
            for i in insecurities
        ],
        "scores": [(DIMENSION_LABELS[d], scores[d]) for d in rules.DIMENSIONS],
        "capacities": analysis.capacities.select_related("provider", "team", "institution"),
        "measures": selectors.ranked_measures(analysis),
        "evidence": _labelled(selectors.live_evidence(analysis)["shown"], purposes),
        "purpose_labels": purposes,
        "baseline_rows": baseline_rows,
        "measure_method": _(
            "Priority of a measure = severity × likelihood of the insecurity it addresses × its "
            "feasibility (each 1–5, so 1 to 125); rank 1 is done first; equal priorities share "
            "a rank."
        ),
        "can_edit": can_edit_policy(user),
    }


def _labelled(shown: dict[str, Any], purposes: dict[str, str]) -> dict[str, Any]:
    """The evidence counts with labels instead of codes."""
    from egide.directory.needs import NEED_TYPES

    needs = dict(NEED_TYPES)
    return {
        **shown,
        "screenings_by_purpose": [
            (purposes.get(k, k), v) for k, v in sorted(shown["screenings_by_purpose"].items())
        ],
        "referrals_by_need": [
            (str(needs.get(k, k)), v) for k, v in sorted(shown["referrals_by_need"].items())
        ],
    }


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def review_pdf(matrix: selectors.Matrix, method: Any) -> bytes:
    """The review as PDF: matrix, gaps and recommendations with their status."""
    return _pdf("policy/review_report.html", {"matrix": matrix, "method": method})


def analysis_pdf(context: dict[str, Any]) -> bytes:
    return _pdf("policy/analysis_report.html", context)


def review_xlsx(matrix: selectors.Matrix, method: Any) -> bytes:
    head = [
        _g("No."),
        _g("Element"),
        _g("Assessment"),
        _g("Score"),
        _g("National provisions"),
        _g("Evidence"),
        _g("Reasoning"),
    ]
    rows: list[list[Any]] = [head]
    recs: list[list[Any]] = [
        [_g("Recommendation"), _g("Elements"), _g("Institution"), _g("Deadline"), _g("Status")]
    ]
    for row in matrix.rows:
        a = row.assessment
        rows.append(
            [
                row.element.number,
                row.element.name,
                a.get_status_display() if a else _g("not assessed"),
                "" if row.score is None else row.score,
                "; ".join(str(p) for p in a.provisions.all()) if a else "",
                a.evidence if a else "",
                a.reasoning if a else "",
            ]
        )
    for item in matrix.review.recommendations.select_related("institution").prefetch_related(
        "elements"
    ):
        recs.append(
            [
                item.text,
                ", ".join(str(e.number) for e in item.elements.all()),
                item.institution.acronym if item.institution else "",
                item.deadline.isoformat() if item.deadline else "",
                item.get_status_display(),
            ]
        )
    rows.append([])
    rows.append([_g("Overall score"), "" if matrix.overall is None else matrix.overall])
    rows.append([_g("Method"), str(method)])
    return xlsx_workbook_bytes([(_g("Matrix"), rows), (_g("Recommendations"), recs)])


def analysis_xlsx(context: dict[str, Any]) -> bytes:
    ins: list[list[Any]] = [
        [
            _g("Dimension"),
            _g("Insecurity"),
            _g("Severity"),
            _g("Likelihood"),
            _g("Risk"),
            _g("Affected groups"),
            _g("Evidence"),
        ]
    ]
    for i, label, _drivers in context["insecurities"]:
        ins.append(
            [
                str(label),
                i.description,
                i.severity,
                i.likelihood,
                i.risk,
                i.affected_groups,
                "; ".join(
                    f"{e.indicator}: {e.value} ({e.source}, {e.observed})" for e in i.evidence.all()
                ),
            ]
        )
    measures: list[list[Any]] = [
        [_g("Rank"), _g("Priority"), _g("Measure"), _g("Kind"), _g("Status")]
    ]
    for m, r in context["measures"]:
        measures.append([r.rank, r.priority, m.text, m.get_kind_display(), m.get_status_display()])
    scores = [[_g("Dimension"), _g("Score")]] + [
        [str(d), "" if s is None else s] for d, s in context["scores"]
    ]
    return xlsx_workbook_bytes(
        [(_g("Insecurities"), ins), (_g("Measures"), measures), (_g("Dimensions"), scores)]
    )
