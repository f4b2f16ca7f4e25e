"""What each audit action code means, in words (FR/EN through the catalogues).

The audit page shows these words; the code stays in the database and in the page's `title`
(the filter "action starts with" takes codes). A test fails for an action without a label.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "account.api_token_created": _("API token created"),
    "account.language_changed": _("Language changed"),
    "admin.changed": _("Changed in the administration"),
    "admin.deleted": _("Deleted in the administration"),
    "alert.case_opened": _("Case opened from an alert"),
    "alert.closed": _("Alert closed"),
    "alert.merged": _("Alert merged into a case"),
    "alert.raised": _("Alert raised"),
    "alert.viewed": _("Alert viewed"),
    "audit.viewed": _("Audit trail viewed"),
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "auth.logout": _("Logged out"),
    "auth.totp_enrolled": _("Authenticator set up"),
    "auth.totp_enrolment_started": _("Authenticator set-up started"),
    "case.attachment_added": _("File attached to a case"),
    "case.attachment_downloaded": _("Case file downloaded"),
    "case.closed": _("Case closed"),
    "case.closure_requested": _("Case closure requested"),
    "case.consent_recorded": _("Consent recorded"),
    "case.consent_withdrawn": _("Consent withdrawn"),
    "case.follow_up_done": _("Follow-up done"),
    "case.follow_up_planned": _("Follow-up planned"),
    "case.identity_changed": _("Identity changed"),
    "case.member_added": _("Team member added"),
    "case.need_added": _("Need added"),
    "case.need_status": _("Need status changed"),
    "case.note_added": _("Note added"),
    "case.opened": _("Case opened"),
    "case.opened_from_screening": _("Case opened from a screening"),
    "case.purged": _("Identifying data purged"),
    "case.reopened": _("Case reopened"),
    "case.reviewed": _("Case reviewed by a supervisor"),
    "case.searched": _("Cases searched"),
    "case.status_changed": _("Case status changed"),
    "case.viewed": _("Case viewed"),
    "encryption.keys_rotated": _("Encryption keys rotated"),
    "organisation.created": _("Organisation created"),
    "outreach.ambassador_registered": _("Ambassador registered"),
    "outreach.ambassadors_viewed": _("Ambassadors viewed"),
    "outreach.dialogue_recorded": _("Dialogue recorded"),
    "outreach.team_created": _("Team created"),
    "referral.accepted": _("Referral accepted"),
    "referral.cancelled": _("Referral cancelled"),
    "referral.closed": _("Referral closed"),
    "referral.consent_override": _("Referral sent without consent (supervisor)"),
    "referral.declined": _("Referral declined"),
    "referral.delivery_recorded": _("Service delivery recorded"),
    "referral.listed_api": _("Referrals listed through the API"),
    "referral.refused_no_consent": _("Referral refused: no consent"),
    "referral.sent": _("Referral sent"),
    "referral.viewed": _("Referral viewed"),
    "reminders.sent": _("Reminders sent"),
    "screening.assessment_created": _("Screening saved"),
    "screening.assessment_viewed": _("Screening viewed"),
    "training.attendance_recorded": _("Attendance recorded"),
    "training.certificate_downloaded": _("Certificate downloaded"),
    "training.certificate_issued": _("Certificate issued"),
    "training.exported": _("Training data exported"),
    "training.participant_registered": _("Participant registered"),
    "training.participants_viewed": _("Participants viewed"),
    "training.session_created": _("Training session created"),
    "training.test_opened": _("Test opened"),
    "training.test_submitted": _("Test submitted"),
    "training.tests_prepared": _("Tests prepared"),
    "user.created": _("User created"),
}


def action_label(code: str) -> str:
    """The words for *code*; an unknown code is shown as "Other action" (never raw)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else str(_("Other action"))
