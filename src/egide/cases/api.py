"""API v1 for alerts, cases, referrals and services: the same selectors and services as pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egide.audit.services import audit_record
from egide.cases import services
from egide.cases.models import URGENCY_CHOICES, Alert, Case
from egide.cases.permissions import can_open_cases, can_raise_alert
from egide.cases.selectors import alerts_for, cases_search, get_case_for_user_or_404
from egide.core.limits import check_date
from egide.core.models import Prefecture, Region
from egide.directory.models import Service
from egide.directory.selectors import services_search
from egide.referrals import services as referral_services
from egide.referrals.models import Referral
from egide.referrals.permissions import can_answer
from egide.referrals.selectors import referrals_for


class CanRaiseAlert(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_raise_alert(request.user)


class CanOpenCases(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_open_cases(request.user)


class AlertSerializer(serializers.ModelSerializer[Alert]):
    code = serializers.CharField(read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    prefecture = serializers.SlugRelatedField(
        slug_field="code", required=False, allow_null=True, queryset=Prefecture.objects.all()
    )
    urgency = serializers.ChoiceField(choices=URGENCY_CHOICES)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "code",
            "created_at",
            "region",
            "prefecture",
            "locality",
            "border_point",
            "seen_on",
            "person_description",
            "what_was_seen",
            "urgency",
            "child_concerned",
            "status",
            "due_at",
            "is_overdue",
        ]
        read_only_fields = ["id", "created_at", "status", "due_at"]
        # Text limits come from the model (egide.core.limits): the same as the alert form's.
        extra_kwargs = {"seen_on": {"validators": [check_date]}}

    def validate_seen_on(self, value: Any) -> Any:
        from django.utils import timezone

        if value > timezone.localdate():
            raise ValidationError("This date is in the future.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        prefecture = attrs.get("prefecture")
        if prefecture and prefecture.region_id != attrs["region"].pk:
            raise ValidationError({"prefecture": "This prefecture is not in the chosen region."})
        return attrs


class AlertListCreate(generics.ListCreateAPIView[Alert]):
    """Alerts the caller raised or supervises; POST raises one."""

    permission_classes = [CanRaiseAlert]
    serializer_class = AlertSerializer

    def get_queryset(self) -> Any:
        return alerts_for(self.request.user).select_related("prefecture")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.alert_raise(
            actor=self.request.user, **serializer.validated_data
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The list carries person descriptions: the read is audited (count only, no content)."""
        response = super().list(request, *args, **kwargs)
        audit_record(
            actor=request.user, action="alert.listed_api", details={"count": len(response.data)}
        )
        return response


class CaseSummarySerializer(serializers.ModelSerializer[Case]):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "code", "status", "region", "child", "sex", "opened_at", "closed_at"]


class CaseDetailSerializer(CaseSummarySerializer):
    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "first_name",
            "last_name",
            "aliases",
            "birth_date",
            "birth_year",
            "languages",
            "phone",
            "guardian",
        ]


class CaseListQuery(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A case code or a name."
    )
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)


class CaseList(generics.ListAPIView[Case]):
    """Cases the caller may see; `q` searches a code or a name (blind index; audited)."""

    permission_classes = [CanOpenCases]
    serializer_class = CaseSummarySerializer

    @extend_schema(parameters=[CaseListQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = CaseListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        response = self.list(request, *args, **kwargs)
        q = query.validated_data.get("q", "")
        if q.strip():
            # Searching a name tells whether that person has a case: audited like the page.
            audit_record(
                actor=request.user,
                action="case.searched",
                details={
                    "by": "code" if "GN-" in q.upper() else "name",
                    "results": len(response.data),
                    "channel": "api",
                },
            )
        return response

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return cases_search(
            self.request.user, q=params.get("q", ""), status=params.get("status", "")
        )


class CaseDetail(APIView):
    """One case with its identity (the read is audited)."""

    permission_classes = [CanOpenCases]

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            case = get_case_for_user_or_404(request.user, pk)
        except Http404 as exc:
            raise NotFound from exc
        services.case_viewed(actor=request.user, case=case)
        return Response(CaseDetailSerializer(case).data)


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    code = serializers.CharField(read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True)
    need_type = serializers.CharField(source="service.need_type", read_only=True)
    provider = serializers.CharField(source="provider.name", read_only=True)
    shared = serializers.DictField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "code",
            "case_code",
            "need_type",
            "provider",
            "urgency",
            "status",
            "created_at",
            "due_at",
            "cross_border",
            "shared",
        ]


class ReferralList(generics.ListAPIView[Referral]):
    """Referrals addressed to the caller's organisation or sent for the caller's cases."""

    serializer_class = ReferralSerializer

    def get_queryset(self) -> Any:
        return referrals_for(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        audit_record(
            actor=request.user, action="referral.listed_api", details={"count": len(response.data)}
        )
        return response


class AnswerSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["accept", "decline", "deliver", "not_deliver"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ReferralAnswer(APIView):
    """The addressed provider accepts, declines, or records (non-)delivery."""

    @extend_schema(request=AnswerSerializer, responses=ReferralSerializer)
    def post(self, request: Request, pk: int) -> Response:
        referral = referrals_for(request.user).filter(pk=pk).first()
        if referral is None or not can_answer(request.user, referral):
            raise NotFound
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action, reason = body.validated_data["action"], body.validated_data.get("reason", "")
        try:
            if action == "accept":
                referral_services.referral_accept(actor=request.user, referral=referral)
            elif action == "decline":
                referral_services.referral_decline(
                    actor=request.user, referral=referral, reason=reason
                )
            else:
                referral_services.referral_record_delivery(
                    actor=request.user,
                    referral=referral,
                    delivered=action == "deliver",
                    outcome=reason,
                )
        except referral_services.ReferralRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReferralSerializer(referral).data)


class ServiceSerializer(serializers.ModelSerializer[Service]):
    provider = serializers.CharField(source="provider.name", read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "need_type",
            "provider",
            "regions",
            "address",
            "phone",
            "opening_hours",
            "languages",
            "capacity",
            "accepts_children",
            "accepts_men",
        ]


class ServiceList(generics.ListAPIView[Service]):
    """The service directory; filter with `need` and `region` (ISO code)."""

    serializer_class = ServiceSerializer

    def get_queryset(self) -> Any:
        params = self.request.query_params
        region = Region.objects.filter(code=params.get("region", "")).first()
        return services_search(need=params.get("need", ""), region_id=region.pk if region else None)
