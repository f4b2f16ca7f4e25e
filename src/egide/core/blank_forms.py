"""Blank forms written once: the fields of a form that shows the same to everyone.

A page such as the case file shows eight small blank forms (status, consent, need, note...).
Their HTML depends only on the form class, its ids, its initial values and the language: it is
written once per process and reused, and the form itself is built only when its HTML is not yet
known (building and writing them cost 3.9 ms of the case file's 18 ms of CPU, measured). A
bound form (its values, its errors) is written anew every time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

FIELDS_TEMPLATE = "egide/fields.html"
# Blank forms already written, by class, ids, initial values, language and day. Bounded: the
# keys are few (a dozen forms × languages × a status or two), but nothing grows without end.
_WRITTEN: dict[tuple[Any, ...], SafeString] = {}
_WRITTEN_MAX = 512


@dataclass(frozen=True)
class BlankForm:
    """A blank form to show, built only if its HTML was not written yet.

    *form_class* must say ``same_for_everyone = True``: fixed choices, nothing read from the
    database, the request or the person."""

    form_class: type[Any]
    auto_id: str = "id_%s"
    initial: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not getattr(self.form_class, "same_for_everyone", False):
            raise TypeError(f"{self.form_class.__name__} does not say same_for_everyone = True")

    def build(self) -> Any:
        return self.form_class(auto_id=self.auto_id, initial=self.initial or None)


# Initial values that may be part of a key: their repr is their value.
_PLAIN = (str, int, float, bool, type(None), date)


def fields_html(form: Any) -> SafeString:
    """The fields of *form* (a form or a :class:`BlankForm`) as ``egide/fields.html`` writes
    them. Only a :class:`BlankForm` with plain initial values is written once; a form given as
    such (its prefix, its fields as changed after it was built, its errors) is written anew."""
    if not isinstance(form, BlankForm):
        return render_to_string(FIELDS_TEMPLATE, {"form": form})
    if not all(isinstance(value, _PLAIN) for value in form.initial.values()):
        return render_to_string(FIELDS_TEMPLATE, {"form": form.build()})
    key = (
        form.form_class,
        form.auto_id,
        tuple(sorted((name, repr(value)) for name, value in form.initial.items())),
        translation.get_language(),
        timezone.localdate(),  # an initial value of "today" changes at midnight
    )
    html = _WRITTEN.get(key)
    if html is None:
        html = render_to_string(FIELDS_TEMPLATE, {"form": form.build()})
        if len(_WRITTEN) >= _WRITTEN_MAX:
            _WRITTEN.clear()
        _WRITTEN[key] = html
    return html
