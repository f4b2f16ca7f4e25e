"""A known set of fictitious records (2023–2024, Labé, Kankan, Conakry) whose every indicator
is counted by hand in test_computation.py. Written straight to the models: the point is the
counting, not the services that write them."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from egide.accounts import roles

TZ = ZoneInfo("Africa/Conakry")


def at(y: int, m: int, d: int, h: int = 8) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def build(persona: Any) -> dict[str, Any]:
    from egide.cases.models import Alert, Case, Consent, Need
    from egide.core.models import Prefecture, Region
    from egide.directory.models import Service
    from egide.outreach.models import Ambassador, Dialogue
    from egide.policy.models import Review, Workshop, WorkshopSeat
    from egide.referrals.models import Referral
    from egide.screening.models import Assessment, AssessmentPurpose
    from egide.training.models import Attendance, Enrollment, Participant, TrainingSession

    worker = persona(roles.CASE_WORKER)
    org = worker.organisation
    labe, kankan, conakry = (Region.objects.get(code=c) for c in ("GN-L", "GN-K", "GN-C"))

    # --- training: 7 people -------------------------------------------------------------------
    people = {}
    for key, sex, age, actor in [
        ("P1", "female", "25_59", "cso"),
        ("P2", "female", "18_24", "police"),
        ("P3", "male", "25_59", "cso"),
        ("P4", "male", "25_59", "religious_leader"),
        ("P5", "female", "25_59", "cso"),
        ("P6", "male", "60p", "community_leader"),
        ("P7", "female", "25_59", "cso"),
    ]:
        people[key] = Participant.objects.create(
            full_name=f"Participant {key} (fictif)",
            name_index=secrets.token_hex(8),
            sex=sex,
            age_band=age,
            actor_type=actor,
            is_fictitious=True,
        )

    def session(kind: str, region: Any, first: date, title: str) -> Any:
        return TrainingSession.objects.create(
            kind=kind,
            title=title,
            start_date=first,
            end_date=first + timedelta(days=1),
            region=region,
            organisation=org,
            created_by=worker,
        )

    def attend(s: Any, who: str, days: list[date], present: bool = True) -> Any:
        e = Enrollment.objects.create(
            session=s, participant=people[who], token=secrets.token_hex(8)
        )
        for d in days:
            Attendance.objects.create(enrollment=e, day=d, present=present)
        return e

    s0 = session("workshop", labe, date(2023, 11, 20), "Atelier Labé 2023 (fictif)")
    attend(s0, "P6", [date(2023, 11, 20)])
    s1 = session("workshop", labe, date(2024, 3, 10), "Atelier Labé 2024 (fictif)")
    attend(s1, "P1", [date(2024, 3, 10), date(2024, 3, 11)])
    for who in ("P2", "P3", "P4", "P5", "P6"):
        attend(s1, who, [date(2024, 3, 10)])
    attend(s1, "P7", [date(2024, 3, 10)], present=False)
    s3 = session("workshop", kankan, date(2024, 5, 2), "Atelier Kankan (fictif)")
    attend(s3, "P1", [date(2024, 5, 2)])
    attend(s3, "P7", [date(2024, 5, 2)])
    s2 = session("webinar", conakry, date(2024, 6, 1), "Webinaire régional (fictif)")
    attend(s2, "P3", [date(2024, 6, 1)])
    attend(s2, "P5", [date(2024, 6, 1)])
    s4 = session("workshop", conakry, date(2024, 6, 15), "Atelier de validation (fictif)")
    review = Review.objects.create(title="Revue (fictive)", year=2024, held_on=date(2024, 6, 1))
    workshop = Workshop.objects.create(
        review=review, title="Validation (fictive)", held_on=date(2024, 6, 15), session=s4
    )
    for who, function in (("P2", "officier"), ("P3", "juriste"), ("P5", "chargée")):
        WorkshopSeat.objects.create(
            workshop=workshop,
            enrollment=Enrollment.objects.create(
                session=s4, participant=people[who], token=secrets.token_hex(8)
            ),
            function=function,
        )

    # --- cases ------------------------------------------------------------------------------
    def case(code: str, region: Any, opened: datetime, **fields: Any) -> Any:
        return Case.objects.create(
            code=code,
            region=region,
            owner_organisation=org,
            owner=worker,
            opened_at=opened,
            **fields,
        )

    c1 = case("T-C1", labe, at(2024, 2, 1), sex="female", child=True, birth_year=2010)
    c2 = case("T-C2", labe, at(2024, 2, 2), sex="female", birth_year=1990)
    c3 = case("T-C3", labe, at(2024, 2, 3), sex="male", birth_year=2003)
    c4 = case("T-C4", kankan, at(2024, 4, 1), sex="male", child=True, birth_year=2012)
    c5 = case("T-C5", labe, at(2023, 12, 15), sex="female")
    case(
        "T-C6",
        labe,
        at(2024, 1, 5),
        status="closed",
        closed_at=at(2024, 6, 1),
        closure_reason="goals_met",
    )
    case(
        "T-C7",
        kankan,
        at(2024, 1, 6),
        status="closed",
        closed_at=at(2024, 7, 1),
        closure_reason="withdrew",
    )
    Case.objects.filter(pk=c1.pk).update(
        status="closed", closed_at=at(2024, 9, 1), closure_reason="goals_met"
    )

    def screen(c: Any, level: str, worker_level: str = "", purposes: tuple[str, ...] = ()) -> None:
        a = Assessment.objects.create(
            created_by=worker,
            organisation=org,
            region=c.region,
            case=c,
            rule_set="1.0",
            catalogue_version="1.0",
            input_json="{}",
            result_json="{}",
            trafficking_level=level,
            smuggling_level="none",
            gbv_level="none",
            child=c.child,
            urgent=False,
            worker_level=worker_level,
        )
        for code in purposes:
            AssessmentPurpose.objects.create(assessment=a, purpose=f"purpose.{code}")

    screen(c1, "presumed", purposes=("forced_begging", "domestic_servitude"))
    screen(c1, "presumed", purposes=("domestic_servitude",))  # screened twice: counted once
    screen(c2, "possible", worker_level="presumed", purposes=("sexual_exploitation",))
    screen(c3, "presumed", worker_level="possible", purposes=("forced_labour",))
    screen(c4, "presumed")  # presumed without a purpose (exploitative conditions)
    screen(c4, "possible", purposes=("forced_labour",))  # not a presumed screening: left out
    screen(c5, "presumed", purposes=("forced_labour",))

    # --- alerts ------------------------------------------------------------------------------
    def alert(region: Any, created: datetime, triaged: datetime | None, c: Any | None) -> None:
        Alert.objects.create(
            created_by=worker,
            organisation=org,
            region=region,
            seen_on=created.date(),
            person_description="personne (fictif)",
            what_was_seen="fait (fictif)",
            urgency="urgent",
            created_at=created,
            due_at=created + timedelta(days=1),
            triaged_at=triaged,
            status="case_opened" if triaged else "new",
            case=c,
        )

    alert(labe, at(2024, 1, 10), at(2024, 1, 10, 12), c1)
    alert(labe, at(2024, 2, 1), at(2024, 2, 3), c2)
    alert(kankan, at(2024, 3, 1), None, c4)
    alert(labe, at(2024, 5, 1), at(2024, 5, 1, 15), None)

    # --- referrals ---------------------------------------------------------------------------
    services = {}
    for need in ("shelter", "medical", "legal_aid"):
        services[need] = Service.objects.create(
            provider=org, need_type=need, name=f"Service {need} (fictif)"
        )

    def refer(
        c: Any,
        need: str,
        sent: datetime,
        answered: datetime | None,
        delivered: datetime | None,
        status: str,
    ) -> None:
        n = Need.objects.create(case=c, need_type=need, priority="high")
        Referral.objects.create(
            case=c,
            need=n,
            service=services.get(need, services["shelter"]),
            provider=org,
            created_by=worker,
            created_at=sent,
            urgency="urgent",
            due_at=sent + timedelta(days=1),
            status=status,
            shared_json=json.dumps({}),
            answered_at=answered,
            delivered_at=delivered,
        )

    refer(c1, "shelter", at(2024, 1, 12), at(2024, 1, 12, 10), at(2024, 1, 20), "delivered")
    refer(c1, "medical", at(2024, 1, 15), at(2024, 1, 18), at(2024, 2, 1), "delivered")
    refer(c2, "legal_aid", at(2024, 2, 5), at(2024, 2, 5, 9), at(2024, 2, 5), "delivered")
    refer(c4, "shelter", at(2024, 3, 2), None, None, "sent")
    refer(c2, "medical", at(2024, 3, 10), None, None, "cancelled")

    # --- consents ----------------------------------------------------------------------------
    for c, purpose, withdrawn in (
        (c2, "sharing", at(2024, 3, 1)),
        (c4, "statistics", at(2024, 4, 1)),
    ):
        Consent.objects.create(
            case=c,
            purpose=purpose,
            decision="granted",
            given_by="person",
            language="français",
            explained_by=worker,
            decided_on=date(2024, 1, 1),
            withdrawn_at=withdrawn,
        )

    # --- outreach ----------------------------------------------------------------------------
    def dialogue(region: Any, held: date, **counts: int) -> None:
        Dialogue.objects.create(
            held_on=held,
            region=region,
            format="dialogue",
            topics="Risques (fictif)",
            language="pular",
            organisation=org,
            recorded_by=worker,
            **counts,
        )

    dialogue(
        labe,
        date(2024, 3, 5),
        female_25_59=10,
        male_25_59=6,
        female_u18=4,
        community_leaders=3,
        religious_leaders=2,
    )
    dialogue(kankan, date(2024, 4, 5), male_18_24=5, religious_leaders=1)
    dialogue(labe, date(2023, 10, 1), male_60p=7, community_leaders=1)
    labe_pref = Prefecture.objects.filter(region=labe).first()
    kankan_pref = Prefecture.objects.filter(region=kankan).first()
    for pref, appointed, active in (
        (labe_pref, date(2023, 6, 1), True),
        (labe_pref, date(2024, 2, 1), True),
        (kankan_pref, date(2024, 3, 1), False),
        (kankan_pref, date(2025, 1, 1), True),
    ):
        Ambassador.objects.create(
            full_name="Ambassadeur (fictif)",
            prefecture=pref,
            appointed_on=appointed,
            organisation=org,
            is_active=active,
            is_fictitious=True,
        )
    return {"people": people}
