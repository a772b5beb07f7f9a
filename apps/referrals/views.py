from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.confirm import confirm_page, confirmed
from apps.core.ids import parse_id
from apps.offers.models import Offer, WaitingListEntry
from apps.pathways.models import Pathway
from apps.pathways.permissions import get_pathway_for_contributing
from apps.referrals import services
from apps.referrals.forms import HandoverForm, NotCompleteForm, NoteForm, ReferralForm, RefuseForm
from apps.referrals.models import Referral
from apps.referrals.permissions import ReferralAccess, get_referral_for_user
from apps.referrals.selectors import incoming_referrals, outgoing_referrals, referral_events, waiting_positions


def _transition_labels() -> dict[str, str]:
    return {
        "aanvaarden": _("Accept"),
        "weigeren": _("Refuse"),
        "starten": _("Mark as started"),
        "afronden": _("Mark as completed"),
        "niet-afgerond": _("Ended without completing"),
        "intrekken": _("Withdraw the referral"),
    }


FORM_CLASSES: dict[str, type[forms.Form]] = {"weigeren": RefuseForm, "niet-afgerond": NotCompleteForm}


def _transition_form(slug: str, data: Any = None) -> forms.Form:
    return FORM_CLASSES.get(slug, NoteForm)(data, prefix=slug)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Incoming and outgoing referrals, each in keyset pages of its own (``?in=`` and ``?uit=`` cursors).
    Incoming shows the open referrals; ``?inkomend=afgehandeld`` shows the ended ones instead (any other
    value: 404)."""
    in_cursor, out_cursor = request.GET.get("in") or None, request.GET.get("uit") or None
    shown = request.GET.get("inkomend", "open")
    if shown not in ("open", "afgehandeld"):
        raise Http404
    handled = shown == "afgehandeld"
    incoming, incoming_page = incoming_referrals(user=request.user, cursor=in_cursor, handled=handled)
    outgoing, outgoing_page = outgoing_referrals(user=request.user, cursor=out_cursor)
    return render(
        request,
        "referrals/inbox.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "incoming_page": incoming_page,
            "outgoing_page": outgoing_page,
            # each list's links keep the other list's page
            "handled": handled,
            "keep_other_out": urlencode({"uit": out_cursor}) if out_cursor else "",
            "keep_for_incoming": urlencode(
                {k: v for k, v in (("inkomend", "afgehandeld" if handled else ""), ("uit", out_cursor)) if v}
            ),
            "keep_for_outgoing": urlencode(
                {k: v for k, v in (("inkomend", "afgehandeld" if handled else ""), ("in", in_cursor)) if v}
            ),
        },
    )


def _reason_label(referral: Referral) -> str:
    choices = Referral.RefusalReason if referral.status == Referral.Status.REFUSED else Referral.EndReason
    return str(dict(choices.choices).get(referral.reason, referral.reason))


def _render_detail(
    request: HttpRequest, access: ReferralAccess, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    referral = access.referral
    bound = bound or {}
    labels = _transition_labels()
    transitions = [
        {"slug": slug, "label": labels[slug], "form": bound.get(slug) or _transition_form(slug)}
        for slug in access.allowed_transitions()
    ]
    handover_form = bound.get("handover") or HandoverForm(
        prefix="handover",
        initial={"at": referral.handover_at, "place": referral.handover_place} if referral.handover_at else None,
    )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "access": access,
            "referral": referral,
            "events": referral_events(referral),
            "position": waiting_positions([referral]).get(referral.pk),
            "transitions": transitions,
            "handover_form": handover_form if access.can_plan_handover else None,
            "reason_label": _reason_label(referral),
        },
        status=status,
    )


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_referral_for_user(request.user, pk)
    return _render_detail(request, access)


@login_required
@require_POST
def referral_transition(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    access = get_referral_for_user(request.user, pk)
    if transition not in access.allowed_transitions():
        raise Http404
    form = _transition_form(transition, request.POST)
    if form.is_valid() and transition == "intrekken" and not confirmed(request):
        referral = access.referral  # the first POST asks, and changes nothing
        return confirm_page(
            request,
            title=_("Withdraw this referral?"),
            consequence=_(
                "The referral to %(offer)s (%(organisation)s) is withdrawn; the partner is told, and a place "
                "it holds or a place on the waiting list is given up."
            )
            % {"offer": referral.offer.title, "organisation": referral.offer.organisation.name},
            button=_("Withdraw the referral"),
            cancel_url=reverse("referrals:detail", args=[pk]),
        )
    if form.is_valid():
        data = form.cleaned_data
        referral, actor, note = access.referral, request.user, data.get("note", "")
        try:
            if transition == "aanvaarden":
                services.referral_accept(referral=referral, actor=actor, note=note)
            elif transition == "weigeren":
                services.referral_refuse(referral=referral, actor=actor, reason=data["reason"], note=note)
            elif transition == "starten":
                services.referral_start(referral=referral, actor=actor, note=note)
            elif transition == "afronden":
                services.referral_complete(referral=referral, actor=actor, note=note)
            elif transition == "niet-afgerond":
                services.referral_not_complete(referral=referral, actor=actor, reason=data["reason"], note=note)
            elif transition == "intrekken":
                services.referral_withdraw(referral=referral, actor=actor, note=note)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error(None, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("referrals:detail", pk=pk)
        else:
            messages.success(
                request, _("Saved: the referral is now '%(status)s'.") % {"status": referral.get_status_display()}
            )
            return redirect("referrals:detail", pk=pk)
    return _render_detail(request, access, {transition: form}, status=400)


@login_required
@require_POST
def referral_handover(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_referral_for_user(request.user, pk)
    if not access.can_plan_handover:
        raise Http404
    form = HandoverForm(request.POST, prefix="handover")
    if form.is_valid():
        try:
            services.referral_plan_handover(
                referral=access.referral,
                actor=request.user,
                at=form.cleaned_data["at"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The warm handover is planned; both sides were told."))
            return redirect("referrals:detail", pk=pk)
    return _render_detail(request, access, {"handover": form}, status=400)


def _offer_info(pathway: Pathway, offer: Offer | None) -> dict[str, Any]:
    if offer is None:
        return {}
    waiting = WaitingListEntry.objects.filter(offer=offer, is_open=True).count()
    return {"offer": offer, "full": offer.free_places <= 0, "expected_position": waiting + 1}


@login_required
def referral_new(request: HttpRequest, pathway_pk: int) -> HttpResponse:
    access = get_pathway_for_contributing(request.user, pathway_pk)
    pathway = access.pathway
    region_id = pathway.organisation.region_id
    if request.method == "POST":
        form = ReferralForm(request.POST, region_id=region_id)
        if form.is_valid():
            try:
                referral = services.referral_send(
                    pathway=pathway,
                    offer=form.cleaned_data["offer"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    from_recommendation=form.cleaned_data["from_recommendation"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if referral.status == referral.Status.WAITING:
                    messages.info(request, _("The offer has no free place: the referral is on its waiting list."))
                else:
                    messages.success(request, _("The referral was sent; the partner was told."))
                return redirect("referrals:detail", pk=referral.pk)
    else:
        form = ReferralForm(
            region_id=region_id,
            initial={
                "offer": parse_id(request.GET.get("offer")),
                "from_recommendation": request.GET.get("bron") == "aanbeveling",
            },
        )
    selected = str((form.data.get("offer") if form.is_bound else form.initial.get("offer")) or "")
    offer = (
        Offer.objects.select_related("organisation")
        .filter(pk=offer_pk, organisation__region_id=region_id, is_active=True)
        .first()
        if (offer_pk := parse_id(selected))
        else None
    )
    client = pathway.client
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "pathway": pathway,
            "client": client,
            "closed": pathway.status == Pathway.Status.CLOSED,
            **_offer_info(pathway, offer),
        },
        status=400 if form.is_bound else 200,
    )
