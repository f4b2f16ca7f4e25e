"""XLSForms generated from Égide's own definitions, and their XForms (pyxform).

Nothing here is kept by hand: the screening form comes from the indicator catalogue, the
interview's steps (questions, child-friendly wording, the urgent stop) and the rule set's
version; the alert, dialogue and attendance forms from the fields of those apps; regions and
prefectures from the reference list. Labels are French first, then English.

XLSForm columns follow the XLSForm specification (xlsform.org): ``survey`` (type, name,
label::<lang>, hint::<lang>, required, relevant, constraint, choice_filter, calculation),
``choices`` (list_name, name, label::<lang>, plus filter columns) and ``settings`` (form_id,
form_title, version, default_language). pyxform 4.5 turns them into ODK XForms
[interop.md §2, PYX].
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from egide.core.reference import reference_data
from egide.fielddata.records import VERSION_FIELD, FormVersion
from egide.screening import interview
from egide.screening.catalogue import CURRENT_VERSION, load_catalogue
from egide.screening.contract import MAX_AGE
from egide.screening.rules import RULE_SET

# Bumped by hand when a generated form's questions change in a way the catalogue and rule-set
# versions do not capture. Every revision listed stays importable.
FORM_REVISION = 1
KNOWN_REVISIONS = frozenset({1})

LANGS = (("fr", "Français (fr)"), ("en", "English (en)"))
ALERT, SCREENING, DIALOGUE, ATTENDANCE = (
    "egide_alerte",
    "egide_depistage",
    "egide_dialogue",
    "egide_presence",
)
FORM_IDS = (ALERT, SCREENING, DIALOGUE, ATTENDANCE)
# Questions whose answer is a file sent beside the submission.
BINARY_FIELDS = {ALERT: ("photo",)}
TITLES = {
    ALERT: _("Alert"),
    SCREENING: _("Screening interview"),
    DIALOGUE: _("Community dialogue"),
    ATTENDANCE: _("Training attendance sheet"),
}


def current_version() -> FormVersion:
    return FormVersion(FORM_REVISION, CURRENT_VERSION, RULE_SET)


def version_known(version: FormVersion | None) -> bool:
    """True when Égide can evaluate answers collected under *version*."""
    if version is None or version.revision not in KNOWN_REVISIONS:
        return False
    if version.rule_set != RULE_SET:
        return False
    try:
        load_catalogue(version.catalogue)
    except (OSError, ValueError):
        return False
    return True


Text = Any  # a str or a lazy translation


@dataclass
class Sheet:
    columns: list[str]
    rows: list[dict[str, str]]


class FormBuilder:
    """Rows of the survey, choices and settings sheets, labels in both languages."""

    def __init__(self, form_id: str) -> None:
        self.form_id = form_id
        self.survey: list[dict[str, str]] = []
        self.choices: list[dict[str, str]] = []
        self.lists: set[str] = set()

    @staticmethod
    def _both(column: str, text: Text | None) -> dict[str, str]:
        if text is None:
            return {}
        out = {}
        for code, name in LANGS:
            if callable(text) and not isinstance(text, str):
                value = text(code)
            else:
                with translation.override(code):
                    value = str(text)
            out[f"{column}::{name}"] = value
        return out

    def add(
        self,
        type_: str,
        name: str,
        label: Text | None = None,
        *,
        hint: Text | None = None,
        **columns: str,
    ) -> None:
        row = {"type": type_, "name": name, **self._both("label", label)}
        row.update(self._both("hint", hint))
        row.update({k: v for k, v in columns.items() if v})
        self.survey.append(row)

    def choice(self, list_name: str, name: str, label: Text, **extra: str) -> None:
        self.lists.add(list_name)
        self.choices.append(
            {"list_name": list_name, "name": name, **self._both("label", label), **extra}
        )

    def has_list(self, list_name: str) -> bool:
        return list_name in self.lists

    def sheets(self, title: Text) -> dict[str, Sheet]:
        with translation.override("fr"):
            form_title = str(title)
        settings = {
            "form_id": self.form_id,
            "form_title": form_title,
            "version": str(current_version()),
            "default_language": LANGS[0][1],
        }
        return {
            "survey": Sheet(_columns(self.survey), self.survey),
            "choices": Sheet(_columns(self.choices), self.choices),
            "settings": Sheet(list(settings), [settings]),
        }


def _columns(rows: list[dict[str, str]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


# --- shared pieces ---------------------------------------------------------------------------

YES_NO = "yes_no"
YES_NO_UNKNOWN = "yes_no_unknown"


def _common_lists(f: FormBuilder) -> None:
    f.choice(YES_NO, "yes", _("Yes"))
    f.choice(YES_NO, "no", _("No"))
    f.choice(YES_NO_UNKNOWN, "yes", _("Yes"))
    f.choice(YES_NO_UNKNOWN, "no", _("No"))
    f.choice(YES_NO_UNKNOWN, "unknown", _("Unknown"))


def _places(f: FormBuilder, *, region_required: bool = True, prefecture: bool = True) -> None:
    """Region and prefecture from the reference list (ISO 3166-2:GN codes)."""
    data = reference_data()
    for region in data["regions"]:
        f.choice("region", region["code"], lambda lang, n=region["name"]: n)
        for code, name in region["prefectures"]:
            f.choice("prefecture", code, lambda lang, n=name: n, region=region["code"])
    f.add("select_one region", "region", _("Region"), required="yes" if region_required else "")
    if prefecture:
        f.add(
            "select_one prefecture",
            "prefecture",
            _("Prefecture"),
            choice_filter="region=${region}",
        )


def _version(f: FormBuilder) -> None:
    # The version travels in the answers too: KoboToolbox's __version__ is its own deployment id.
    f.add("calculate", VERSION_FIELD, calculation=f"'{current_version()}'")


def _meta(f: FormBuilder) -> None:
    f.add("start", "start")
    f.add("end", "end")
    f.add("deviceid", "deviceid")


# --- the alert ---------------------------------------------------------------------------------


def alert_form() -> FormBuilder:
    from egide.cases.models import URGENCY_CHOICES
    from egide.core.limits import text_limit

    f = FormBuilder(ALERT)
    _common_lists(f)
    _meta(f)
    _version(f)
    _places(f)
    f.add("text", "locality", _("Locality"))
    f.add("text", "border_point", _("Border point (if any)"))
    f.add("date", "seen_on", _("Date seen"), required="yes", constraint=". <= today()")
    for code, label in URGENCY_CHOICES:
        f.choice("urgency", code, label)
    f.add("select_one urgency", "urgency", _("Urgency"), required="yes")
    f.add("select_one yes_no_unknown", "child_concerned", _("Is a child concerned?"))
    limit = text_limit("cases.Alert.person_description")
    f.add(
        "text",
        "person_description",
        _("Who is concerned"),
        hint=_(
            "As little identifying data as possible: for example 'girl of about 14, speaks Pular'."
        ),
        required="yes",
        constraint=f"string-length(.) <= {limit}",
    )
    f.add(
        "text",
        "what_was_seen",
        _("What was seen"),
        required="yes",
        constraint=f"string-length(.) <= {text_limit('cases.Alert.what_was_seen')}",
    )
    f.add("image", "photo", _("Photo of a document (optional)"), parameters="max-pixels=1024")
    return f


# --- the screening interview ---------------------------------------------------------------------

CHILD = "(${age} != '' and ${age} < 18) or ${may_be_child} = 'yes'"
GOES_ON = "${consent} = 'yes' and (count-selected(${safety}) = 0 or ${stop} = 'continue')"


def _indicator_list(f: FormBuilder, group_code: str) -> None:
    from egide.screening.forms import STRENGTH_WORDS

    cat = load_catalogue()
    group = cat.group(group_code)
    for ind in group.indicators:
        short = ind.code.split(".", 1)[-1]

        def label(lang: str, ind: Any = ind) -> str:
            text = ind.label(lang)
            if ind.strength:
                with translation.override(lang):
                    text = f"{text} ({STRENGTH_WORDS[ind.strength]})"
            return str(text)

        f.choice(group_code, short, label)


def _group_label(group_code: str) -> Callable[[str], str]:
    group = load_catalogue().group(group_code)
    return lambda lang: group.label(lang)


def screening_form() -> FormBuilder:
    from egide.screening.forms import LANGUAGES, SEXES

    f = FormBuilder(SCREENING)
    _common_lists(f)
    _meta(f)
    _version(f)
    for code, label in LANGUAGES:
        f.choice("language", code, label)
    for code, label in SEXES:
        f.choice("sex", code, label)
    f.choice("stop", "save_now", _("Stop here, save and refer at once"))
    f.choice("stop", "continue", _("The person is safe now: continue the interview"))
    f.choice("worker_level", "presumed", _("presumed victim of trafficking"))
    f.choice("worker_level", "possible", _("possible victim of trafficking"))
    f.choice("worker_level", "none", _("no indication of trafficking"))
    for step in interview.STEPS:
        for group in step.groups:
            _indicator_list(f, group)
    for text in interview.ALWAYS:
        f.add("note", f"always_{interview.ALWAYS.index(text) + 1}", text)

    first = interview.STEPS[0]
    f.add("begin_group", "consent_step", first.title)
    for i, question in enumerate(first.questions, 1):
        f.add("note", f"consent_q{i}", question)
    for i, question in enumerate(first.child_questions, 1):
        f.add("note", f"consent_child_q{i}", question)
    f.add(
        "select_one yes_no",
        "consent",
        _("Has the person given informed consent to this interview?"),
        required="yes",
    )
    f.add(
        "note",
        "no_consent",
        _("The interview can only go on with the person's informed consent."),
        relevant="${consent} = 'no'",
    )
    on = "${consent} = 'yes'"
    f.add("select_one yes_no", "interpreter", _("An interpreter is helping"), relevant=on)
    f.add("select_one language", "interview_language", _("Language of the interview"), relevant=on)
    f.add(
        "text",
        "person_reference",
        _("Reference (initials or pseudonym, never the full name)"),
        relevant=on,
        constraint="string-length(.) <= 40",
    )
    f.add(
        "integer",
        "age",
        _("Age (years), if known"),
        relevant=on,
        constraint=f". >= 0 and . <= {MAX_AGE}",
    )
    f.add(
        "select_one yes_no",
        "may_be_child",
        _("Age unknown but the person may be under 18"),
        relevant=f"{on} and ${{age}} = ''",
    )
    f.add("select_one sex", "sex", _("Sex"), relevant=on, required="yes")
    _places(f, region_required=False, prefecture=False)
    f.survey[-1]["relevant"] = on
    for prompt_i, prompt in enumerate(first.prompts, 1):
        f.add("note", f"consent_p{prompt_i}", prompt, relevant=on)
    f.add("select_multiple safety", "safety", _group_label("safety"), relevant=on)
    f.add(
        "select_one stop",
        "stop",
        _("URGENT – the person is in danger: stop and refer at once."),
        relevant=f"{on} and count-selected(${{safety}}) > 0",
        required="yes",
    )
    f.add("end_group", "")

    for step in interview.STEPS[1:]:
        f.add("begin_group", f"{step.key}_step", step.title, relevant=GOES_ON)
        for i, question in enumerate(step.questions, 1):
            f.add("note", f"{step.key}_q{i}", question)
        for i, question in enumerate(step.child_questions, 1):
            f.add("note", f"{step.key}_child_q{i}", question, relevant=CHILD)
        for i, prompt in enumerate(step.prompts, 1):
            f.add("note", f"{step.key}_p{i}", prompt)
        if step.key == "movement":
            for name, label in (
                ("crossed_border", _("Did the person cross an international border?")),
                (
                    "irregular_entry",
                    _("Was the entry irregular (without the required papers or checks)?"),
                ),
                (
                    "paid_facilitator",
                    _("Was someone paid (money or other benefit) to organise the crossing?"),
                ),
            ):
                f.add("select_one yes_no_unknown", name, label, default="unknown")
        for group in step.groups:
            f.add(f"select_multiple {group}", group, _group_label(group))
        f.add("end_group", "")

    answered = "${consent} = 'yes'"
    f.add("begin_group", "determination", _("Result"), relevant=answered)
    f.add(
        "select_one yes_no",
        "worker_agrees",
        _("Do you agree with this result?"),
        hint=_("Égide evaluates the answers with the rule set this form was generated from."),
        required="yes",
    )
    disagree = "${worker_agrees} = 'no'"
    f.add(
        "select_one worker_level",
        "worker_level",
        _("My own determination"),
        relevant=disagree,
        required="yes",
    )
    f.add(
        "text",
        "justification",
        _("Justification (required when you disagree)"),
        relevant=disagree,
        required="yes",
        constraint="string-length(.) <= 2000",
    )
    f.add("end_group", "")
    return f


# --- the community dialogue ----------------------------------------------------------------------


def dialogue_form() -> FormBuilder:
    from egide.outreach.models import AUDIENCE_FIELDS, REACH_FIELDS, Dialogue

    f = FormBuilder(DIALOGUE)
    _common_lists(f)
    _meta(f)
    _version(f)
    f.add("date", "held_on", _("Date"), required="yes", constraint=". <= today()")
    _places(f)
    f.add("text", "locality", _("Locality"))
    for code, label in Dialogue.Format.choices:
        f.choice("format", code, label)
    f.add("select_one format", "format", _("Format"), required="yes")
    f.add("text", "topics", _("Topics"), required="yes", constraint="string-length(.) <= 300")
    f.add("text", "language", _("Language"), required="yes", constraint="string-length(.) <= 40")
    f.add("begin_group", "reach", _("People reached, by sex and age band"))
    for name, _sex, _band in REACH_FIELDS:
        label = Dialogue._meta.get_field(name).verbose_name
        f.add("integer", name, label, required="yes", default="0", constraint=". >= 0")
    f.add("end_group", "")
    f.add("begin_group", "audience", _("Of whom, by audience"))
    for name in AUDIENCE_FIELDS:
        label = Dialogue._meta.get_field(name).verbose_name
        f.add("integer", name, label, required="yes", default="0", constraint=". >= 0")
    f.add("end_group", "")
    f.add("text", "follow_up", _("Follow-up actions"))
    return f


# --- the training attendance sheet -----------------------------------------------------------


def attendance_form() -> FormBuilder:
    f = FormBuilder(ATTENDANCE)
    _common_lists(f)
    _meta(f)
    _version(f)
    f.add(
        "integer",
        "session",
        _("Session number"),
        hint=_("The number shown on the session's page in Égide."),
        required="yes",
        constraint=". > 0",
    )
    f.add("date", "day", _("Day"), required="yes", constraint=". <= today()")
    f.add("begin_repeat", "participants", _("Participants"))
    f.add(
        "integer",
        "enrollment",
        _("Participant number"),
        hint=_("The number beside the name on the session's participant list."),
        required="yes",
        constraint=". > 0",
    )
    f.add("select_one yes_no", "present", _("Present"), required="yes")
    f.add("end_repeat", "")
    return f


BUILDERS: dict[str, Callable[[], FormBuilder]] = {
    ALERT: alert_form,
    SCREENING: screening_form,
    DIALOGUE: dialogue_form,
    ATTENDANCE: attendance_form,
}


def question_labels(form_id: str, lang: str = "fr") -> dict[str, str]:
    """Question name → its label in *lang* (for pages that show a submission's answers)."""
    if form_id not in BUILDERS:
        return {}
    column = f"label::{dict(LANGS)[lang]}"
    return {
        row["name"]: row[column]
        for row in BUILDERS[form_id]().survey
        if row.get("name") and row.get(column)
    }


# --- output ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltForm:
    form_id: str
    version: str
    title: str
    xlsx: bytes
    xml: str
    warnings: tuple[str, ...]


def xlsx_of(sheets: dict[str, Sheet]) -> bytes:
    """The XLSForm workbook (text cells only)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, sheet in sheets.items():
        ws = book.create_sheet(name)
        ws.append(sheet.columns)
        for row in sheet.rows:
            ws.append([row.get(c, "") for c in sheet.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(form_id: str, *, validate: bool = False) -> BuiltForm:
    """Generate the XLSForm of *form_id* and convert it with pyxform (ODK Validate if asked)."""
    from pyxform.xls2xform import convert

    builder = BUILDERS[form_id]()
    sheets = builder.sheets(TITLES[form_id])
    xlsx = xlsx_of(sheets)
    warnings: list[str] = []
    result = convert(
        xlsx, warnings=warnings, validate=validate, file_type=".xlsx", pretty_print=True
    )
    with translation.override("fr"):
        title = str(TITLES[form_id])
    return BuiltForm(form_id, str(current_version()), title, xlsx, result.xform, tuple(warnings))


def build_all(*, validate: bool = False) -> Iterator[BuiltForm]:
    for form_id in FORM_IDS:
        yield build(form_id, validate=validate)
