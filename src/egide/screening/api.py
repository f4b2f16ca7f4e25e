"""Screening API: evaluate a document (same contract as `egide screen`), read the catalogue."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
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


class EvaluateQuery(serializers.Serializer[Any]):
    lang = serializers.ChoiceField(
        choices=["fr", "en"], default="fr", help_text="Language of the reasons."
    )


class EvaluateView(APIView):
    """Apply the screening rules to one document; nothing is saved."""

    permission_classes = [CanScreen]

    @extend_schema(
        summary="Screen one person (rule set 1.0)",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        parameters=[EvaluateQuery],
        examples=[OpenApiExample("Child domestic worker", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        query = EvaluateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        lang = query.validated_data["lang"]
        try:
            return Response(screen_document(request.data, lang))
        except InputError as exc:
            return Response({"errors": {exc.field: [exc.message]}}, status=400)


class CatalogueView(APIView):
    """The indicator catalogue: codes, strengths, FR/EN wording and sources."""

    @extend_schema(summary="Indicator catalogue", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(load_catalogue().as_document())
