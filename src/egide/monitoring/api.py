"""GET /api/v1/indicators/: every indicator with value, target, trend and disaggregations,
suppressed like the pages (exact counts only for roles that read cases)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egide.monitoring import periods
from egide.monitoring.computation import UnknownRegion, dashboard
from egide.monitoring.forms import PERIOD_MAX, default_period
from egide.monitoring.permissions import can_read_monitoring, suppressed_for
from egide.monitoring.serialize import board_json


class CanReadMonitoring(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_read_monitoring(request.user)


class IndicatorList(APIView):
    """The programme's indicators for a period (DHIS2 syntax) and, optionally, a region."""

    permission_classes = [CanReadMonitoring]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Programme indicators",
        operation_id="indicators_list",
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description="2024, 2024Q3 or 202403 (default: this year); quarters and months "
                "only for roles that read cases.",
            ),
            OpenApiParameter("region", str, description="Region ISO code, e.g. GN-L."),
        ],
    )
    def get(self, request: Request) -> Response:
        period = str(request.query_params.get("period") or default_period())[: PERIOD_MAX + 10]
        region = request.query_params.get("region") or None
        try:
            board = dashboard(period=period, region=region, suppressed=suppressed_for(request.user))
        except periods.PeriodError as exc:
            return Response({"errors": {"period": [str(exc)]}}, status=400)
        except UnknownRegion as exc:
            return Response({"errors": {"region": [str(exc)]}}, status=400)
        return Response(board_json(board))
