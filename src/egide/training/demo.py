"""Fictitious training and outreach data: one workshop per programme region with participants,
attendance and test results, a regional webinar, ambassadors and dialogues. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from egide.accounts.models import Organisation, User
from egide.core.models import Prefecture, Region
from egide.outreach import services as outreach_services
from egide.outreach.models import Ambassador
from egide.training import services
from egide.training.curriculum import question_index
from egide.training.models import TrainingSession

FIRST = [
    "Mamadou",
    "Mariama",
    "Fatoumata",
    "Alpha",
    "Ibrahima",
    "Aïssatou",
    "Kadiatou",
    "Ousmane",
    "Hawa",
    "Sékou",
    "Aminata",
    "Thierno",
    "Nènè",
    "Boubacar",
    "Fanta",
]
LAST = [
    "Diallo",
    "Bah",
    "Barry",
    "Sow",
    "Camara",
    "Condé",
    "Touré",
    "Keïta",
    "Sylla",
    "Kouyaté",
    "Baldé",
    "Soumah",
    "Cissé",
    "Kaba",
    "Bangoura",
]
WORKSHOPS = [
    ("GN-C", "Conakry", date(2023, 9, 12)),
    ("GN-K", "Kankan", date(2023, 8, 22)),
    ("GN-L", "Labé", date(2023, 7, 19)),
    ("GN-M", "Mamou", date(2023, 8, 8)),
    ("GN-N", "Nzérékoré", date(2023, 10, 3)),
]
ACTORS = [
    "cso",
    "cbo",
    "police",
    "local_authority",
    "religious_leader",
    "community_leader",
    "returned_migrant",
]


@transaction.atomic
def load_training() -> None:
    trainer = User.objects.filter(username="formateur").first()
    coordinator = User.objects.filter(username="coordination").first()
    if trainer is None or coordinator is None or TrainingSession.objects.exists():
        return
    rng = random.Random(2023)  # noqa: S311 - fictitious data, not security
    bank = question_index()
    for code, name, start in WORKSHOPS:
        region = Region.objects.get(code=code)
        session = services.session_create(
            actor=trainer,
            kind="workshop",
            modules=["M1", "M2", "M3", "M4", "M5"],
            title=f"Atelier de {name} — approche de la sécurité humaine (fictif)",
            start_date=start,
            end_date=start + timedelta(days=2),
            region=region,
            venue=f"Salle polyvalente de {name} (fictive)",
            capacity=30,
        )
        enrollments = [
            services.participant_register(
                actor=trainer,
                session=session,
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} ({name} {i + 1})",
                sex=rng.choice(["female", "male"]),
                age_band=rng.choice(["18_24", "25_59"]),
                actor_type=rng.choice(ACTORS),
                region=region,
                is_fictitious=True,
            )
            for i in range(20)
        ]
        for day in session.days:
            present = {e.pk for e in enrollments if rng.random() < 0.92}
            services.attendance_record(actor=trainer, session=session, day=day, present_ids=present)
        pre, post = services.tests_prepare(actor=trainer, session=session)
        services.test_set_open(actor=trainer, test=post, is_open=True)
        for enrollment in enrollments:
            for test, skill in ((pre, 0.55), (post, 0.85)):
                answers = {
                    c: bank[c]["answer"]
                    if rng.random() < skill
                    else (bank[c]["answer"] + 1) % len(bank[c]["choices"])
                    for c in test.question_codes
                }
                services.test_submit(
                    test=test, enrollment=enrollment, answers=answers, entered_by=trainer
                )
    webinar = services.session_create(
        actor=trainer,
        kind="webinar",
        modules=["M2", "M4"],
        online=True,
        title="Webinaire régional Guinée–Gabon (fictif)",
        start_date=date(2024, 4, 25),
        end_date=date(2024, 4, 25),
    )
    online = [
        services.participant_register(
            actor=trainer,
            session=webinar,
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} (webinaire {i + 1})",
            sex=rng.choice(["female", "male"]),
            age_band="25_59",
            actor_type="un_government",
            is_fictitious=True,
        )
        for i in range(55)
    ]
    services.attendance_record(
        actor=trainer, session=webinar, day=webinar.start_date, present_ids={e.pk for e in online}
    )
    _load_outreach(coordinator, rng)


def _load_outreach(coordinator: User, rng: random.Random) -> None:
    community = Organisation.objects.filter(acronym="RCFN").first() or coordinator.organisation
    ambassador_user = User.objects.filter(username="ambassadeur").first()
    prefectures = list(Prefecture.objects.filter(region__code__in=[c for c, _n, _d in WORKSHOPS]))
    ambassadors = []
    for i, prefecture in enumerate(prefectures[:12]):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} (amb. {i + 1})"
        linked = (
            i == 0
            and ambassador_user is not None
            and not Ambassador.objects.filter(user=ambassador_user).exists()
        )
        if linked and ambassador_user is not None:
            # The demo ambassador's account and record are the same person, in their region.
            name = ambassador_user.get_full_name()
            home = Prefecture.objects.filter(
                region__in=ambassador_user.organisation.regions.all()
                if ambassador_user.organisation
                else []
            ).first()
            prefecture = home or prefecture
        ambassadors.append(
            outreach_services.ambassador_register(
                actor=coordinator,
                full_name=name,
                prefecture=prefecture,
                appointed_on=date(2023, 6, 1),
                organisation=community,
                languages="français, pular, maninka",
                training_received="Atelier du cycle 1",
                user=ambassador_user if linked else None,
                is_fictitious=True,
            )
        )
    for i in range(24):
        ambassador = ambassadors[i % len(ambassadors)]
        outreach_services.dialogue_record(
            actor=coordinator,
            held_on=date(2023, 8, 1) + timedelta(days=7 * i),
            region=ambassador.prefecture.region,
            prefecture=ambassador.prefecture,
            locality="Quartier central (fictif)",
            ambassador=ambassador,
            format=rng.choice(["dialogue", "awareness", "faith", "radio", "school"]),
            topics="risques de la migration irrégulière, traite, numéro vert 116",
            language=rng.choice(["pular", "maninka", "soussou", "kissi"]),
            counts={
                "female_u18": rng.randint(2, 8),
                "female_18_24": rng.randint(5, 15),
                "female_25_59": rng.randint(5, 20),
                "female_60p": rng.randint(0, 4),
                "male_u18": rng.randint(2, 8),
                "male_18_24": rng.randint(5, 15),
                "male_25_59": rng.randint(5, 20),
                "male_60p": rng.randint(0, 4),
                "community_leaders": rng.randint(3, 12),
                "religious_leaders": rng.randint(1, 6),
                "youth": rng.randint(10, 30),
                "potential_migrants": rng.randint(3, 10),
                "returnees": rng.randint(0, 5),
                "families": rng.randint(2, 10),
            },
        )
