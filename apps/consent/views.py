from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.clients.permissions import get_client_for_editing
from apps.consent.forms import ConsentForm
from apps.consent.models import DataCategory, Purpose
from apps.consent.services import consent_record
from apps.core.forms import form_errors


@login_required
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    client = access.client
    form = ConsentForm(request.POST or None, region=client.organisation.region)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(
                client=client,
                actor=request.user,
                actor_organisation=client.organisation,
                organisations=form.cleaned_data["organisations"],
                categories=form.cleaned_data["categories"],
                purposes=form.cleaned_data["purposes"],
                method=form.cleaned_data["method"],
                witness=form.cleaned_data["witness"],
                given_on=form.cleaned_data["given_on"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "consent/consent_form.html", {"form": form, "client": client})


@login_required
def consent_printable(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent form in easy Dutch, to print and sign."""
    access = get_client_for_editing(request.user, pk)
    client = access.client
    organisations = Organisation.objects.filter(region_id=client.organisation.region_id, is_active=True).order_by(
        "kind", "name"
    )
    return render(
        request,
        "consent/consent_printable.html",
        {
            "client": client,
            "organisations": organisations,
            "categories": DataCategory.choices,
            "purposes": Purpose.choices,
        },
    )
