"""Field submissions become Égide records through the apps' own services; bad answers are
rejected with a reason a person can act on, fixed in Égide and re-applied."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.accounts import roles
from egide.fielddata import services
from egide.fielddata.models import FieldAccount, ImportRun, SubmissionRecord
from egide.fielddata.records import from_odata
from egide.fielddata.tests.conftest import YESTERDAY, alert_answers
from egide.fielddata.tests.fakes import central_row

pytestmark = pytest.mark.django_db
STEP_GROUPS = {
    "recruitment": (
        "act",
        "deceptive_recruitment",
        "coercive_recruitment",
        "recruitment_abuse_of_vulnerability",
    ),
    "conditions": ("exploitative_conditions",),
    "control": ("coercion_at_destination", "vulnerability_at_destination"),
    "purpose": ("purpose",),
    "gbv": ("gbv",),
}


@pytest.fixture
def source(persona: Any) -> services.Source:
    for role in (roles.MIGRANT_AMBASSADOR, roles.CASE_WORKER, roles.TRAINER):
        FieldAccount.objects.create(connection=None, remote_id=role, user=persona(role))
    return services.Source(services.FILE_SERVER, "")


def apply(
    source: services.Source,
    form: str,
    data: dict[str, Any],
    *,
    who: str = roles.MIGRANT_AMBASSADOR,
    logical_id: str = "uuid:0001",
    instance_id: str | None = None,
) -> SubmissionRecord:
    row = central_row(logical_id=logical_id, instance_id=instance_id, data=data, submitter=who)
    run = services.run_start(actor=None, source=ImportRun.Source.FILE)
    services.submission_apply(run=run, source=source, submission=from_odata(form, row))
    return SubmissionRecord.objects.get(logical_id=logical_id)


def test_alert_is_raised_through_the_cases_service(source: Any, persona: Any) -> None:
    from egide.audit.models import AuditEvent
    from egide.cases.models import Alert
    from egide.cases.selectors import alerts_for

    record = apply(source, "egide_alerte", alert_answers())
    assert record.status == "created" and record.target_type == "cases.alert"
    alert = Alert.objects.get()
    assert AuditEvent.objects.filter(action="alert.raised", object_id=str(alert.pk)).exists()
    # The region's case supervisors see it to triage, like any alert.
    assert alerts_for(persona(roles.CASE_SUPERVISOR)).filter(pk=alert.pk).exists()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"region": "GN-ZZ"}, "GN-ZZ"),
        ({"prefecture": "GN-KA"}, "GN-KA"),
        ({"seen_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "future"),
        ({"urgency": "tomorrow"}, "urgency"),
        ({"egide_version": "e9-c1.0-r1.0"}, "e9-c1.0-r1.0"),
    ],
)
def test_bad_alert_answers_are_rejected_with_a_reason(
    source: Any, changes: dict[str, Any], reason: str
) -> None:
    from django.utils import translation

    from egide.cases.models import Alert

    with translation.override("en"):
        record = apply(source, "egide_alerte", alert_answers(**changes))
    assert record.status == "rejected" and reason in record.reason
    assert not Alert.objects.exists()


def test_rejected_is_fixed_and_reapplied(source: Any, persona: Any) -> None:
    from egide.cases.models import Alert

    record = apply(source, "egide_alerte", alert_answers(region="GN-ZZ", prefecture=""))
    assert record.status == "rejected"
    outcome = services.record_reapply(
        actor=persona(roles.COORDINATOR), record=record, answers={"region": "GN-L"}
    )
    assert outcome == "created" and Alert.objects.get().region.code == "GN-L"
    # The fixed answers are kept: the same version pulled again is unchanged.
    again = apply(source, "egide_alerte", alert_answers(region="GN-ZZ", prefecture=""))
    assert again.status == "created" and Alert.objects.count() == 1


def test_age_150_is_rejected(source: Any) -> None:
    record = apply(source, "egide_depistage", screening_answers(SCENARIOS[0], age="150"))
    assert record.status == "rejected" and "person.age" in record.reason and "120" in record.reason


def test_dialogue_through_the_outreach_service(source: Any, persona: Any) -> None:
    from egide.outreach.models import Dialogue

    data = {
        "egide_version": "e1-c1.0-r1.0",
        "held_on": YESTERDAY,
        "region": "GN-L",
        "prefecture": "GN-LA",
        "locality": "Sannoun",
        "format": "radio",
        "topics": "Risques de la route (fictif)",
        "language": "pular",
        "reach": {
            "female_u18": 3,
            "male_18_24": 4,
            "female_18_24": 0,
            "female_25_59": 0,
            "female_60p": 0,
            "male_u18": 0,
            "male_25_59": 0,
            "male_60p": 0,
        },
        "audience": {
            "youth": 7,
            "community_leaders": 0,
            "religious_leaders": 0,
            "potential_migrants": 0,
            "returnees": 0,
            "families": 0,
        },
        "follow_up": "",
    }
    record = apply(source, "egide_dialogue", data)
    assert record.status == "created"
    dialogue = Dialogue.objects.get()
    assert dialogue.reached == 7 and dialogue.youth == 7 and dialogue.format == "radio"
    assert dialogue.organisation == persona(roles.MIGRANT_AMBASSADOR).organisation
    data["reach"]["male_18_24"] = 5
    edited = apply(source, "egide_dialogue", data, instance_id="uuid:0001-edit")
    assert edited.status == "updated" and Dialogue.objects.get().reached == 8
    data["reach"]["male_60p"] = -2
    bad = apply(source, "egide_dialogue", data, logical_id="uuid:0002")
    assert bad.status == "rejected" and "male_60p" in bad.reason


def test_attendance_through_the_training_service(source: Any, persona: Any) -> None:
    from egide.training.models import Attendance
    from egide.training.services import participant_register, session_create

    trainer = persona(roles.TRAINER)
    day = timezone.localdate() - timedelta(days=1)
    session = session_create(
        actor=trainer,
        kind="workshop",
        title="Atelier (fictif)",
        modules=["M1"],
        start_date=day,
        end_date=day,
    )
    one = participant_register(
        actor=trainer,
        session=session,
        full_name="Awa Bah (fictive)",
        sex="female",
        age_band="25_59",
        actor_type="cso",
    )
    two = participant_register(
        actor=trainer,
        session=session,
        full_name="Ibrahima Sow (fictif)",
        sex="male",
        age_band="18_24",
        actor_type="cbo",
    )
    data = {
        "egide_version": "e1-c1.0-r1.0",
        "session": session.pk,
        "day": day.isoformat(),
        "participants": [
            {"enrollment": one.pk, "present": "yes", "__id": "a"},
            {"enrollment": two.pk, "present": "no", "__id": "b"},
        ],
    }
    record = apply(source, "egide_presence", data, who=roles.TRAINER)
    assert record.status == "created"
    assert set(Attendance.objects.filter(present=True).values_list("enrollment", flat=True)) == {
        one.pk
    }
    data["participants"][1] = {"enrollment": 99999, "present": "yes"}
    bad = apply(source, "egide_presence", data, who=roles.TRAINER, logical_id="uuid:0002")
    assert bad.status == "rejected" and "99999" in bad.reason
    # An ambassador is not a trainer of the session.
    data["participants"].pop()
    other = apply(source, "egide_presence", data, logical_id="uuid:0003")
    assert other.status == "rejected" and str(session.pk) in other.reason


# --- the field screening gives the same result as the web interview ---------------------------

SCENARIOS: list[dict[str, Any]] = [
    {  # a child: act and purpose suffice
        "age": "15",
        "sex": "female",
        "safety": [],
        "movement": ("no", "unknown", "unknown"),
        "groups": {
            "act": ["recruited"],
            "exploitative_conditions": ["excessive_working_hours"],
            "purpose": ["domestic_servitude"],
        },
        "agrees": "yes",
    },
    {  # an adult, smuggled and exploited, with GBV; the worker disagrees
        "age": "24",
        "sex": "male",
        "safety": [],
        "movement": ("yes", "yes", "yes"),
        "groups": {
            "act": ["transported"],
            "deceptive_recruitment": ["nature_of_job", "contract"],
            "exploitative_conditions": ["hazardous_work", "low_or_no_salary"],
            "coercion_at_destination": ["confiscation_of_documents", "debt_bondage"],
            "purpose": ["forced_labour"],
            "gbv": ["physical_assault"],
        },
        "agrees": "no",
        "level": "possible",
        "justification": "Récit incomplet (fictif)",
    },
    {  # age unknown, may be a child, in danger: the interview stops and refers
        "age": "",
        "may_be_child": True,
        "sex": "female",
        "safety": ["immediate_danger"],
        "stop": "save_now",
        "movement": None,
        "groups": {},
        "agrees": "yes",
    },
    {  # in danger but safe now: continues
        "age": "30",
        "sex": "other",
        "safety": ["self_harm_risk"],
        "stop": "continue",
        "movement": ("yes", "no", "unknown"),
        "groups": {"recruitment_abuse_of_vulnerability": ["illegal_status"]},
        "agrees": "yes",
    },
]


def screening_answers(s: dict[str, Any], **changes: str) -> dict[str, Any]:
    consent: dict[str, Any] = {
        "consent": "yes",
        "interpreter": "no",
        "interview_language": "ff",
        "person_reference": "F.C. (fictive)",
        "age": int(s["age"]) if s["age"] else None,
        "may_be_child": "yes" if s.get("may_be_child") else None,
        "sex": s["sex"],
        "region": "GN-L",
        "safety": " ".join(s["safety"]) or None,
        "stop": s.get("stop"),
    }
    consent.update(changes)
    data: dict[str, Any] = {"egide_version": "e1-c1.0-r1.0", "consent_step": consent}
    if s.get("stop") != "save_now":
        movement = s["movement"] or ("unknown",) * 3
        data["movement_step"] = dict(
            zip(("crossed_border", "irregular_entry", "paid_facilitator"), movement, strict=True)
        )
        for step, groups in STEP_GROUPS.items():
            data[f"{step}_step"] = {g: " ".join(s["groups"].get(g, [])) or None for g in groups}
    data["determination"] = {
        "worker_agrees": s["agrees"],
        "worker_level": s.get("level"),
        "justification": s.get("justification"),
    }
    return data


def run_web_interview(client: Client, s: dict[str, Any]) -> None:
    from egide.screening.models import InterviewDraft

    def post(step: str, data: dict[str, Any], action: str = "next") -> Any:
        draft = InterviewDraft.objects.latest("created_at")
        url = reverse("screening:interview_step", args=[draft.pk, step])
        return client.post(url, {"go": action, **data})

    consent = {
        "consent": "yes",
        "interview_language": "ff",
        "age": s["age"],
        "sex": s["sex"],
        "person_reference": "F.C. (fictive)",
        "interpreter": "",
        "region": "",
        "safety": [f"safety.{c}" for c in s["safety"]],
    }
    if s.get("may_be_child"):
        consent["may_be_child"] = "on"
    from egide.core.models import Region

    consent["region"] = str(Region.objects.get(code="GN-L").pk)
    # The first step is served at the interview's own URL; answering it starts the draft.
    assert client.post("/screening/interview/", {"go": "next", **consent}).status_code == 302
    if s["safety"]:
        assert post("urgent", {}, s["stop"]).status_code == 302
    if s.get("stop") != "save_now":
        movement = s["movement"] or ("unknown",) * 3
        post(
            "movement",
            dict(
                zip(
                    ("crossed_border", "irregular_entry", "paid_facilitator"), movement, strict=True
                )
            ),
        )
        for step, groups in STEP_GROUPS.items():
            values = {}
            for g in groups:
                codes = s["groups"].get(g, [])
                values[g] = codes if g == "gbv" else [f"{g}.{c}" for c in codes]
            post(step, values)
    result = {"agrees": s["agrees"]}
    if s["agrees"] == "no":
        result.update({"worker_level": s["level"], "justification": s["justification"]})
    answer = post("result", result, "save")
    assert answer.status_code == 302, answer.content.decode()[:500]


@pytest.mark.parametrize("index", range(len(SCENARIOS)))
def test_field_screening_equals_web_interview(
    source: Any, persona: Any, client_as: Any, index: int
) -> None:
    from egide.screening.models import Assessment

    s = SCENARIOS[index]
    worker = persona(roles.CASE_WORKER)
    run_web_interview(client_as(worker), s)
    web = Assessment.objects.get()
    record = apply(source, "egide_depistage", screening_answers(s), who=roles.CASE_WORKER)
    assert record.status == "created", record.reason
    field = Assessment.objects.get(pk=record.target_id)
    assert field.input_document == web.input_document
    assert field.result_document == web.result_document
    assert (
        field.trafficking_level,
        field.smuggling_level,
        field.gbv_level,
        field.urgent,
        field.child,
    ) == (web.trafficking_level, web.smuggling_level, web.gbv_level, web.urgent, web.child)
    assert (field.worker_agrees, field.worker_level, field.worker_justification) == (
        web.worker_agrees,
        web.worker_level,
        web.worker_justification,
    )
    assert field.rule_set == web.rule_set and field.region_id == web.region_id
    assert field.interview == web.interview


def test_no_consent_records_nothing(source: Any) -> None:
    from egide.screening.models import Assessment

    record = apply(source, "egide_depistage", screening_answers(SCENARIOS[0], consent="no"))
    assert record.status == "rejected" and not Assessment.objects.exists()


def test_edited_screening_is_evaluated_again_in_place(source: Any) -> None:
    from egide.screening.models import Assessment

    apply(source, "egide_depistage", screening_answers(SCENARIOS[3]))
    assert Assessment.objects.get().trafficking_level == "none"
    edited = screening_answers(SCENARIOS[1])
    record = apply(source, "egide_depistage", edited, instance_id="uuid:0001-v2")
    assert record.status == "updated" and Assessment.objects.count() == 1
    assert Assessment.objects.get().trafficking_level == "presumed"
    # The purposes kept in clear for statistics follow the new result (none before).
    purposes = Assessment.objects.get().purposes.values_list("purpose", flat=True)
    assert list(purposes) == ["purpose.forced_labour"]
