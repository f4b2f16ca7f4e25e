"""Who holds which role, where; and who must confirm their login with a second factor."""

from __future__ import annotations

from typing import Any

from egide.accounts.roles import ADMINISTRATOR

_CACHE = "_egide_roles"
_REGIONS_CACHE = "_egide_role_regions"


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_codes(user: Any) -> frozenset[str]:
    """The role codes *user* holds (cached on the user object for the request). The same query
    reads the regions listed on each assignment: a page asking for roles and regions costs one
    query, not two."""
    if not _active(user):
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is None:
        codes: set[str] = set()
        regions: dict[str, set[int]] = {}
        for code, region_id in user.role_assignments.values_list("role__code", "regions__id"):
            codes.add(code)
            if region_id is not None:
                regions.setdefault(code, set()).add(region_id)
        if user.is_superuser:
            codes.add(ADMINISTRATOR)
        cached = frozenset(codes)
        setattr(user, _CACHE, cached)
        setattr(user, _REGIONS_CACHE, {c: frozenset(ids) for c, ids in regions.items()})
    return cached


def has_role(user: Any, *codes: str) -> bool:
    """True when *user* is active and holds at least one of *codes*."""
    return bool(role_codes(user).intersection(codes))


def requires_second_factor(user: Any) -> bool:
    """True when one of the user's roles can read personal data (or the user is a superuser)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return bool(user.role_assignments.filter(role__reads_personal_data=True).exists())


def region_ids_for_role(user: Any, code: str) -> set[int]:
    """Regions where *user* acts in role *code*: the assignment's, else the organisation's
    (cached on the user object for the request, like the role codes)."""
    if not has_role(user, code):
        return set()
    cached: dict[str, frozenset[int]] | None = getattr(user, _REGIONS_CACHE, None)
    if cached is None:
        cached = {}
        setattr(user, _REGIONS_CACHE, cached)
    if code not in cached:  # the assignment lists no region: the organisation's
        cached[code] = frozenset(_organisation_region_ids(user))
    return set(cached[code])


def _organisation_region_ids(user: Any) -> set[int]:
    from egide.accounts.models import Organisation

    if user.organisation_id is None:
        return set()
    return set(
        Organisation.regions.through.objects.filter(
            organisation_id=user.organisation_id
        ).values_list("region_id", flat=True)
    )


def can_use_admin(user: Any) -> bool:
    """Django's admin is for administrators whose login was confirmed with a second factor."""
    return has_role(user, ADMINISTRATOR) and bool(getattr(user, "is_verified", lambda: False)())
