"""The vocabulary of the audit trail: every action code and the sentence a person reads for it.

A code is ``<app>.<thing>.<verb>`` (English, stable, stored); the sentence is translated and may use
placeholders ``%(name)s`` filled from the entry's ``changes``, but only from the ``fields`` declared
here (ids, counts, codes: never personal data). ``audit_log`` refuses a code that is not registered,
and ``apps/audit/tests/test_registry.py`` checks that every code in the code base is registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


class UnknownAuditAction(LookupError):
    """An audit code that is not in :data:`ACTIONS` (a typo, or a new code not yet registered)."""


@dataclass(frozen=True)
class AuditAction:
    code: str
    sentence: Any  # a lazy translatable string, with %(field)s placeholders from ``fields``
    fields: tuple[str, ...] = ()


ACTIONS: dict[str, AuditAction] = {}


def register(code: str, sentence: Any, *fields: str) -> None:
    """Add ``code`` to the vocabulary; registering one code twice is a programming error."""
    if code in ACTIONS:
        raise ValueError(f"audit action {code!r} registered twice")
    ACTIONS[code] = AuditAction(code, sentence, fields)


def get(code: str) -> AuditAction:
    """The registered action, or :class:`UnknownAuditAction`."""
    try:
        return ACTIONS[code]
    except KeyError:
        raise UnknownAuditAction(f"unknown audit action {code!r}: register it in apps/audit/registry.py") from None


def describe(code: str, changes: dict[str, Any] | None) -> str:
    """The sentence for an entry in the active language; an unknown (retired) code reads as a neutral phrase."""
    action = ACTIONS.get(code)
    if action is None:
        return str(_("Recorded action"))
    values = {name: (changes or {}).get(name, "") for name in action.fields}
    values = {k: ("" if v is None else v) for k, v in values.items()}
    return str(action.sentence) % values if action.fields else str(action.sentence)


# --- the vocabulary ------------------------------------------------------------------------------------
# fmt: off
register("regions.region.loaded", _("Region file loaded"))
register("demo.seeded", _("Demo data created"))

register("clients.client.registered", _("Client registered"))
register("clients.client.updated", _("Client details changed"))
register("clients.client.viewed", _("Client file opened"))
register("clients.list.viewed", _("Client list shown"))
register("clients.seal.opened", _("Sealed data opened with a reason (for %(hours)s hours)"), "hours")
register("clients.client.merged", _("Duplicate client file merged into this one"))
register("clients.client.merge_undone", _("Merge of a duplicate client file undone"))
register("clients.duplicates.dismissed", _("Suspected duplicate pair marked as two different people"))
register("clients.duplicates.restored", _("Suspected duplicate pair suggested again (dismissal undone)"))
register("clients.import.completed", _("Client list imported (%(count)s clients)"), "count")
register("clients.identifier_key.rotated", _("Identifier key changed (%(count)s numbers re-encrypted)"), "count")

register("consent.consent.given", _("Consent recorded"))
register("consent.consent.withdrawn", _("Consent withdrawn"))
register("consent.consent.refused", _("Refusal of consent recorded"))
register("consent.form.attached", _("Signed consent form attached"))
register("clients.subject_access.exported", _("Copy of the file made for the client (right of access)"))
register("clients.rectification.requested", _("Request to correct data recorded"))
register("clients.rectification.decided", _("Request to correct data decided"))
register("clients.erasure.refused", _("Request to erase the file refused (a legal retention period applies)"))
register("clients.client.anonymised", _("File anonymised (retention period ended or erasure on request)"))
register("clients.retention.run", _("Retention job run (%(count)s files anonymised)"), "count")

register("assessment.screening.started", _("Screening started"))
register("assessment.screening.domains_saved", _("Screening: life domains scored"))
register("assessment.screening.obstacles_saved", _("Screening: obstacles chosen"))
register("assessment.screening.ladder_saved", _("Screening: participation ladder set (rung %(current)s, attainable %(attainable)s)"), "current", "attainable")  # noqa: E501
register("assessment.screening.entry_data_saved", _("Screening: situation at entry recorded"))
register("assessment.screening.completed", _("Screening completed"))

register("partners.offer.created", _("Offer created"))
register("partners.offer.updated", _("Offer changed"))
register("partners.offer.deactivated", _("Offer stopped; what waited for it was answered"))

register("matching.waiting_list.added", _("Placed on the waiting list"))
register("matching.allocation.started", _("Allocation of the waiting list started"))
register("matching.allocation.finished", _("Allocation of the waiting list finished (%(proposals)s proposals)"), "proposals")  # noqa: E501
register("matching.proposal.confirmed", _("Allocation proposal confirmed"))
register("matching.proposal.declined", _("Allocation proposal declined"))
register("matching.proposal.expired", _("Allocation proposals no longer open closed"))

register("pathways.pathway.started", _("Pathway started"))
register("pathways.pathway.activated", _("Pathway made active"))
register("pathways.pathway.paused", _("Pathway paused"))
register("pathways.pathway.closed", _("Pathway closed"))
register("pathways.pathway.reopened", _("Pathway reopened"))
register("pathways.follow_up.recorded", _("Follow-up after the pathway recorded"))
register("pathways.team.added", _("Case team member added"))
register("pathways.team.removed", _("Case team member removed"))
register("pathways.plan.saved", _("Pathway plan saved (version %(version)s)"), "version")
register("pathways.action.added", _("Plan action added"))
register("pathways.action.status_changed", _("Plan action status changed"))
register("pathways.contact.logged", _("Contact logged"))
register("pathways.conference.scheduled", _("Case conference scheduled"))
register("pathways.conference.decisions_recorded", _("Case conference decisions recorded"))
register("pathways.signal.raised", _("Signal raised"))
register("pathways.signal.resolved", _("Signal resolved"))
register("pathways.group.created", _("Group activity created"))
register("pathways.group.session_added", _("Group session planned"))
register("pathways.group.session_recorded", _("Group session attendance recorded"))

register("referrals.referral.sent", _("Referral sent"))
register("referrals.referral.accepted", _("Referral accepted"))
register("referrals.referral.allocated", _("Referral given a place by a confirmed allocation"))
register("referrals.referral.refused", _("Referral refused"))
register("referrals.referral.started", _("Referral started"))
register("referrals.referral.completed", _("Referral completed"))
register("referrals.referral.not_completed", _("Referral ended without completion"))
register("referrals.referral.withdrawn", _("Referral withdrawn"))
register("referrals.referral.handover_planned", _("Warm handover planned"))
register("referrals.referral.escalated", _("Unanswered referral escalated after %(days)s days"), "days")

register("partnership.candidacy.started", _("Candidacy started"))
register("partnership.candidacy.draft_saved", _("Candidacy draft saved"))
register("partnership.candidacy.submitted", _("Candidacy submitted"))
register("partnership.candidacy.converted", _("Candidacy converted into a partner with offers"))
register("partnership.attachment.added", _("Attachment added to a candidacy"))
register("partnership.attachment.removed", _("Attachment removed from a candidacy"))
register("partnership.jury_member.added", _("Jury member added"))
register("partnership.jury_member.removed", _("Jury member removed"))
register("partnership.criterion.saved", _("Assessment criterion saved"))
register("partnership.conflict.declared", _("Conflict of interest declared"))
register("partnership.scores.saved", _("Jury scores saved (round %(round)s)"), "round")
register("partnership.consensus.recorded", _("Consensus score recorded"))
register("partnership.shortlist.set", _("Shortlist for pitches set"))
register("partnership.pitch.scheduled", _("Pitch scheduled"))
register("partnership.decision.recorded", _("Decision on a candidacy recorded"))
register("partnership.rebuttal.submitted", _("Rebuttal submitted"))
register("partnership.rebuttal.handled", _("Rebuttal handled"))
register("partnership.export.downloaded", _("Candidacies exported"))
register("partnership.coverage.started", _("Coverage proposal within a budget started"))
register("partnership.coverage.finished", _("Coverage proposal computed (%(solves)s solves)"), "solves")
register("partnership.coverage.failed", _("Coverage proposal stopped without a result"))
register("accounts.totp_device.started", _("Two-step login: set-up started"))
register("accounts.totp_device.confirmed", _("Two-step login: authenticator app confirmed"))
register("accounts.membership.deactivated", _("Membership ended; the team places it gave ended with it"))
register("accounts.organisation.deactivated", _("Organisation stopped; its memberships and offers ended"))

register("employers.employer.registered", _("Employer registered"))
register("employers.contact.added", _("Employer contact person added"))
register("employers.activity.logged", _("Employer engagement activity recorded"))
register("employers.activity.follow_up_done", _("Follow-up of an employer activity done"))
register("employers.opportunity.created", _("Opportunity at an employer created"))
register("employers.opportunity.closed", _("Opportunity at an employer closed"))
register("employers.work_wish.saved", _("Work wishes saved"))
register("employers.link.issued", _("Private employer link sent"))
register("employers.link.opened", _("Private employer link opened"))
register("employers.link.used", _("Private employer link used"))
register("employers.link.refused", _("Private employer link refused (expired, used or unknown)"))
register("employers.placement.proposed", _("Candidate proposed to an employer"))
register("employers.placement.consented", _("Consent to share the profile with the employer recorded"))
register("employers.placement.answered", _("Employer answered a proposal"))
register("employers.placement.intake_planned", _("Intake interview with the employer planned"))
register("employers.placement.started", _("Placement started"))
register("employers.coaching.recorded", _("Job-coaching contact recorded"))
register("employers.placement.ended", _("Placement ended"))
register("employers.placement.withdrawn", _("Placement withdrawn"))
register("esf.participation.entered", _("ESF+ participation started"))
register("esf.participation.reentered", _("ESF+ participation resumed (a re-entry counts once)"))
register("esf.participation.entry_saved", _("ESF+ entry data saved"))
register("esf.participation.left", _("ESF+ results on leaving saved"))
register("esf.participation.leaving_undone", _("ESF+ leaving undone (the pathway was reopened)"))
register("esf.participation.followed_up", _("ESF+ six-month results saved"))
register("esf.participations.imported", _("ESF+ participants imported (%(count)s)"), "count")
register("pathways.caseload.handed_over", _("Caseload handed over to a colleague (%(actions)s open actions)"), "actions")  # noqa: E501
# fmt: on
