"""Upload of an offline export, and the correction of a rejected submission's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.fielddata.exports import MAX_UPLOAD_BYTES

TOO_BIG = _("The file is larger than %(mb)s MB: split the export (by date) and upload each part.")


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "ODK Central: Submissions → Download → .csv.zip. KoboToolbox: Data → Downloads → "
            "XLS or JSON, with XML values and headers."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload


class ReapplyForm(forms.Form):
    """One field per answer of the submission (text as received), to correct and re-apply."""

    def __init__(
        self,
        *args: Any,
        answers: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, value in sorted((answers or {}).items()):
            label = (labels or {}).get(name.rsplit("/", 1)[-1])
            if isinstance(value, list | dict) or (labels is not None and label is None):
                continue  # repeats, and what the form computes (its version): not typed
            self.fields[name] = forms.CharField(
                label=label or name,
                required=False,
                max_length=4000,
                initial="" if value is None else str(value),
            )
