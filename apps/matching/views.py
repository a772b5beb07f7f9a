from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.clients.permissions import get_client_for_editing
from apps.clients.services import client_file_viewed
from apps.matching.recommend import recommend, suggest_package
from apps.matching.selectors import client_profile, offer_profiles, travel_model


@login_required
def client_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    """Offers for one client, ranked, each with its reasons; and a suggested package."""
    access = get_client_for_editing(request.user, pk)
    client = access.client
    client_file_viewed(client=client, actor=request.user, page="recommendations")
    profile = client_profile(client=client)
    ranked = package = []
    if profile is not None:
        region_id = client.organisation.region_id
        ranked = recommend(profile, offer_profiles(region_id=region_id), travel_model(region_id=region_id))
        package = suggest_package(profile, ranked)
    return render(
        request,
        "matching/recommendations.html",
        {
            "client": client,
            "profile": profile,
            "ranked": ranked[:20],
            "package": package,
            "uncovered": (
                sorted(
                    profile.obstacle_labels[o]
                    for o in set(profile.obstacle_weights) - {o for r in package for o in r.offer.obstacle_ids}
                )
                if profile
                else []
            ),
        },
    )
