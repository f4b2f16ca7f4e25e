"""The service directory, searchable by need, place and criteria."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from egide.accounts.permissions import has_role
from egide.accounts.roles import ROLES
from egide.core.models import Region
from egide.directory.needs import NEED_TYPES
from egide.directory.selectors import services_search


class DirectoryFilterForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), required=False, choices=[("", _("All")), *NEED_TYPES])
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    child = forms.BooleanField(label=_("Accepts children"), required=False)
    man = forms.BooleanField(label=_("Accepts men"), required=False)
    text = forms.CharField(label=_("Name"), required=False, max_length=100)


def directory_view(request: HttpRequest) -> HttpResponse:
    """Every role may look up services (the directory holds no personal data)."""
    if not has_role(request.user, *ROLES):
        raise Http404
    form = DirectoryFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "need": data["need"],
            "region_id": data["region"].pk if data["region"] else None,
            "child": data["child"],
            "man": data["man"],
            "text": data["text"],
        }
    page = Paginator(services_search(**filters), 25).get_page(request.GET.get("page"))
    return render(request, "directory/list.html", {"form": form, "page": page})
