from __future__ import annotations

from django_tasks import task

from apps.referrals.services import referrals_escalate


@task()
def escalate_referrals() -> int:
    """Escalate referrals unanswered for REFERRAL_ESCALATION_DAYS days (idempotent; schedule it daily)."""

    return len(referrals_escalate())
