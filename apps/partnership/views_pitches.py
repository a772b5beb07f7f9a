"""The coordinator schedules a shortlisted candidacy's pitch."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from apps.partnership import services_pitches
from apps.partnership.forms import PitchForm
from apps.partnership.views_jury import candidacy_action, coordinator_candidacy


@login_required
def jury_pitch(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region, candidacy = coordinator_candidacy(request, code, pk)
    return candidacy_action(
        request,
        region,
        candidacy,
        PitchForm,
        "pitch_form",
        services_pitches.pitch_schedule,
        _("The pitch is scheduled and the invitation is sent."),
        target={"candidacy": candidacy},
    )
