"""Version 1 of the REST API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egide.api.serializers import MeSerializer


class MeView(APIView):
    """The account behind the token or session."""

    @extend_schema(responses=MeSerializer, summary="The signed-in account")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
