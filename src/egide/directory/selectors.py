"""Searching the service directory."""

from __future__ import annotations

from django.db.models import QuerySet

from egide.directory.models import Service


def services_search(
    *,
    need: str = "",
    region_id: int | None = None,
    prefecture_id: int | None = None,
    child: bool | None = None,
    man: bool | None = None,
    text: str = "",
) -> QuerySet[Service]:
    """Active services matching the criteria (the directory is not personal data)."""
    qs = (
        Service.objects.filter(is_active=True, provider__is_active=True)
        .select_related("provider", "provider__country")
        .prefetch_related("regions")
    )
    if need:
        qs = qs.filter(need_type=need)
    if region_id:
        qs = qs.filter(regions__id=region_id)
    if prefecture_id:
        qs = qs.filter(prefectures__id=prefecture_id)
    if child:
        qs = qs.filter(accepts_children=True)
    if man:
        qs = qs.filter(accepts_men=True)
    if text:
        qs = qs.filter(name__icontains=text) | qs.filter(provider__name__icontains=text)
    return qs.distinct()
