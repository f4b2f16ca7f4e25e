"""Read endpoints of the policy module (same access as the pages), and one write endpoint to add
an insecurity to an analysis. Bad input answers 400 with the field named."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egide.core.models import Region
from egide.policy import rules, selectors, services
from egide.policy.models import Analysis, Element, Institution, Instrument, Review
from egide.policy.permissions import can_edit_policy, can_read_policy

UNKNOWN = "Unknown value: %(value)s."


class CanReadPolicy(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return can_read_policy(request.user)
        return can_edit_policy(request.user)


def _bad(field: str, message: str) -> Response:
    return Response({"errors": {field: [message]}}, status=400)


def _sourced(obj: Any) -> dict[str, Any]:
    return {
        "source": obj.source,
        "verification": obj.verification,
        "to_verify": obj.to_verify,
        "confirmed_source": obj.confirmed_source,
    }


# The list endpoints answer a JSON array of objects.
LIST_OF_OBJECTS = {"type": "array", "items": {"type": "object"}}


class InstrumentList(APIView):
    """Instruments with Guinea's status and their provisions, each with its source."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Legal instruments",
        operation_id="policy_instruments_list",
    )
    def get(self, request: Request) -> Response:
        data = []
        for i in Instrument.objects.prefetch_related("provisions"):
            data.append(
                {
                    "code": i.code,
                    "kind": i.kind,
                    "title": {"fr": i.title_fr, "en": i.title_en},
                    "adopted": i.adopted,
                    "in_force": i.in_force,
                    "guinea": {
                        "status": i.guinea_status,
                        "date": i.guinea_date,
                        "source": i.guinea_source,
                        "verification": i.guinea_verification,
                    },
                    **_sourced(i),
                    "provisions": [
                        {
                            "code": p.code,
                            "article": p.article,
                            "topic": p.topic,
                            "summary": {"fr": p.summary_fr, "en": p.summary_en},
                            **_sourced(p),
                        }
                        for p in i.provisions.all()
                    ],
                }
            )
        return Response({"version": "1.0", "instruments": data})


class ReviewList(APIView):
    """Reviews with their overall score."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        responses={200: LIST_OF_OBJECTS},
        summary="Framework reviews",
        operation_id="policy_reviews_list",
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "id": r.pk,
                    "title": r.title,
                    "year": r.year,
                    "overall_score": selectors.review_matrix(r).overall,
                }
                for r in Review.objects.all()
            ]
        )


class ReviewDetail(APIView):
    """A review's matrix: per element, the assessment, its score and the provisions."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="A review's matrix",
        operation_id="policy_review_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        review = Review.objects.filter(pk=pk).first()
        if review is None:
            return Response({"detail": "Not found."}, status=404)
        matrix = selectors.review_matrix(review)
        return Response(
            {
                "id": review.pk,
                "title": review.title,
                "overall_score": matrix.overall,
                "method": "element: compliant 100, partial 50, gap 0, not assessed excluded; "
                "overall: mean of assessed element scores, one decimal",
                "elements": [
                    {
                        "code": row.element.code,
                        "number": row.element.number,
                        "assessment": row.assessment.status
                        if row.assessment
                        else rules.NOT_ASSESSED,
                        "score": row.score,
                        "provisions": [p.code for p in row.assessment.provisions.all()]
                        if row.assessment
                        else [],
                        "recommendations": [i.pk for i in row.recommendations],
                    }
                    for row in matrix.rows
                ],
            }
        )


class TrackerList(APIView):
    """The follow-up tracker; filters `status`, `institution` and `element` (codes)."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(rules.STATUSES)),
            OpenApiParameter("institution", str),
            OpenApiParameter("element", str),
        ],
        responses={200: LIST_OF_OBJECTS},
        summary="Recommendations and measures",
        operation_id="policy_tracker_list",
    )
    def get(self, request: Request) -> Response:
        status = request.query_params.get("status", "")
        if status and status not in rules.STATUSES:
            return _bad("status", UNKNOWN % {"value": status})
        code = request.query_params.get("institution", "")
        institution = None
        if code:
            institution = Institution.objects.filter(code=code).first()
            if institution is None:
                return _bad("institution", UNKNOWN % {"value": code})
        element_code = request.query_params.get("element", "")
        items = selectors.tracker_items(status=status, institution=institution)
        if element_code:
            if not Element.objects.filter(code=element_code).exists():
                return _bad("element", UNKNOWN % {"value": element_code})
            items = items.filter(elements__code=element_code)
        return Response(
            [
                {
                    "id": i.pk,
                    "kind": i.kind,
                    "text": i.text,
                    "status": i.status,
                    "priority": i.priority,
                    "institution": i.institution.code if i.institution else None,
                    "deadline": i.deadline,
                    "overdue": i.is_overdue(),
                    "elements": [e.code for e in i.elements.all()],
                    "analysis": i.analysis_id,
                }
                for i in items
            ]
        )


class AnalysisList(APIView):
    """Latest analysis per locality with its dimension scores; filter `region` (ISO code)."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        parameters=[OpenApiParameter("region", str)],
        responses={200: LIST_OF_OBJECTS},
        summary="Human security heat map",
        operation_id="policy_analyses_list",
    )
    def get(self, request: Request) -> Response:
        region = request.query_params.get("region", "")
        if region and not Region.objects.filter(code=region).exists():
            return _bad("region", UNKNOWN % {"value": region})
        return Response(
            [
                {
                    "id": a.pk,
                    "locality": str(a.locality),
                    "region": a.locality.region.code,
                    "period": [a.period_start, a.period_end],
                    "scores": scores,
                }
                for a, scores in selectors.analyses_with_scores(region)
            ]
        )


