from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.models import Role
from apps.core.selectors import home_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = home_for_user(user=request.user)
    context["Role"] = Role
    return render(request, "core/home.html", context)
