from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.clients import identifiers
from apps.clients.forms import ClientForm, ClientSearchForm, ConfirmDuplicateForm, SealOpenForm
from apps.clients.permissions import (
    client_access,
    get_client_for_editing,
    get_client_for_user,
    organisations_for_registration,
)
from apps.clients.selectors import clients_for_user
from apps.clients.services import (
    AlreadyRegistered,
    client_register,
    client_seal_open,
    client_update,
    possible_duplicates,
)
from apps.core import ratelimit
from apps.core.concurrency import EditConflict, submitted_before
from apps.core.forms import form_errors
from apps.core.keyset import keyset_page

CLIENTS_PER_PAGE = 25


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    # A search is POSTed (the page is a search form, not a change): what was typed (a name, a national number)
    # stays out of the address bar, the server log and the browser history. A GET ``?q=`` still works.
    data = request.POST if request.method == "POST" else request.GET
    form = ClientSearchForm(data)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    clients = clients_for_user(user=request.user, query=query)
    # keyset pages (apps/core/keyset.py): the last page of 100,000 clients costs what the first does; the
    # cursor holds only the boundary client's id (by_pk: no name), in the POSTed form; a junk cursor is a 404
    page = keyset_page(
        clients.unrecorded(),
        ordering=("last_name", "first_name", "pk"),
        cursor=data.get("cursor"),
        size=CLIENTS_PER_PAGE,
        salt="clients",
        by_pk=True,
    )
    clients.record_shown(page.object_list)
    return render(
        request,
        "clients/client_list.html",
        {"form": form, "page": page, "can_register": bool(organisations_for_registration(request.user))},
    )


@login_required
def client_register_view(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for_registration(request.user)
    if not organisations:
        raise Http404
    organisation = organisations[0]
    region = organisation.region
    form = ClientForm(request.POST or None, region=region)
    confirm = ConfirmDuplicateForm(request.POST or None)
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        national_number = data.pop("national_number", "")
        submission_key = data.pop("submission", "")
        data.pop("version", None)
        earlier = submitted_before(submission_key, "clients.register")
        if earlier is not None:  # the same form sent again (double click, resent request): one record
            return redirect("clients:detail", pk=earlier)

        digits = identifiers.normalise(national_number)
        # The check tells where a person is a client: limited per account (docs/decisions/0011-login-security.md).
        if not ratelimit.hit("duplicate_check", f"user:{request.user.pk}"):
            return ratelimit.too_many_requests(request)
        duplicates = possible_duplicates(
            region_id=region.pk,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            national_number=digits if len(digits) == 11 else "",
            actor=request.user,
        )
        confirmed = confirm.is_valid() and confirm.cleaned_data["confirm_new"]
        if not duplicates or confirmed:
            try:
                client = client_register(
                    organisation=organisation,
                    actor=request.user,
                    national_number=national_number,
                    submission_key=submission_key,
                    **data,
                )
            except AlreadyRegistered as exc:
                if client_access(request.user, exc.existing) is not None:
                    messages.info(request, _("This person is already registered: this is their file."))
                    return redirect("clients:detail", pk=exc.existing.pk)
                form_errors(form, exc)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The client is registered. Record their consent next."))
                return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "confirm": confirm, "duplicates": duplicates, "organisation": organisation},
    )


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    client = access.client
    form = ClientForm(request.POST or None, region=client.organisation.region, initial=ClientForm.initial_for(client))
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        national_number = data.pop("national_number", "")
        data.pop("submission", None)
        version = data.pop("version", None)
        try:
            client_update(
                client=client,
                actor=request.user,
                national_number=national_number if national_number else None,
                expected_version=version if version is not None else client.version,
                **data,
            )
        except EditConflict as exc:
            conflict = True
            data_again = request.POST.copy()
            data_again["version"] = str(exc.current_version)  # a second save is deliberate
            form.data = data_again
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client, "conflict": conflict})


@login_required
def client_seal_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Break the glass: a peer companion opens a sealed special category of a client with a reason."""
    access = get_client_for_user(request.user, pk)
    if not access.sealed:
        raise Http404
    form = SealOpenForm(request.POST or None, sealed=access.sealed)
    if request.method == "POST" and form.is_valid():
        try:
            client_seal_open(
                client=access.client,
                actor=request.user,
                categories=form.cleaned_data["categories"],
                reason=form.cleaned_data["reason"],
                sealed=access.sealed,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("The data is open for you for %(hours)s hours.") % {"hours": settings.SEAL_OPEN_HOURS}
            )
            return redirect("clients:detail", pk=access.client.pk)
    return render(request, "clients/seal_open.html", {"form": form, "client": access.client})
