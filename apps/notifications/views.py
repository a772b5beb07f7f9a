"""The notifications page: newest first, unread marked; opening one marks it read; "mark all read"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.notifications.models import Notification
from apps.notifications.services import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user_id=request.user.pk or 0), 30).get_page(request.GET.get("page"))
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
