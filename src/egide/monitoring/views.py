"""Monitoring pages: the programme overview, one page per objective, per region and per
indicator (with its counting rule), and the donor report's request. Figures are suppressed for
everyone who cannot read cases."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egide.core.models import Region
from egide.jobs.services import job_start
from egide.monitoring import charts, framework, periods
from egide.monitoring.computation import YEARS_ONLY, Dashboard, Result, dashboard
from egide.monitoring.forms import DashboardFilterForm, DonorReportForm, default_period
from egide.monitoring.permissions import can_read_monitoring, suppressed_for

REPORT_KIND = "monitoring.donor_report"


def _allowed(request: HttpRequest) -> None:
    if not can_read_monitoring(request.user):
        raise Http404


def _board(
    request: HttpRequest, *, region: str | None = None, codes: list[str] | None = None
) -> tuple[DashboardFilterForm, Dashboard | None]:
    data = request.GET.copy()
    if region:
        data["region"] = region
    form = DashboardFilterForm(data or None, initial={"period": default_period()})
    if data and not form.is_valid():
        return form, None
    cleaned = form.cleaned_data if data else {}
    chosen = cleaned.get("region")
    try:
        board = dashboard(
            period=cleaned.get("period") or default_period(),
            region=chosen.code if chosen else None,
            suppressed=suppressed_for(request.user),
            sex=cleaned.get("sex") or "",
            age_band=cleaned.get("age_band") or "",
            codes=codes,
        )
    except periods.YearsOnlyError as exc:
        form.add_error("period", str(exc))
        return form, None
    return form, board


def _card(result: Result, index: int, *, with_bars: bool) -> dict[str, Any]:
    name = result.name
    card: dict[str, Any] = {
        "result": result,
        "gauge": charts.gauge(
            result.percent_of_target,
            _("%(name)s: share of the target reached") % {"name": name},
            f"gauge-{index}",
        ),
        "trend": charts.trend(
            result.trend, _("%(name)s: trend over the periods") % {"name": name}, f"trend-{index}"
        ),
        "bars": [],
    }
    if with_bars:
        for n, b in enumerate(result.breakdowns):
            card["bars"].append(
                (
                    b,
                    charts.bars(
                        b.rows,
                        _("%(name)s by %(dimension)s")
                        % {"name": name, "dimension": b.label.lower()},
                        f"bars-{index}-{n}",
                    ),
                )
            )
    return card


def _sections(board: Dashboard, *, with_bars: bool) -> list[dict[str, Any]]:
    fw = framework.load()
    language = get_language()
    sections = []
    index = 0
    for objective in (fw.goal, *fw.objectives):
        cards = []
        for result in board.of_objective(objective.code):
            cards.append(_card(result, index, with_bars=with_bars))
            index += 1
        if cards:
            sections.append(
                {"objective": objective, "name": objective.name.get(language), "cards": cards}
            )
    return sections


def _context(form: DashboardFilterForm, board: Dashboard | None, **extra: Any) -> dict[str, Any]:
    fw = framework.load()
    language = get_language()
    return {
        "form": form,
        "board": board,
        "sections": _sections(board, with_bars=extra.pop("with_bars", False)) if board else [],
        "objectives": [(o.code, o.name.get(language)) for o in fw.objectives],
        "regions": Region.objects.order_by("name"),
        "framework": fw,
        **extra,
    }


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The programme overview: every indicator with value, target, share and trend."""
    _allowed(request)
    form, board = _board(request)
    return render(request, "monitoring/dashboard.html", _context(form, board))


@login_required
def region_view(request: HttpRequest, code: str) -> HttpResponse:
    """The overview for one region."""
    _allowed(request)
    region = Region.objects.filter(code=code.upper()).first()
    if region is None:
        raise Http404
    form, board = _board(request, region=region.code)
    return render(
        request,
        "monitoring/dashboard.html",
        _context(form, board, scope_region=region, with_bars=True),
    )


@login_required
def objective_view(request: HttpRequest, code: str) -> HttpResponse:
    """One objective's indicators with their disaggregations."""
    _allowed(request)
    fw = framework.load()
    if code not in {o.code for o in (fw.goal, *fw.objectives)}:
        raise Http404
    form, board = _board(request, codes=[i.code for i in fw.of_objective(code)])
    return render(
        request,
        "monitoring/dashboard.html",
        _context(
            form, board, objective=fw.objective(code).name.get(get_language()), with_bars=True
        ),
    )


@login_required
def indicator_view(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator: definition, counting rule, target and its source, disaggregations."""
    _allowed(request)
    try:
        indicator = framework.load().indicator(code)
    except KeyError:
        raise Http404 from None
    form, board = _board(request, codes=[indicator.code])
    card = _card(board.results[0], 0, with_bars=True) if board else None
    return render(
        request,
        "monitoring/indicator.html",
        {
            "form": form,
            "board": board,
            "indicator": indicator,
            "card": card,
            "objective": framework.load().objective(indicator.objective).name.get(get_language()),
        },
    )


@login_required
def report_view(request: HttpRequest) -> HttpResponse:
    """Ask for the donor report (quarter or year, country or region): a background job."""
    _allowed(request)
    form = DonorReportForm(request.POST or None, initial={"period": default_period()})
    if (
        request.method == "POST"
        and form.is_valid()
        and suppressed_for(request.user)
        and periods.parse(form.cleaned_data["period"]).type is not periods.PeriodType.YEARLY
    ):
        form.add_error("period", str(YEARS_ONLY))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = data["region"]
        label = _("Donor report %(period)s %(scope)s (%(format)s)") % {
            "period": data["period"],
            "scope": region.name if region else _("whole country"),
            "format": data["format"].upper(),
        }
        job = job_start(
            actor=request.user,
            kind=REPORT_KIND,
            label=label,
            params={
                "period": data["period"],
                "region": region.code if region else None,
                "format": data["format"],
                "language": get_language() or "fr",
                "suppressed": suppressed_for(request.user),
            },
        )
        return redirect("jobs:detail", pk=job.pk)
    return render(request, "monitoring/report.html", {"form": form})
