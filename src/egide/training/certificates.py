"""PDF documents of the training: certificates and attendance sheets (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def certificate_pdf(
    *, certificate: Any, participant_name: str, session: Any, verify_url: str
) -> bytes:
    """A one-page A4 certificate carrying its verification code."""
    from weasyprint import HTML

    html = render_to_string(
        "training/certificate.html",
        {
            "certificate": certificate,
            "name": participant_name,
            "session": session,
            "verify_url": verify_url,
        },
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def attendance_pdf(*, session: Any, rows: list[dict[str, Any]]) -> bytes:
    """The attendance sheet to sign on paper, one column per day."""
    from weasyprint import HTML

    html = render_to_string("training/attendance_sheet.html", {"session": session, "rows": rows})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
