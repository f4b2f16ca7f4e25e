"""Filled submissions of the alert and case forms."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from egide.accounts import roles
from tests.forms_filled import (
    YESTERDAY,
    Ctx,
    Entry,
    Persona,
    case_ctx,
    labe,
    labe_case,
    labe_prefecture,
    sharing_case,
    url,
)


def _alert_ctx(persona: Persona) -> Ctx:
    from egide.cases.services import alert_raise

    alert = alert_raise(
        actor=persona(roles.MIGRANT_AMBASSADOR),
        region=labe(),
        seen_on=YESTERDAY,
        person_description="garçon d'environ 12 ans (fictif)",
        what_was_seen="mendie au marché tard le soir (fictif)",
        urgency="urgent",
    )
    return {"pk": alert.pk, "alert": alert, "worker": persona(roles.CASE_WORKER)}


def _check_alert(ctx: Ctx, response: Any) -> None:
    from egide.cases.models import Alert

    alert = Alert.objects.get()
    assert alert.region == labe() and alert.prefecture == labe_prefecture()
    assert alert.locality == "Daralabé" and alert.border_point == "Pas de frontière (fictif)"
    assert alert.seen_on == YESTERDAY and alert.urgency == "urgent" and alert.child_concerned
    assert "fictive" in alert.person_description and "fictif" in alert.what_was_seen


def _check_triage(ctx: Ctx, response: Any) -> None:
    ctx["alert"].refresh_from_db()
    assert ctx["alert"].status == "case_opened" and ctx["alert"].case.owner == ctx["worker"]


def _check_identity(ctx: Ctx, response: Any) -> None:
    from egide.cases.models import Case

    case = Case.objects.get(pk=ctx["pk"])
    assert response["Location"].endswith(f"/cases/{case.pk}/")
    assert (case.first_name, case.last_name, case.aliases) == ("Aïssata", "Kouyaté", "Sata")
    assert case.sex == "female" and case.birth_date == "2011-04-02" and case.birth_year == 2011
    # The nationality field: a foreign key to Country.code (saving it was a server error).
    assert case.nationality_id == "SL" and case.nationality.code == "SL"
    assert case.languages == "soussou, français" and case.phone == "+224 620 00 00 00"
    assert case.guardian == "Mamadou Kouyaté (oncle, fictif)" and case.child is True
    assert case.prefecture == labe_prefecture() and case.flags == ["security_risk"]


def _action(action: str) -> Any:
    from django.urls import reverse

    return lambda ctx: reverse("cases:action", kwargs={"pk": ctx["pk"], "action": action})


def _check_status(ctx: Ctx, response: Any) -> None:
    change = ctx["case"].status_changes.order_by("-id").first()
    assert change.to_status == "assessment" and change.note == "Entretien fait (fictif)"


def _check_consent(ctx: Ctx, response: Any) -> None:
    consent = ctx["case"].consents.get()
    assert (consent.purpose, consent.decision, consent.given_by) == (
        "sharing",
        "granted",
        "person",
    )
    assert sorted(consent.service_types) == ["medical", "shelter"]
    assert consent.language == "pular" and consent.decided_on == YESTERDAY
    assert consent.note == "Expliqué avec une interprète (fictif)"


def _check_need(ctx: Ctx, response: Any) -> None:
    need = ctx["case"].needs.get()
    assert (need.need_type, need.priority) == ("medical", "high")
    assert need.action == "Consultation (fictive)" and need.responsible == "Mme Bangoura"
    assert need.due_on == YESTERDAY


def _check_note(ctx: Ctx, response: Any) -> None:
    note = ctx["case"].notes.get()
    assert note.text == "Elle dort chez une tante (fictif)." and note.sensitivity == "sensitive"


def _check_attachment(ctx: Ctx, response: Any) -> None:
    from egide.cases.services import attachment_read

    attachment = ctx["case"].attachments.get()
    assert attachment.content_type == "text/plain"
    assert attachment_read(actor=ctx["case"].owner, attachment=attachment) == b"fiche fictive"


def _check_follow_up(ctx: Ctx, response: Any) -> None:
    follow_up = ctx["case"].follow_ups.get()
    assert follow_up.due_on == YESTERDAY and follow_up.note == "Visite à domicile (fictive)"


def _check_closure(ctx: Ctx, response: Any) -> None:
    ctx["case"].refresh_from_db()
    assert ctx["case"].closure_requested_at is not None
    assert ctx["case"].closure_reason == "goals_met"
    assert ctx["case"].closure_note == "Retour en famille (fictif)"


def _closed_case(persona: Persona) -> Ctx:
    from egide.cases.services import closure_approve, closure_request

    ctx = case_ctx(persona)
    closure_request(actor=persona(roles.CASE_WORKER), case=ctx["case"], reason="withdrew")
    closure_approve(actor=persona(roles.CASE_SUPERVISOR), case=ctx["case"])
    return ctx


def _check_reopen(ctx: Ctx, response: Any) -> None:
    ctx["case"].refresh_from_db()
    assert ctx["case"].status != "closed"
    assert ctx["case"].status_changes.order_by("-id").first().note == "Elle revient (fictif)"


def _member_ctx(persona: Persona) -> Ctx:
    from tests.personas import make_user

    ctx = case_ctx(persona)
    colleague = make_user(
        "kadiatou_conde",
        roles.CASE_WORKER,
        persona(roles.CASE_WORKER).organisation,
        ["GN-L"],
        first_name="Kadiatou",
        last_name="Condé",
    )
    return {**ctx, "colleague": colleague}


def _check_member(ctx: Ctx, response: Any) -> None:
    assert ctx["case"].members.filter(user=ctx["colleague"]).exists()


def _filter_ctx(persona: Persona) -> Ctx:
    from egide.cases.services import follow_up_plan, need_add

    worker = persona(roles.CASE_WORKER)
    case = labe_case(persona, first_name="Hawa", last_name="Sylla")
    need_add(actor=worker, case=case, need_type="shelter", priority="high")
    follow_up_plan(actor=worker, case=case, due_on=YESTERDAY)
    other = labe_case(persona, first_name="Oumou", last_name="Barry")
    return {"case": case, "other": other, "worker": worker}


def _check_filter(ctx: Ctx, response: Any) -> None:
    body = response.content.decode()
    assert ctx["case"].code in body and ctx["other"].code not in body


def _alerts_ctx(persona: Persona) -> Ctx:
    from datetime import timedelta

    from django.utils import timezone

    from egide.cases.models import Alert
    from egide.cases.services import alert_raise

    def raise_at(locality: str) -> Any:
        return alert_raise(
            actor=persona(roles.CASE_WORKER),
            region=labe(),
            seen_on=YESTERDAY,
            person_description="femme seule (fictive)",
            what_was_seen="attend un passeur (fictif)",
            urgency="urgent",
            locality=locality,
        )

    late, other = raise_at("Tountouroun"), raise_at("Hafia")
    Alert.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    return {"late": late, "other": other}


def _check_alerts(ctx: Ctx, response: Any) -> None:
    shown = [a.pk for a in response.context["page"]]
    assert shown == [ctx["late"].pk]


ENTRIES: dict[str, Entry] = {
    "egide.cases.forms.AlertFilterForm": Entry(
        persona=roles.CASE_SUPERVISOR,
        setup=_alerts_ctx,
        url=url("cases:alert_list"),
        method="get",
        values=lambda ctx: {
            "q": "tountou",
            "status": "new",
            "urgency": "urgent",
            "region": labe().pk,
            "overdue": "on",
        },
        status=(200,),
        check=_check_alerts,
    ),
    "egide.cases.forms.AlertForm": Entry(
        persona=roles.MIGRANT_AMBASSADOR,
        url=url("cases:alert_create"),
        values=lambda ctx: {
            "region": labe().pk,
            "prefecture": labe_prefecture().pk,
            "locality": "Daralabé",
            "border_point": "Pas de frontière (fictif)",
            "seen_on": YESTERDAY.isoformat(),
            "urgency": "urgent",
            "child_concerned": "yes",
            "person_description": "fille d'environ 14 ans, parle pular (fictive)",
            "what_was_seen": "vend de l'eau la nuit à la gare routière (fictif)",
        },
        check=_check_alert,
    ),
    "egide.cases.forms.TriageForm": Entry(
        persona=roles.CASE_SUPERVISOR,
        setup=_alert_ctx,
        url=url("cases:alert_detail", pk="pk"),
        values=lambda ctx: {
            "decision": "open",
            "owner": ctx["worker"].pk,
            "case_code": "GN-L-2026-999999",
            "reason": "Enfant seul, à protéger (fictif)",
        },
        check=_check_triage,
    ),
    "egide.cases.forms.IdentityForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=url("cases:identity", pk="pk"),
        values=lambda ctx: {
            "first_name": "Aïssata",
            "last_name": "Kouyaté",
            "aliases": "Sata",
            "sex": "female",
            "birth_date": "2011-04-02",
            "birth_year": "2011",
            "nationality": "SL",
            "languages": "soussou, français",
            "phone": "+224 620 00 00 00",
            "guardian": "Mamadou Kouyaté (oncle, fictif)",
            "child": "on",
            "prefecture": labe_prefecture().pk,
            "flags": ["security_risk"],
        },
        status=(302,),
        check=_check_identity,
    ),
    "egide.cases.forms.StatusForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("status"),
        values=lambda ctx: {"status": "assessment", "note": "Entretien fait (fictif)"},
        check=_check_status,
    ),
    "egide.cases.forms.ConsentForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("consent"),
        values=lambda ctx: {
            "purpose": "sharing",
            "service_types": ["shelter", "medical"],
            "decision": "granted",
            "given_by": "person",
            "language": "pular",
            "decided_on": YESTERDAY.isoformat(),
            "note": "Expliqué avec une interprète (fictif)",
        },
        check=_check_consent,
    ),
    "egide.cases.forms.NeedForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("need"),
        values=lambda ctx: {
            "need_type": "medical",
            "priority": "high",
            "action": "Consultation (fictive)",
            "responsible": "Mme Bangoura",
            "due_on": YESTERDAY.isoformat(),
        },
        check=_check_need,
    ),
    "egide.cases.forms.NoteForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("note"),
        values=lambda ctx: {
            "text": "Elle dort chez une tante (fictif).",
            "sensitivity": "sensitive",
        },
        check=_check_note,
    ),
    "egide.cases.forms.AttachmentForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("attachment"),
        values=lambda ctx: {
            "file": SimpleUploadedFile("fiche.txt", b"fiche fictive", content_type="text/plain")
        },
        check=_check_attachment,
    ),
    "egide.cases.forms.FollowUpForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("follow_up"),
        values=lambda ctx: {
            "due_on": YESTERDAY.isoformat(),
            "note": "Visite à domicile (fictive)",
        },
        check=_check_follow_up,
    ),
    "egide.cases.forms.ClosureForm": Entry(
        persona=roles.CASE_WORKER,
        setup=case_ctx,
        url=_action("closure_request"),
        values=lambda ctx: {"reason": "goals_met", "note": "Retour en famille (fictif)"},
        check=_check_closure,
    ),
    "egide.cases.forms.ReopenForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_closed_case,
        url=_action("reopen"),
        values=lambda ctx: {"note": "Elle revient (fictif)"},
        check=_check_reopen,
    ),
    "egide.cases.forms.MemberForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_member_ctx,
        url=_action("member"),
        values=lambda ctx: {"user": ctx["colleague"].pk},
        check=_check_member,
    ),
    "egide.cases.forms.CaseFilterForm": Entry(
        persona=roles.CASE_WORKER,
        setup=_filter_ctx,
        url=url("cases:list"),
        method="get",
        values=lambda ctx: {
            "q": "Hawa Sylla",
            "status": "open",
            "region": labe().pk,
            "owner": ctx["worker"].pk,
            "need": "shelter",
            "child": "no",
            "overdue": "on",
            "opened_from": "2020-01-01",
            "opened_to": "2099-12-31",
        },
        status=(200,),
        check=_check_filter,
    ),
    "egide.referrals.forms.ReferralForm": Entry(
        persona=roles.CASE_WORKER,
        setup=sharing_case,
        url=url("cases:refer", pk="pk"),
        values=lambda ctx: {
            "need": ctx["need"].pk,
            "service": ctx["service"].pk,
            "urgency": "immediate",
            "shared_fields": [
                "first_name",
                "last_name",
                "age",
                "sex",
                "languages",
                "phone",
                "guardian",
            ],
            "message": "Arrivée ce soir avec l'assistante sociale (fictif)",
            "override_reason": "Sans objet : consentement recueilli (fictif)",
        },
        status=(302,),
        check=lambda ctx, response: _check_referral(ctx),
    ),
}


def _check_referral(ctx: Ctx) -> None:
    referral = ctx["case"].referrals.get()
    assert referral.service == ctx["service"] and referral.urgency == "immediate"
    shared = referral.shared
    assert shared["first_name"] == "Fatoumata" and shared["last_name"] == "Diallo"
    assert "fictif" in shared["message"]
    assert referral.consent_override_by is None  # consent was given: no override recorded
