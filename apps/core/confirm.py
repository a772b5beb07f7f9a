"""Destructive actions ask first (issue 10 item 10): one confirmation step that works without JavaScript.

A button that withdraws, removes, declines or converts posts its form as before. The view asks
:func:`confirmed` first: the first POST (without ``confirmed=1``) changes nothing and answers with
:func:`confirm_page`, a page that names the consequence in a sentence ("The referral to X is withdrawn; the
partner is told."), carries the first POST's fields along as hidden inputs and, where the record needs one,
asks for a reason. Only the second POST (with ``confirmed=1``, and a reason when asked) calls the service.

Usage in a view::

    if not confirmed(request):
        return confirm_page(request, title=..., consequence=..., button=..., cancel_url=...)
    service(...)
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

CONFIRM_FIELD = "confirmed"
REASON_FIELD = "confirm_reason"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD, REASON_FIELD}


class ReasonForm(forms.Form):
    """The reason asked on a confirmation page (``required`` when the record must store one)."""

    confirm_reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, required: bool = True, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[REASON_FIELD]
        field.required = required
        if label is not None:
            field.label = label


def confirmed(request: HttpRequest) -> bool:
    """Whether this POST comes from a confirmation page (``confirmed=1``); a first POST is not."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def reason_given(request: HttpRequest, *, required: bool = True) -> str | None:
    """The reason typed on the confirmation page (stripped), ``""`` when optional and empty, ``None`` when a
    required reason is missing (the caller shows :func:`confirm_page` again, which then names the error)."""
    form = ReasonForm(request.POST, required=required)
    if not form.is_valid():
        return None
    return str(form.cleaned_data[REASON_FIELD]).strip()


def confirm_page(
    request: HttpRequest,
    *,
    title: Any,
    consequence: Any,
    button: Any,
    cancel_url: str,
    reason: bool = False,
    reason_required: bool = True,
    reason_label: Any = None,
    details: list[Any] | None = None,
) -> HttpResponse:
    """The confirmation page for a destructive POST: ``title`` (a heading), ``consequence`` (what will happen,
    one or two sentences), ``details`` (optional list lines, e.g. what else ends), ``button`` (the label of the
    confirming button, naming the action) and ``cancel_url``. With ``reason`` a reason field is shown (required
    unless ``reason_required`` is false). The first POST's fields travel along hidden; the page is posted to
    the same address. Status 200 on the first POST, 400 when a required reason was missing."""
    again = request.POST.get(CONFIRM_FIELD) == "1"
    form = ReasonForm(request.POST if again else None, required=reason_required, label=reason_label)
    if again:
        form.is_valid()
    carried = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k not in _NOT_CARRIED]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "details": details or [],
            "button": button,
            "cancel_url": cancel_url,
            "carried": carried,
            "reason_form": form if reason else None,
            "confirm_field": CONFIRM_FIELD,
        },
        status=400 if again else 200,
    )
