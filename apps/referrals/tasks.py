from __future__ import annotations

from django_tasks import task


@task()
def escalate_referrals() -> int:
    """Escalate referrals unanswered for REFERRAL_ESCALATION_DAYS days (idempotent; schedule it daily)."""
    from apps.referrals.services import referrals_escalate

    return len(referrals_escalate())
