"""The notifications page: newest first, unread marked; opening one marks it read; "mark all read"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core.keyset import keyset_page
from apps.notifications.models import Notification
from apps.notifications.services import notification_mark_read, notifications_mark_all_read

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, in keyset pages of 30 (``?cursor=``; junk: 404)."""
    page = keyset_page(
        Notification.objects.filter(user_id=request.user.pk or 0),
        ordering=("-created_at", "-pk"),
        cursor=request.GET.get("cursor"),
        size=NOTIFICATIONS_PER_PAGE,
        salt="notifications",
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and follow its link (only links within this site)."""
    notification = notification_mark_read(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    target = notification.url
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = notifications_mark_all_read(user=request.user)
    messages.success(
        request, ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", n) % {"n": n}
    )
    return redirect("core:home" if request.POST.get("next") == "/" else "notifications:list")
