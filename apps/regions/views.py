from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.regions.permissions import get_region_for_user
from apps.regions.selectors import region_overview, regions_for_user


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    regions = list(regions_for_user(user=request.user))
    if len(regions) == 1:
        return redirect("regions:detail", code=regions[0].code)
    return render(request, "regions/region_list.html", {"regions": regions})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_region_for_user(request.user, code)
    return render(request, "regions/region_detail.html", region_overview(region=region))
