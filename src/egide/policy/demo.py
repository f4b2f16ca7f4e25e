"""Demonstration data of the policy module, marked as demo and fictitious: a 2023 review of
Guinea assessed from the sourced facts (and a lighter 2021 review to compare with), the
validation workshop with 33 fictitious participants (reusing training participant records),
about fifteen recommendations at various statuses, and human security analyses of Conakry,
Kankan, Labé, Mamou and N'Zérékoré built on sourced national indicator values.

Severity, likelihood and feasibility scores are illustrative judgements for the demonstration,
not findings. Idempotent: nothing is created when the 2023 demo review exists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from egide.accounts.models import Organisation, User
from egide.core.models import Region
from egide.policy import services
from egide.policy.models import Element, Institution, Provision, Review, TrackerItem, WorkshopSeat
from egide.policy.reference import ensure_reference, humansecurity_data, source_text

REVIEW_2023 = "Revue 2023 du cadre juridique et institutionnel (démo)"

# element: (status 2023, evidence, reasoning, national provisions, status 2021 or None)
ASSESSMENTS: dict[str, tuple[str, str, str, list[str], str | None]] = {
    "criminalisation": (
        "partial",
        "Code pénal 2016, art. 323 ; loi de 2023 adoptée par le CNT le 6 avril 2023.",
        "La traite est incriminée, mais l'amende peut remplacer la prison (« et/ou »).",
        ["penal_code_2016:323", "tip_law_2023:numéro L/2023/0013/CNT"],
        "partial",
    ),
    "definitions": (
        "partial",
        "Art. 323 : moyens limités à la violence, la menace ou la contrainte pour les adultes.",
        "Fraude, tromperie et abus de vulnérabilité absents du résumé de 2017 ; à revoir avec "
        "le texte de 2023.",
        ["penal_code_2016:323", "penal_code_2016:324"],
        "partial",
    ),
    "penalties": (
        "gap",
        "Art. 323 (3 à 7 ans et/ou amende), art. 343 (mendicité forcée 1 à 3 ans), CPP art. 117.",
        "Amende en lieu de prison, peine de mendicité forcée trop faible et sursis possible.",
        ["penal_code_2016:323", "penal_code_2016:343", "cpp:117"],
        "gap",
    ),
    "non_punishment": (
        "gap",
        "Aucune disposition de non-sanction trouvée dans les sources consultées.",
        "Les standards (Principes du HCDH, P029 art. 4(2)) ne trouvent pas de réponse.",
        [],
        "gap",
    ),
    "identification": (
        "partial",
        "POS d'identification et outils du MNR validés en mars 2022.",
        "Procédures en place, identification faible chez les enfants mendiants et orpailleurs.",
        ["sops_2022:POS"],
        "gap",
    ),
    "assistance": (
        "partial",
        "Fonds d'assistance créé par la loi de 2023, non alimenté ; deux centres d'accueil.",
        "Le cadre existe mais sans financement suffisant.",
        ["tip_law_2023:fonds d'assistance", "sops_2022:POS"],
        "gap",
    ),
    "witness_protection": (
        "gap",
        "Aucune disposition trouvée ; protection décrite comme quasi inexistante.",
        "UNTOC art. 24 sans réponse nationale identifiée.",
        [],
        None,
    ),
    "status_repatriation": (
        "partial",
        "Accord Guinée–Mali de 2005 ; pas de procédure de retour trouvée.",
        "Coopération bilatérale limitée à un pays voisin.",
        ["guinea_mali_2005:chap. III"],
        None,
    ),
    "child_provisions": (
        "compliant",
        "Code de l'enfant, art. 893–894 : 5 à 10 ans et 50 à 100 millions GNF.",
        "La loi est conforme ; l'application (mendicité dans les écoles coraniques) reste "
        "le problème.",
        ["child_code_2019:893-894", "penal_code_2016:324"],
        "compliant",
    ),
    "data_protection": (
        "partial",
        "Loi L/2016/037/AN (contenu à vérifier) ; données sur la traite lacunaires.",
        "Cadre général présent, rien de propre aux victimes identifié.",
        ["data_protection_law:loi"],
        None,
    ),
    "coordination": (
        "partial",
        "CNLTPPA créé par décret en 2017 ; cellule d'appui au ministère de la Justice (2024).",
        "Organe en place, sans autorité ni budget suffisants.",
        ["decree_cnltppa:décret"],
        "partial",
    ),
    "action_plan": (
        "gap",
        "PAN 2020–2022 et plan d'urgence de 2021 ; aucun plan après 2022.",
        "Pas de plan d'action en vigueur en 2023.",
        ["nap_2020_2022:PAN"],
        "compliant",
    ),
    "cooperation": (
        "partial",
        "Accord Guinée–Mali 2005 ; échange CNLTPPA–Côte d'Ivoire en 2021.",
        "Pas d'accord avec le Sénégal ni la Côte d'Ivoire trouvé.",
        ["guinea_mali_2005:chap. III"],
        None,
    ),
    "prevention": (
        "partial",
        "Campagnes de sensibilisation ; interdiction des frais de recrutement.",
        "Contrôle des agences de recrutement faible.",
        [],
        None,
    ),
    "labour_inspection": (
        "partial",
        "411 inspections sans constat de travail des enfants (rapport TIP 2023).",
        "Inspection existante mais sans résultat sur le travail forcé des enfants.",
        ["penal_code_2016:272-273"],
        None,
    ),
}

# text, elements, institution, priority, status, months to deadline, validation outcome
RECOMMENDATIONS: list[tuple[str, list[str], str, str, str, int, str]] = [
    (
        "Supprimer la possibilité d'une amende en lieu et place de l'emprisonnement pour "
        "la traite.",
        ["criminalisation", "penalties"],
        "justice",
        "high",
        "in_progress",
        12,
        "validated",
    ),
    (
        "Relever les peines de la mendicité forcée au niveau de celles de la traite.",
        ["penalties", "child_provisions"],
        "cnt",
        "high",
        "validated",
        12,
        "amended",
    ),
    (
        "Inscrire dans la loi la non-sanction des victimes pour les actes commis sous la "
        "contrainte.",
        ["non_punishment"],
        "cnt",
        "high",
        "in_progress",
        9,
        "validated",
    ),
    (
        "Adopter et financer un nouveau plan d'action national contre la traite.",
        ["action_plan", "coordination"],
        "cnltppa",
        "high",
        "in_progress",
        6,
        "validated",
    ),
    (
        "Alimenter le fonds national d'assistance aux victimes créé par la loi de 2023.",
        ["assistance"],
        "mpfepv",
        "high",
        "validated",
        12,
        "validated",
    ),
    (
        "Doter le CNLTPPA d'un budget propre et d'un secrétariat permanent.",
        ["coordination"],
        "mpfepv",
        "medium",
        "in_progress",
        9,
        "validated",
    ),
    (
        "Mettre en place un dispositif de protection des témoins et des victimes qui témoignent.",
        ["witness_protection"],
        "justice",
        "medium",
        "validated",
        18,
        "validated",
    ),
    (
        "Former magistrats, police et prestataires à l'identification et aux droits des victimes.",
        ["identification"],
        "justice_cell",
        "medium",
        "done",
        6,
        "validated",
    ),
    (
        "Identifier les victimes parmi les enfants mendiants, les orpailleurs et les "
        "personnes recrutées pour le Moyen-Orient.",
        ["identification", "child_provisions"],
        "oprogem",
        "high",
        "in_progress",
        6,
        "validated",
    ),
    (
        "Contrôler les agences de recrutement et sanctionner les frais illégaux.",
        ["prevention", "labour_inspection"],
        "labour",
        "medium",
        "proposed",
        12,
        "pending",
    ),
    (
        "Étendre l'inspection du travail aux sites d'orpaillage et au travail domestique.",
        ["labour_inspection"],
        "labour",
        "medium",
        "validated",
        12,
        "validated",
    ),
    (
        "Conclure des accords de coopération avec le Sénégal et la Côte d'Ivoire.",
        ["cooperation", "status_repatriation"],
        "foreign_affairs",
        "low",
        "proposed",
        24,
        "pending",
    ),
    (
        "Adopter une procédure de retour et de réintégration des victimes guinéennes.",
        ["status_repatriation"],
        "social_action",
        "medium",
        "done",
        9,
        "validated",
    ),
    (
        "Harmoniser la collecte des données sur la traite et les séparer du trafic de migrants.",
        ["data_protection"],
        "cnltppa",
        "medium",
        "in_progress",
        3,
        "validated",
    ),
    (
        "Créer une juridiction spéciale pour la traite dans chaque région.",
        ["penalties"],
        "justice",
        "low",
        "abandoned",
        12,
        "rejected",
    ),
]

FUNCTIONS = [
    "point focal traite",
    "juriste",
    "magistrat",
    "directeur national",
    "chargé de programme",
    "officier de police judiciaire",
    "travailleur social",
]

# locality: list of (dimension, description, severity, likelihood, groups, indicator code, driver)
ANALYSES: dict[str, list[tuple[str, str, int, int, str, str, str]]] = {
    "GN-L": [
        (
            "economic",
            "Pauvreté des ménages ruraux qui confient leurs enfants à des maîtres coraniques.",
            4,
            4,
            "enfants de 5 à 14 ans, garçons talibés",
            "mpi_poor",
            "forced_begging",
        ),
        (
            "personal",
            "Enfants contraints à la mendicité dans les villes de la région.",
            5,
            4,
            "enfants talibés",
            "child_labour_5_14",
            "forced_begging",
        ),
        (
            "food",
            "Insécurité alimentaire des ménages pendant la soudure.",
            3,
            3,
            "ménages ruraux",
            "food_insecure_households",
            "",
        ),
    ],
    "GN-K": [
        (
            "economic",
            "Travail des enfants et des jeunes sur les sites d'orpaillage.",
            5,
            4,
            "adolescents, migrants internes",
            "child_labour_5_17",
            "forced_labour",
        ),
        (
            "personal",
            "Exploitation sexuelle autour des sites miniers.",
            4,
            3,
            "jeunes femmes",
            "gbv_hotline_calls",
            "sexual_exploitation",
        ),
        (
            "food",
            "Ménages en insécurité alimentaire.",
            3,
            3,
            "ménages ruraux",
            "food_insecure_households",
            "",
        ),
    ],
    "GN-C": [
        (
            "economic",
            "Jeunes femmes recrutées pour le travail domestique à l'étranger.",
            4,
            4,
            "jeunes femmes",
            "mpi_poor",
            "domestic_servitude",
        ),
        (
            "personal",
            "Servitude domestique d'enfants placés en ville.",
            4,
            3,
            "filles de 10 à 17 ans",
            "child_labour_5_14",
            "domestic_servitude",
        ),
        (
            "community",
            "Départs irréguliers par l'aéroport et les gares routières.",
            3,
            4,
            "jeunes hommes, candidats au départ",
            "dialogue_reach_2024",
            "",
        ),
    ],
    "GN-M": [
        (
            "economic",
            "Carrefour de transit : enfants déplacés vers les villes et les pays voisins.",
            3,
            4,
            "enfants en déplacement",
            "mpi_poor",
            "forced_begging",
        ),
        ("food", "Ménages en insécurité alimentaire.", 3, 3, "ménages ruraux", "ch_phase3", ""),
    ],
    "GN-N": [
        (
            "health",
            "Fragilité du système de santé frontalier (héritage Ebola).",
            3,
            3,
            "communautés frontalières",
            "ebola_cordon_2014",
            "",
        ),
        (
            "personal",
            "Exploitation sexuelle et travail forcé le long de la frontière.",
            4,
            3,
            "femmes et enfants",
            "gbv_hotline_calls",
            "sexual_exploitation",
        ),
        (
            "community",
            "Tensions communautaires et mouvements transfrontaliers.",
            3,
            3,
            "jeunes",
            "dialogue_reach_2024",
            "",
        ),
    ],
}
MEASURES = {
    "forced_begging": (
        "Accompagner les écoles coraniques vers un modèle sans mendicité, avec les chefs "
        "religieux.",
        "empowerment",
        3,
    ),
    "forced_labour": (
        "Contrôles conjoints inspection du travail–OPROGEM sur les sites d'orpaillage.",
        "protection",
        3,
    ),
    "domestic_servitude": (
        "Informer les candidates au départ sur les agences de recrutement agréées.",
        "empowerment",
        4,
    ),
    "sexual_exploitation": (
        "Renforcer l'orientation des victimes vers le centre d'accueil.",
        "protection",
        4,
    ),
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load_policy() -> None:
    """Load the policy demo once (skipped when the 2023 demo review exists)."""
    ensure_reference()
    analyst = _user("analyste")
    coordinator = _user("coordination")
    if analyst is None or coordinator is None or Review.objects.filter(title=REVIEW_2023).exists():
        return
    for n, inst in enumerate(Institution.objects.all()):
        services.institution_focal_point_set(
            actor=analyst,
            institution=inst,
            focal_point=f"Point focal {inst.acronym} n° {n + 1} (fictif)",
            fictitious=True,
        )
    provisions = {p.code: p for p in Provision.objects.all()}
    elements = {e.code: e for e in Element.objects.all()}
    review_2021 = services.review_create(
        actor=analyst,
        title="Revue 2021 (démo, reconstituée)",
        year=2021,
        held_on=date(2021, 11, 30),
        is_demo=True,
    )
    review = services.review_create(
        actor=analyst, title=REVIEW_2023, year=2023, held_on=date(2023, 11, 15), is_demo=True
    )
    for code, (status, evidence, reasoning, national, status_2021) in ASSESSMENTS.items():
        services.assessment_record(
            actor=analyst,
            review=review,
            element=elements[code],
            status=status,
            provisions=[provisions[c] for c in national],
            evidence=evidence,
            reasoning=reasoning,
        )
        if status_2021 is not None:
            services.assessment_record(
                actor=analyst,
                review=review_2021,
                element=elements[code],
                status=status_2021,
                provisions=[provisions[c] for c in national if not c.startswith("tip_law_2023")],
                evidence="Situation reconstituée à partir des rapports TIP 2021 et 2022.",
                reasoning=reasoning,
            )
    workshop = _workshop(coordinator, review)
    institutions = {i.code: i for i in Institution.objects.all()}
    for text, els, inst, priority, status, months, outcome in RECOMMENDATIONS:
        item = services.item_create(
            actor=analyst,
            kind=TrackerItem.Kind.RECOMMENDATION,
            text=text,
            proposed_on=date(2023, 11, 20),
            priority=priority,
            review=review,
            elements=[elements[c] for c in els],
            is_demo=True,
        )
        if outcome != "pending":
            services.item_validate(
                actor=analyst,
                item=item,
                workshop=workshop,
                outcome=outcome,
                note="Examinée en plénière (démo).",
            )
        if outcome != "rejected":
            services.item_assign(
                actor=analyst,
                item=item,
                institution=institutions[inst],
                deadline=workshop.held_on + timedelta(days=30 * months),
                priority=priority,
            )
        if status in {"in_progress", "done"}:
            services.item_progress(
                actor=analyst,
                item=item,
                on=date(2024, 3, 1),
                status="in_progress",
                note="Travaux engagés par l'institution responsable (démo).",
                evidence="Compte rendu de réunion (fictif)",
            )
        if status == "done":
            services.item_progress(
                actor=analyst,
                item=item,
                on=date(2024, 6, 28),
                status="done",
                note="Réalisée (démo).",
                evidence="Rapport d'activité (fictif)",
            )
    _analyses(analyst, institutions)


def _workshop(coordinator: User, review: Review) -> Any:
    """The validation workshop: a training-session record (people and attendance live there)."""
    from egide.training import services as training
    from egide.training.models import Participant

    start = date(2023, 12, 5)
    session = training.session_create(
        actor=coordinator,
        kind="workshop",
        modules=["M4"],
        title="Atelier de validation de la revue 2023 (fictif)",
        start_date=start,
        end_date=start + timedelta(days=1),
        region=Region.objects.get(code="GN-C"),
        venue="Salle de conférence, Conakry (fictive)",
    )
    workshop = services.workshop_create(
        actor=coordinator,
        review=review,
        title="Atelier de validation de la revue 2023 (démo)",
        held_on=start,
        venue="Conakry",
        session=session,
        is_demo=True,
    )
    rng = random.Random(33)  # noqa: S311 - fictitious data
    institutions = list(Institution.objects.all())
    # Reuse people already trained (same record, counted once), then add new fictitious ones.
    existing = list(Participant.objects.filter(is_fictitious=True).order_by("id")[:10])
    people: list[tuple[str, str]] = [(p.full_name, p.sex) for p in existing]
    first = [
        "Mamadou",
        "Mariama",
        "Fatoumata",
        "Alpha",
        "Ibrahima",
        "Aïssatou",
        "Kadiatou",
        "Ousmane",
    ]
    last = ["Diallo", "Bah", "Camara", "Condé", "Touré", "Keïta", "Sylla", "Soumah"]
    while len(people) < 33:
        i = len(people)
        people.append(
            (
                f"{rng.choice(first)} {rng.choice(last)} (validation {i + 1}, fictif)",
                rng.choice(["female", "male"]),
            )
        )
    enrollments = []
    for i, (name, sex) in enumerate(people):
        institution = institutions[i % len(institutions)]
        enrollment = training.participant_register(
            actor=coordinator,
            session=session,
            full_name=name,
            sex=sex,
            age_band="25_59",
            actor_type="un_government" if institution.kind != "ngo" else "cso",
            organisation_name=institution.name,
            is_fictitious=True,
        )
        WorkshopSeat.objects.create(
            workshop=workshop,
            enrollment=enrollment,
            institution=institution,
            function=FUNCTIONS[i % len(FUNCTIONS)],
        )
        enrollments.append(enrollment)
    for day, absent in ((start, {5, 17}), (start + timedelta(days=1), {5, 9, 22})):
        training.attendance_record(
            actor=coordinator,
            session=session,
            day=day,
            present_ids={e.pk for k, e in enumerate(enrollments) if k not in absent},
        )
    return workshop


def _analyses(analyst: User, institutions: dict[str, Institution]) -> None:
    from egide.outreach.models import Team

    data = humansecurity_data()
    indicators = {i["code"]: i for i in data["indicators"]}
    baselines: dict[str, Any] = {}
    for code, rows in ANALYSES.items():
        region = Region.objects.get(code=code)
        analysis = services.analysis_create(
            actor=analyst,
            region=region,
            prefecture=None,
            boundary_version="ISO 3166-2:GN",
            title=f"Sécurité humaine — {region.name} 2023 (démo)",
            kind="baseline",
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            is_demo=True,
        )
        baselines[code] = analysis
        _fill(analyst, analysis, rows, indicators, data, institutions)
        provider = Organisation.objects.filter(services__isnull=False, regions=region).first()
        if provider is not None:
            services.capacity_add(
                actor=analyst,
                analysis=analysis,
                provider=provider,
                description="Prestataire de l'annuaire présent dans la région (démo).",
            )
        team = Team.objects.filter(region=region).first()
        if team is not None:
            services.capacity_add(
                actor=analyst,
                analysis=analysis,
                team=team,
                description="Équipe communautaire d'appui : dialogues et signalements (démo).",
            )
        services.capacity_add(
            actor=analyst,
            analysis=analysis,
            institution=institutions["oprogem"],
            description="Brigade OPROGEM compétente pour les enquêtes (démo).",
        )
    # A follow-up of Labé in 2024 against its 2023 baseline (impact assessment).
    labe = Region.objects.get(code="GN-L")
    follow = services.analysis_create(
        actor=analyst,
        region=labe,
        prefecture=None,
        boundary_version="ISO 3166-2:GN",
        title="Sécurité humaine — Labé 2024, suivi (démo)",
        kind="follow_up",
        baseline=baselines["GN-L"],
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        is_demo=True,
    )
    rows = [
        (d, desc, max(s - 1, 1), lk, g, ind, drv)
        for d, desc, s, lk, g, ind, drv in ANALYSES["GN-L"]
    ]
    _fill(analyst, follow, rows, indicators, data, institutions)


def _fill(
    analyst: User,
    analysis: Any,
    rows: list[tuple[str, str, int, int, str, str, str]],
    indicators: dict[str, Any],
    data: dict[str, Any],
    institutions: dict[str, Institution],
) -> None:
    for dimension, description, severity, likelihood, groups, indicator, driver in rows:
        ind = indicators[indicator]
        insecurity = services.insecurity_add(
            actor=analyst,
            analysis=analysis,
            dimension=dimension,
            description=description,
            severity=severity,
            likelihood=likelihood,
            affected_groups=groups,
            method="workshop",
            evidence=[
                services.EvidenceInput(
                    indicator=ind["fr"],
                    value=ind["value"],
                    source=source_text(data, ind["source"]),
                    observed=ind["observed"] or "s.d.",
                )
            ],
        )
        if driver:
            services.driver_add(
                actor=analyst,
                insecurity=insecurity,
                purpose=driver,
                description="Lien établi lors de l'atelier participatif (démo).",
            )
            text, kind, feasibility = MEASURES[driver]
            services.item_create(
                actor=analyst,
                kind=kind,
                text=text,
                proposed_on=analysis.period_end,
                deadline=analysis.period_end + timedelta(days=365),
                analysis=analysis,
                insecurity=insecurity,
                feasibility=feasibility,
                institution=institutions["oprogem" if kind == "protection" else "cnltppa"],
                is_demo=True,
            )
    first, *rest = list(analysis.insecurities.all())
    for other in rest[:1]:
        services.insecurity_link(actor=analyst, source=first, target=other)
