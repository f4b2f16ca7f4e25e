"""Fictitious protection data for the demo: providers and services in the five regions, alerts,
cases at every status, consents, needs, referrals and follow-ups. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Organisation, User
from egide.accounts.services import organisation_upsert
from egide.cases import services
from egide.cases.models import Alert, Case
from egide.core.models import Region
from egide.directory.models import Service
from egide.referrals import services as referral_services

PROVIDERS = [
    # organisation, acronym, type, regions, [(need, service name, capacity, children, men)]
    (
        "Centre d'accueil Espoir Kankan (fictif)",
        "CAEK",
        "provider",
        ["GN-K", "GN-L"],
        [
            ("shelter", "Hébergement temporaire Espoir (fictif)", 12, True, False),
            ("reintegration", "Atelier couture et réinsertion (fictif)", None, False, True),
        ],
    ),
    (
        "Clinique Solidarité Conakry (fictive)",
        "CSC",
        "provider",
        ["GN-C"],
        [
            ("medical", "Consultations et soins post-viol (fictif)", None, True, True),
            ("psychosocial", "Écoute psychologique (fictif)", None, True, True),
        ],
    ),
    (
        "Maison d'accueil du Fouta (fictive)",
        "MAF",
        "provider",
        ["GN-L", "GN-M"],
        [
            ("shelter", "Foyer pour enfants du Fouta (fictif)", 8, True, False),
            ("psychosocial", "Accompagnement psychosocial Labé (fictif)", None, True, True),
            ("family_tracing", "Recherche familiale Fouta (fictif)", None, True, True),
        ],
    ),
    (
        "Cabinet d'aide juridique de Mamou (fictif)",
        "CAJM",
        "provider",
        ["GN-M", "GN-L"],
        [
            ("legal_aid", "Assistance juridique gratuite (fictif)", None, True, True),
            ("documents", "Aide aux actes d'état civil (fictif)", None, True, True),
        ],
    ),
    (
        "Réseau communautaire Forêt Nzérékoré (fictif)",
        "RCFN",
        "cbo",
        ["GN-N"],
        [
            ("reintegration", "Activités génératrices de revenus (fictif)", None, False, True),
            ("education", "Retour à l'école (fictif)", None, True, True),
        ],
    ),
    (
        "Brigade OPROGEM de Mamou (fictive)",
        "OPROGEM-M",
        "police",
        ["GN-M", "GN-L"],
        [
            ("investigation", "Enquêtes traite et exploitation (fictif)", None, True, True),
        ],
    ),
]

PEOPLE = [
    # first, last, sex, birth year, child, target status
    ("Mariama", "Diallo", "female", 2010, True, Case.Status.OPEN),
    ("Fatoumata Binta", "Bah", "female", 2001, False, Case.Status.ASSESSMENT),
    ("Alpha Oumar", "Sow", "male", 1998, False, Case.Status.CASE_PLAN),
    ("Kadiatou", "Barry", "female", 2009, True, Case.Status.SERVICES),
    ("Mamadou Saliou", "Baldé", "male", 2004, False, Case.Status.FOLLOW_UP),
    ("Hawa", "Camara", "female", 1995, False, Case.Status.CLOSED),
]


@transaction.atomic
def load_protection() -> None:
    """Create providers, services, alerts and cases once (skipped when already there)."""
    for name, acronym, org_type, regions, offers in PROVIDERS:
        org = Organisation.objects.filter(name=name).first() or organisation_upsert(
            actor=None,
            name=name,
            acronym=acronym,
            type=org_type,
            region_codes=regions,
            is_fictitious=True,
        )
        for need, service_name, capacity, children, men in offers:
            if Service.objects.filter(provider=org, name=service_name).exists():
                continue
            service = Service.objects.create(
                provider=org,
                need_type=need,
                name=service_name,
                capacity=capacity,
                accepts_children=children,
                accepts_men=men,
                phone="+224 600 00 00 00",
                address=f"Quartier central, {org.regions.first()} (fictif)",
                opening_hours="Lun–ven 8 h–17 h",
                languages="français, pular, maninka",
            )
            service.regions.set(org.regions.all())
    worker = User.objects.filter(username="travailleur").first()
    supervisor = User.objects.filter(username="superviseur").first()
    ambassador = User.objects.filter(username="ambassadeur").first()
    if worker is None or supervisor is None or ambassador is None:
        return
    if Case.objects.filter(owner=worker).exists():
        return
    labe = Region.objects.get(code="GN-L")
    today = timezone.localdate()
    services.alert_raise(
        actor=ambassador,
        region=labe,
        seen_on=today,
        person_description="Fille d'environ 13 ans, parle pular (fictive)",
        what_was_seen="Vend de l'eau la nuit à la gare routière, semble "
        "surveillée par un adulte (fictif).",
        urgency="immediate",
        child_concerned=True,
    )
    late = services.alert_raise(
        actor=ambassador,
        region=labe,
        seen_on=today - timedelta(days=4),
        person_description="Jeune homme d'environ 20 ans (fictif)",
        what_was_seen="Dit devoir rembourser son voyage vers le Mali (fictif).",
        urgency="normal",
        child_concerned=False,
    )
    Alert.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=5))
    shelter = Service.objects.filter(need_type="shelter", provider__acronym="CAEK").first()
    for first, last, sex, year, child, target in PEOPLE:
        case = services.case_open(
            actor=supervisor,
            region=labe,
            owner=worker,
            child=child,
            sex=sex,
            first_name=first,
            last_name=last,
            languages="pular, français",
        )
        case.birth_year = year
        case.save(update_fields=["birth_year"])
        if target == Case.Status.OPEN:
            continue
        services.consent_record(
            actor=worker,
            case=case,
            purpose="data_collection",
            decision="granted",
            given_by="guardian" if child else "person",
            language="pular",
            decided_on=today - timedelta(days=10),
        )
        services.consent_record(
            actor=worker,
            case=case,
            purpose="sharing",
            decision="granted",
            given_by="guardian" if child else "person",
            language="pular",
            decided_on=today - timedelta(days=10),
            service_types=["shelter", "medical", "psychosocial"],
        )
        services.case_change_status(actor=worker, case=case, to_status=Case.Status.ASSESSMENT)
        if target == Case.Status.ASSESSMENT:
            continue
        need = services.need_add(
            actor=worker,
            case=case,
            need_type="shelter",
            priority="high",
            action="Hébergement sûr pendant l'évaluation (fictif)",
            responsible="Centre d'accueil",
            due_on=today + timedelta(days=3),
        )
        services.need_add(actor=worker, case=case, need_type="psychosocial", priority="medium")
        services.case_change_status(actor=worker, case=case, to_status=Case.Status.CASE_PLAN)
        if target == Case.Status.CASE_PLAN or shelter is None:
            continue
        referral_services.referral_send(
            actor=worker,
            case=case,
            need=need,
            service=shelter,
            urgency="urgent",
            shared_fields=["first_name", "age", "sex", "languages"],
        )
        if target == Case.Status.SERVICES:
            continue
        services.case_change_status(actor=worker, case=case, to_status=Case.Status.FOLLOW_UP)
        services.follow_up_plan(
            actor=worker,
            case=case,
            due_on=today - timedelta(days=2),
            note="Visite à domicile (fictive)",
        )
        if target == Case.Status.FOLLOW_UP:
            continue
        services.closure_request(actor=worker, case=case, reason="goals_met")
        services.closure_approve(actor=supervisor, case=case)
