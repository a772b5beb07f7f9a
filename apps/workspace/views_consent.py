"""The consent pages of a client file: record a consent, print the consent form (served under /hulpvragers/ in the
``clients`` namespace: ``clients:consent_new``, ``clients:consent_form``). Templates stay in apps/consent/templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.clients.permissions import get_client_for_editing
from apps.consent.forms import ConsentForm, SignedFormUploadForm
from apps.consent.models import Consent, DataCategory, Purpose
from apps.consent.services import FORM_SIGNATURES, consent_attach_form, consent_record
from apps.core.forms import form_errors


@login_required
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    client = access.client
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        region=client.organisation.region,
        registering_organisation_id=client.organisation_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(
                decision=form.cleaned_data["decision"],
                valid_until=form.cleaned_data["valid_until"],
                signed_form=form.cleaned_data["signed_form"] or None,
                client=client,
                actor=request.user,
                actor_organisation=client.organisation,
                organisations=form.cleaned_data["organisations"],
                categories=form.cleaned_data["categories"],
                purposes=form.cleaned_data["purposes"],
                method=form.cleaned_data["method"],
                witness=form.cleaned_data["witness"],
                given_on=form.cleaned_data["given_on"],
                submission_key=form.cleaned_data["submission"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "consent/consent_form.html", {"form": form, "client": client})


@login_required
def consent_printable(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent form in easy Dutch, to print and sign: the organisations of the partnership but the client's own
    (it holds the file already)."""
    access = get_client_for_editing(request.user, pk)
    client = access.client
    organisations = (
        Organisation.objects.filter(region_id=client.organisation.region_id, is_active=True)
        .exclude(pk=client.organisation_id)
        .order_by("kind", "name")
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


@login_required
def consent_attach_view(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """Attach the signed form (scan or PDF) to a recorded consent; the registering organisation only."""
    access = get_client_for_editing(request.user, pk)
    consent = get_object_or_404(Consent, pk=consent_pk, client=access.client)
    form = SignedFormUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_attach_form(consent=consent, upload=form.cleaned_data["signed_form"], actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The signed form is attached."))
            return redirect("clients:detail", pk=pk)
    return render(
        request, "consent/consent_attach.html", {"form": form, "client": access.client, "consent": consent},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
def consent_signed_form_view(request: HttpRequest, pk: int, consent_pk: int) -> FileResponse:
    """The signed form of a consent, as a download, to the registering organisation only (the read is
    recorded by ``get_client_for_user``)."""
    access = get_client_for_editing(request.user, pk)
    consent = get_object_or_404(Consent, pk=consent_pk, client=access.client)
    if not consent.signed_form:
        raise Http404
    kind = consent.signed_form.name.rsplit(".", 1)[-1]
    if kind not in FORM_SIGNATURES:
        raise Http404
    try:
        handle = consent.signed_form.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"toestemming-{consent.pk}.{kind}", content_type=FORM_SIGNATURES[kind][1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