class AnalysisDetail(APIView):
    """An analysis: insecurities, ranked measures, and Égide's own counts ("<5" for 1–4)."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="A human security analysis",
        operation_id="policy_analysis_detail",
    )
    def get(self, request: Request, pk: int) -> Response:
        analysis = Analysis.objects.select_related("locality__region").filter(pk=pk).first()
        if analysis is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(
            {
                "id": analysis.pk,
                "title": analysis.title,
                "locality": str(analysis.locality),
                "scores": selectors.analysis_scores(analysis),
                "insecurities": [
                    {
                        "id": i.pk,
                        "dimension": i.dimension,
                        "severity": i.severity,
                        "likelihood": i.likelihood,
                        "drivers": [d.purpose for d in i.drivers.all()],
                        "evidence": [
                            {
                                "indicator": e.indicator,
                                "value": e.value,
                                "source": e.source,
                                "date": e.observed,
                            }
                            for e in i.evidence.all()
                        ],
                    }
                    for i in analysis.insecurities.prefetch_related("drivers", "evidence")
                ],
                "measures": [
                    {"id": m.pk, "rank": r.rank, "priority": r.priority, "status": m.status}
                    for m, r in selectors.ranked_measures(analysis)
                ],
                "egide_evidence": selectors.live_evidence(analysis)["shown"],
            }
        )


class EvidenceSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField(max_length=200)
    value = serializers.CharField(max_length=60)
    source = serializers.CharField(max_length=400, allow_blank=True)
    date = serializers.CharField(max_length=10)


class InsecuritySerializer(serializers.Serializer[Any]):
    dimension = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.IntegerField()
    likelihood = serializers.IntegerField()
    affected_groups = serializers.CharField(max_length=300)
    method = serializers.ChoiceField(choices=["workshop", "focus_group", "key_informant", "survey"])
    evidence = EvidenceSerializer(many=True)


class InsecurityCreate(APIView):
    """Add an insecurity with its evidence to an analysis (analysts and coordinators)."""

    permission_classes = [CanReadPolicy]

    @extend_schema(
        request=InsecuritySerializer,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Add an insecurity",
        operation_id="policy_insecurity_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        analysis = Analysis.objects.filter(pk=pk).first()
        if analysis is None:
            return _bad("analysis", UNKNOWN % {"value": pk})
        serializer = InsecuritySerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"errors": serializer.errors}, status=400)
        data = serializer.validated_data
        try:
            insecurity = services.insecurity_add(
                actor=request.user,
                analysis=analysis,
                dimension=data["dimension"],
                description=data["description"],
                severity=data["severity"],
                likelihood=data["likelihood"],
                affected_groups=data["affected_groups"],
                method=data["method"],
                evidence=[
                    services.EvidenceInput(
                        indicator=e["indicator"],
                        value=e["value"],
                        source=e["source"],
                        observed=e["date"],
                    )
                    for e in data["evidence"]
                ],
            )
        except services.PolicyError as exc:
            return _bad(exc.field, str(exc))
        return Response({"id": insecurity.pk}, status=201)


urlpatterns = [
    path("policy/instruments/", InstrumentList.as_view(), name="policy_instruments"),
    path("policy/reviews/", ReviewList.as_view(), name="policy_reviews"),
    path("policy/reviews/<int:pk>/", ReviewDetail.as_view(), name="policy_review"),
    path("policy/tracker/", TrackerList.as_view(), name="policy_tracker"),
    path("policy/analyses/", AnalysisList.as_view(), name="policy_analyses"),
    path("policy/analyses/<int:pk>/", AnalysisDetail.as_view(), name="policy_analysis"),
    path(
        "policy/analyses/<int:pk>/insecurities/",
        InsecurityCreate.as_view(),
        name="policy_insecurity_create",
    ),
]
