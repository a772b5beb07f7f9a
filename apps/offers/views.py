from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.core.concurrency import EditConflict
from apps.core.forms import form_errors
from apps.offers.forms import OfferForm, OfferSearchForm
from apps.offers.permissions import (
    get_offer_for_editing,
    get_offer_for_user,
    offer_organisations_for_user,
    regions_for_catalogue,
)
from apps.offers.selectors import offers_search, with_intervention_labels
from apps.offers.services import M2M_FIELDS, offer_create, offer_update


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    regions = regions_for_catalogue(request.user)
    if not regions:
        raise Http404
    form = OfferSearchForm(request.GET or None, regions=regions)
    form.is_valid()  # an invalid filter shows its error; the valid ones still apply
    filters = getattr(form, "cleaned_data", {})
    region_ids = {r.pk for r in regions}
    page = Paginator(offers_search(region_ids=region_ids, filters=filters), 30).get_page(request.GET.get("page"))
    page.object_list = with_intervention_labels(page.object_list, regions=regions)
    return render(
        request,
        "offers/offer_list.html",
        {
            "form": form,
            "page": page,
            "can_add": bool(offer_organisations_for_user(request.user)),
            "query": _without_page(request.GET),
        },
    )


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk)
    can_edit = offer.organisation_id in {o.pk for o in offer_organisations_for_user(request.user)}
    return render(request, "offers/offer_detail.html", {"offer": offer, "can_edit": can_edit})


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    scalars = {k: v for k, v in data.items() if k not in M2M_FIELDS and k != "version"}
    return scalars, {k: data[k] for k in M2M_FIELDS if k in data}


@login_required
def offer_new(request: HttpRequest) -> HttpResponse:
    organisations = offer_organisations_for_user(request.user)
    if not organisations:
        raise Http404
    chosen = request.POST.get("organisation") or request.GET.get("organisation") or organisations[0].pk
    organisation = next((o for o in organisations if str(o.pk) == str(chosen)), None)
    if organisation is None:
        raise Http404
    form = OfferForm(request.POST or None, region=organisation.region)
    if request.method == "POST" and form.is_valid():
        scalars, m2m = _split(form.cleaned_data)
        try:
            offer = offer_create(organisation=organisation, actor=request.user, **scalars, **m2m)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The offer is added to the social map."))
            return redirect("offers:detail", pk=offer.pk)
    return render(
        request,
        "offers/offer_form.html",
        {"form": form, "organisation": organisation, "organisations": organisations},
    )


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_editing(request.user, pk)
    organisation: Organisation = offer.organisation
    form = OfferForm(request.POST or None, instance=offer, region=organisation.region)
    conflict = False
    if request.method == "POST" and form.is_valid():
        scalars, m2m = _split(form.cleaned_data)
        version = form.cleaned_data.get("version")
        offer.refresh_from_db()
        try:
            offer_update(
                offer=offer,
                actor=request.user,
                expected_version=version if version is not None else offer.version,
                **scalars,
                **m2m,
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
            return redirect("offers:detail", pk=offer.pk)
    return render(
        request,
        "offers/offer_form.html",
        {"form": form, "organisation": organisation, "offer": offer, "conflict": conflict},
    )


def _without_page(params: QueryDict) -> str:
    """The search's query string without its ``page``, so the page links do not pile up ``page=`` parameters."""
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()
