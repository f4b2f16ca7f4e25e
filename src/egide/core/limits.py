"""One set of limits per field, used by forms, the API and imports alike.

* Text: a ``CharField`` keeps its limit in its ``max_length``. Encrypted text has no column
  limit, so its limit is declared here, in :data:`TEXT_LIMITS` (``app.Model.field`` → maximum
  number of characters); :class:`egide.core.fields.EncryptedTextField` reads it, so model
  validation, every ``ModelForm`` and every DRF ``ModelSerializer`` get it without repeating it.
  Hand-written form and serializer fields take it from :func:`text_limit`.
* Dates: every date a person types lies between :data:`DATE_MIN` and :data:`DATE_MAX`
  (1900–2100); :class:`BoundedDateField` (forms) and :func:`check_date` (API, imports) apply it.
* A training session lasts at most :data:`SESSION_MAX_DAYS` days.

``tests/test_limits.py`` walks every form and serializer and fails where one disagrees.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
SESSION_MAX_DAYS = 31
NAME_MAX = 150
PHONE_MAX = 40

TEXT_LIMITS: dict[str, int] = {
    # Alerts: as little identifying data as possible.
    "cases.Alert.person_description": 1000,
    "cases.Alert.what_was_seen": 4000,
    # A person's identity.
    "cases.Case.first_name": NAME_MAX,
    "cases.Case.last_name": NAME_MAX,
    "cases.Case.aliases": 300,
    "cases.Case.birth_date": 10,
    "cases.Case.languages": 200,
    "cases.Case.phone": PHONE_MAX,
    "cases.Case.guardian": 300,
    "cases.Case.closure_note": 1000,
    "cases.Consent.note": 1000,
    "cases.Need.action": 1000,
    "cases.Note.text": 8000,
    "cases.FollowUp.note": 1000,
    "cases.Attachment.filename": 255,
    # Training participants.
    "training.Participant.full_name": 200,
    "training.Participant.phone": PHONE_MAX,
    "training.Participant.email": 254,
    # Outreach, screening, referrals.
    "outreach.Ambassador.full_name": 200,
    "screening.Assessment.person_reference": 40,
    "screening.Assessment.worker_justification": 2000,
    "referrals.Referral.consent_override_reason": 1000,
    "referrals.Referral.answer_reason": 1000,
    # The DHIS2 account's password (a credential, encrypted like personal data).
    "dhis2.Connection.password": 200,
    # Accounts.
    "accounts.User.phone": PHONE_MAX,
    # Interoperability: an SMS (ten segments at most) and its sender; CPIMS+ credentials.
    "interop.SmsDelivery.sender": PHONE_MAX,
    "interop.SmsDelivery.text": 1600,
    "interop.CpimsConnection.username": NAME_MAX,
    "interop.CpimsConnection.password": 200,
}

DATE_OUT_OF_RANGE = _("Give a date between %(min)s and %(max)s.")


def text_limit(label: str) -> int | None:
    """The maximum length of the encrypted field ``app.Model.field``, if it has one."""
    return TEXT_LIMITS.get(label)


def check_date(value: date | None) -> None:
    """Raise ``ValidationError`` when *value* lies outside 1900–2100."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"min": DATE_MIN.year, "max": DATE_MAX.year},
        )


class BoundedDateField(forms.DateField):
    """A form date within 1900–2100 (a typed year 1 or 9999 is refused, not stored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(check_date)
        widget = self.widget
        widget.attrs.setdefault("min", DATE_MIN.isoformat())
        widget.attrs.setdefault("max", DATE_MAX.isoformat())
