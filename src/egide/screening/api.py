"""Screening API: evaluate a document (same contract as `egide screen`), read the catalogue."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egide.screening.catalogue import load_catalogue
from egide.screening.contract import InputError
from egide.screening.permissions import can_screen
from egide.screening.rules import screen_document

EXAMPLE = {
    "person": {"age": 16, "may_be_child": False, "sex": "female"},
    "indicators": [
        "act.recruited",
        "purpose.domestic_servitude",
        "exploitative_conditions.excessive_working_hours",
    ],
    "movement": {"crossed_border": False, "irregular_entry": None, "paid_facilitator": None},
    "gbv": [],
}


class CanScreen(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_screen(request.user)


class EvaluateView(APIView):
    """Apply the screening rules to one document; nothing is saved."""

    permission_classes = [CanScreen]

    @extend_schema(
        summary="Screen one person (rule set 1.0)",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("lang", str, enum=["fr", "en"], description="reasons' language")
        ],
        examples=[OpenApiExample("Child domestic worker", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        lang = "en" if request.query_params.get("lang") == "en" else "fr"
        try:
            return Response(screen_document(request.data, lang))
        except InputError as exc:
            return Response({"errors": {exc.field: [exc.message]}}, status=400)


class CatalogueView(APIView):
    """The indicator catalogue: codes, strengths, FR/EN wording and sources."""

    @extend_schema(summary="Indicator catalogue", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(load_catalogue().as_document())
