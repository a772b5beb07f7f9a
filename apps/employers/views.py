from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Organisation
from apps.accounts.permissions import get_coordinated_region_for_user, is_coordinator_of_region
from apps.audit import reads
from apps.clients.models import Client
from apps.clients.permissions import get_client_for_editing
from apps.core.forms import form_errors
from apps.core.ids import id_or_404
from apps.core.keyset import keep_params, keyset_page
from apps.employers import isco
from apps.employers.exports import overview_xlsx
from apps.employers.forms import (
    ActivityForm,
    AnswerForm,
    CoachingForm,
    ContactPersonForm,
    EmployerForm,
    EndForm,
    IntakeForm,
    OpportunityForm,
    PlacementConsentForm,
    ProposeForm,
    StartForm,
    WorkWishForm,
)
from apps.employers.matching import DOMAIN_SUPPORT, candidates_for, opportunities_for
from apps.employers.models import (
    EmployerLink,
    NaceSection,
    Opportunity,
    Placement,
    PlacementStatus,
    RefusalReason,
    Support,
    WorkWish,
)
from apps.employers.permissions import (
    can_edit_employer,
    case_organisations,
    get_activity_for_closing,
    get_coaching_contact_for_user,
    get_employer_for_user,
    get_opportunity_for_user,
    get_placement_for_user,
)
from apps.employers.selectors import (
    PLACEMENT_FIGURES,
    STARTED_STATES,
    candidate_profile,
    candidate_profiles,
    employer_list,
    opportunity_list,
    opportunity_profile,
    opportunity_profiles,
    overview,
    placement_rows,
    visible_clients,
    work_wishes,
    working_on,
)
from apps.employers.services import (
    LinkRefused,
    activity_follow_up_done,
    activity_log,
    coaching_contact_record,
    employer_contact_add,
    employer_may_see_identity,
    employer_register,
    link_open,
    link_url,
    opportunity_close,
    opportunity_create,
    placement_answer,
    placement_confirm_start,
    placement_consent_record,
    placement_end,
    placement_link_renew,
    placement_plan_intake,
    placement_propose,
    placement_start,
    placement_withdraw,
    work_wish_save,
)
from apps.matching.selectors import travel_model
from apps.pathways.forms import FollowUpForm
from apps.pathways.models import Closure
from apps.pathways.permissions import get_pathway_for_editing, get_pathway_for_user
from apps.pathways.services import follow_up_record
from apps.regions.models import Municipality

LINK_SESSION_KEY = "employers_new_link"


def _form_message(form: Any) -> str:
    """A form's errors as one translated message, each prefixed with its field's label."""
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(m) for m in e)}"
        for f, e in form.errors.items()
    )


def _region(request: HttpRequest) -> Any:
    """The region of an employer list page: ``?regio=<code>`` among the regions of the user's case organisations
    (a coordinator or worker of several regions reaches each; the overview's figures link with it), else the
    first. 404 for a user without a case organisation or a code not among them."""
    organisations = case_organisations(request.user)
    if not organisations:
        raise Http404
    code = request.GET.get("regio", "")
    if not code:
        return organisations[0].region
    for organisation in organisations:
        if organisation.region.code == code:
            return organisation.region
    raise Http404


def _remember_link(request: HttpRequest, placement: Placement, token: str) -> None:
    request.session[LINK_SESSION_KEY] = {"placement": placement.pk, "url": request.build_absolute_uri(link_url(token))}


# --- employers ---------------------------------------------------------------------------


@login_required
def employers(request: HttpRequest) -> HttpResponse:
    """The region's employers in keyset pages (``?cursor=``); ``?sector=<NACE letter>`` or ``?municipality=<id>``
    give the list behind a figure of the overview (junk values: 404)."""
    region = _region(request)
    sector = request.GET.get("sector", "")
    if sector and sector not in NaceSection.values:
        raise Http404
    municipality_id = id_or_404(request.GET["municipality"]) if "municipality" in request.GET else None
    municipality = None
    if municipality_id is not None:
        municipality = Municipality.objects.filter(pk=municipality_id, region=region).first()
        if municipality is None:
            raise Http404
    page = employer_list(
        region_id=region.pk, sector=sector, municipality_id=municipality_id, cursor=request.GET.get("cursor") or None
    )
    keep = {k: v for k, v in (("sector", sector), ("municipality", municipality_id)) if v}
    return render(
        request,
        "employers/employer_list.html",
        {
            "region": region,
            "employers": page.object_list,
            "page": page,
            "keep": urlencode(keep),
            "coordinator": is_coordinator_of_region(request.user, region.pk),
            "sector": NaceSection(sector).label if sector else "",
            "municipality": municipality,
        },
    )


@login_required
def opportunities(request: HttpRequest) -> HttpResponse:
    """The region's opportunities, shared within the partnership; ``?rung=3..6`` and ``?status=open|closed``."""
    region = _region(request)
    rung = request.GET.get("rung")
    if rung is not None and rung not in {"3", "4", "5", "6"}:
        raise Http404
    status = request.GET.get("status", "")
    if status and status not in Opportunity.Status.values:
        raise Http404
    return render(
        request,
        "employers/opportunity_list.html",
        {
            "opportunities": opportunity_list(
                region_id=region.pk, rung=int(rung) if rung else None, status=status, cursor=request.GET.get("cursor")
            ),
            "keep": keep_params(request.GET, "cursor"),
            "rung": rung,
            "status": Opportunity.Status(status).label if status else "",
        },
    )


@login_required
def placements(request: HttpRequest) -> HttpResponse:
    """The placements behind the overview's figures (``?status=``, ``?refusal=``, ``?figure=started|working_3|
    working_6``), within access: the client's name only where the user may open the placement."""
    region = _region(request)
    status = request.GET.get("status", "")
    refusal = request.GET.get("refusal", "")
    figure = request.GET.get("figure", "")
    if (
        (status and status not in PlacementStatus.values)
        or (refusal and refusal not in RefusalReason.values)
        or (figure and figure not in PLACEMENT_FIGURES)
    ):
        raise Http404
    rows, page = placement_rows(
        user=request.user,
        region_id=region.pk,
        status=status,
        refusal=refusal,
        figure=figure,
        cursor=request.GET.get("cursor"),
    )
    reads.note_list(actor=request.user, client_ids=[p.client_id for p, may_see in rows if may_see])
    figures = {
        "started": _("Started"),
        "working_3": _("Still working after 3 months"),
        "working_6": _("Still working after 6 months"),
    }
    return render(
        request,
        "employers/placement_list.html",
        {
            "rows": rows,
            "page": page,
            "keep": keep_params(request.GET, "cursor"),
            "filter_label": (
                PlacementStatus(status).label
                if status
                else RefusalReason(refusal).label
                if refusal
                else figures.get(figure, "")
            ),
        },
    )


@login_required
def employer_new(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    organisations = Organisation.objects.filter(region=region, is_active=True)
    form = EmployerForm(request.POST or None, region=region, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            employer = employer_register(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The employer is registered."))
            return redirect("employers:detail", pk=employer.pk)
    elif request.method == "GET":
        form.initial["holder"] = case_organisations(request.user, region.pk)[0].pk
    return render(request, "employers/form.html", {"form": form, "title": _("Register an employer")})


EMPLOYER_ACTIVITIES_PER_PAGE = 25
EMPLOYER_OPPORTUNITIES_PER_PAGE = 25


@login_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk)
    return render(
        request,
        "employers/employer_detail.html",
        {
            "employer": employer,
            "contacts": list(employer.contacts.all()),
            # an employer's history grows for years: keyset pages, latest first (junk cursor: 404)
            "activities": keyset_page(
                employer.activities.select_related("author", "author_organisation"),
                ordering=("-happened_on", "-pk"),
                cursor=request.GET.get("activiteiten"),
                size=EMPLOYER_ACTIVITIES_PER_PAGE,
                salt=f"employer-activities-{employer.pk}",
            ),
            "opportunities": keyset_page(
                employer.opportunities.select_related("municipality"),
                ordering=("-pk",),
                cursor=request.GET.get("kansen"),
                size=EMPLOYER_OPPORTUNITIES_PER_PAGE,
                salt=f"employer-opportunities-{employer.pk}",
            ),
            "keep": {param: keep_params(request.GET, param) for param in ("activiteiten", "kansen")},
            "can_edit": can_edit_employer(request.user, employer),
            "contact_form": ContactPersonForm(),
            "activity_form": ActivityForm(initial={"happened_on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk)
    if not can_edit_employer(request.user, employer):
        raise Http404
    form = ContactPersonForm(request.POST)
    if form.is_valid():
        employer_contact_add(actor=request.user, employer=employer, **form.cleaned_data)
        messages.success(request, _("The contact person is added."))
    else:
        messages.error(request, _form_message(form))
    return redirect("employers:detail", pk=pk)


@login_required
@require_POST
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        organisation = case_organisations(request.user, employer.region_id)[0]
        activity_log(actor=request.user, organisation=organisation, employer=employer, **form.cleaned_data)
        messages.success(request, _("The activity is logged."))
    else:
        messages.error(request, _form_message(form))
    return redirect("employers:detail", pk=pk)


@login_required
@require_POST
def activity_done(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk)
    activity = get_activity_for_closing(request.user, employer, activity_pk)
    try:
        activity_follow_up_done(actor=request.user, activity=activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("employers:detail", pk=pk)


# --- opportunities -----------------------------------------------------------------------


@login_required
def opportunity_new(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk)
    form = OpportunityForm(request.POST or None, region=employer.region)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_create(actor=request.user, employer=employer, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The opportunity is added."))
            return redirect("employers:opportunity", pk=opportunity.pk)
    elif request.method == "GET":
        form.initial.update({"municipality": employer.municipality_id, "starts_on": timezone.localdate()})
    return render(
        request,
        "employers/form.html",
        {"form": form, "title": _("New opportunity at %(name)s") % {"name": employer.name}},
    )


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for_user(request.user, pk)
    region_id = opportunity.employer.region_id
    matches = []
    if opportunity.status == Opportunity.Status.OPEN:
        clients = {c.pk: c for c in visible_clients(user=request.user, region_id=region_id)}
        listed = list(clients.values())
        profiles = list(candidate_profiles(clients=listed, wishes=work_wishes(listed)).values())
        travel = travel_model(region=opportunity.employer.region)
        matches = [
            (clients[m.candidate.client_id], m)
            for m in candidates_for(opportunity_profile(opportunity=opportunity), profiles, travel)
        ]
    placements = [
        p
        for p in opportunity.placements.select_related("client", "organisation")
        if any(o.pk == p.organisation_id for o in case_organisations(request.user))
    ]
    return render(
        request,
        "employers/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "occupation": isco.label(opportunity.isco_code),
            "matches": matches,
            "placements": placements,
            "can_edit": can_edit_employer(request.user, opportunity.employer),
        },
    )


@login_required
@require_POST
def opportunity_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for_user(request.user, pk)
    if not can_edit_employer(request.user, opportunity.employer):
        raise Http404
    try:
        opportunity_close(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("employers:opportunity", pk=pk)


# --- a client's opportunities ------------------------------------------------------------


@login_required
def client_opportunities(request: HttpRequest, client_pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, client_pk)
    client = access.client
    region_id = client.organisation.region_id
    wish = WorkWish.objects.filter(client=client).first()
    profile = candidate_profiles(clients=[client], wishes={client.pk: wish}).get(client.pk)
    matches = (
        opportunities_for(
            profile, opportunity_profiles(region_id=region_id), travel_model(region=client.organisation.region)
        )
        if profile
        else []
    )
    initial = (
        {
            "occupations": ", ".join(wish.occupations),
            "max_travel_minutes": wish.max_travel_minutes,
            "max_hours_per_week": wish.max_hours_per_week,
            "shifts": wish.shifts,
            "driving_licence": wish.driving_licence,
        }
        if wish
        else {"max_travel_minutes": 60, "max_hours_per_week": 38}
    )
    return render(
        request,
        "employers/client_opportunities.html",
        {
            "client": client,
            "profile": profile,
            "matches": matches,
            "wish_form": WorkWishForm(initial=initial),
            "propose_form": ProposeForm(),
        },
    )


@login_required
@require_POST
def work_wish_edit(request: HttpRequest, client_pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, client_pk)
    form = WorkWishForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["occupations"] = data["occupations"].replace(";", ",").split(",")
        try:
            work_wish_save(actor=request.user, client=access.client, **data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The work wishes are saved."))
    else:
        messages.error(request, _form_message(form))
    return redirect("employers:client", client_pk=client_pk)


@login_required
@require_POST
def propose(request: HttpRequest, client_pk: int, opportunity_pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, client_pk)
    opportunity = get_opportunity_for_user(request.user, opportunity_pk)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_message(form))
        return redirect("employers:client", client_pk=client_pk)
    organisation = next(
        (o for o in case_organisations(request.user) if o.pk == access.client.organisation_id),
        case_organisations(request.user)[0],
    )
    try:
        placement, token = placement_propose(
            actor=request.user,
            organisation=organisation,
            opportunity=opportunity,
            client=access.client,
            motivation=form.cleaned_data["motivation"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("employers:client", client_pk=client_pk)
    _remember_link(request, placement, token)
    messages.success(request, _("The candidate is proposed. Send the employer the private link below."))
    return redirect("employers:placement", pk=placement.pk)


# --- placements --------------------------------------------------------------------------


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    try:  # the link to the pathway only for those who may open it (a peer companion only on its team)
        can_open_pathway = bool(get_pathway_for_user(request.user, placement.pathway_id))
    except Http404:
        can_open_pathway = False
    new_link = request.session.get(LINK_SESSION_KEY)
    if new_link and new_link.get("placement") == placement.pk:
        del request.session[LINK_SESSION_KEY]
    else:
        new_link = None
    return render(
        request,
        "employers/placement_detail.html",
        {
            "placement": placement,
            "can_open_pathway": can_open_pathway,
            "occupation": isco.label(placement.opportunity.isco_code),
            "coaching": list(placement.coaching.select_related("author")),
            "identity_shared": employer_may_see_identity(placement),
            "new_link": new_link,
            "consent_form": PlacementConsentForm(),
            "intake_form": IntakeForm(),
            "start_form": StartForm(initial={"start_on": placement.start_on}),
            "coaching_form": CoachingForm(initial={"done_on": timezone.localdate()}),
            "end_form": EndForm(initial={"end_on": timezone.localdate()}),
            "links": list(placement.links.all()),
            "Status": PlacementStatus,
        },
    )


def _placement_action(request: HttpRequest, pk: int, form_class: Any, action: Any, ok: str) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _form_message(form))
        return redirect("employers:placement", pk=pk)
    try:
        result = action(placement, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("employers:placement", pk=pk)
    if isinstance(result, str):
        _remember_link(request, placement, result)
    messages.success(request, ok)
    return redirect("employers:placement", pk=pk)


@login_required
@require_POST
def placement_consent(request: HttpRequest, pk: int) -> HttpResponse:
    def act(p: Placement, data: dict[str, Any]) -> Any:
        organisation = next((o for o in case_organisations(request.user) if o.pk == p.organisation_id), p.organisation)
        return placement_consent_record(actor=request.user, organisation=organisation, placement=p, **data)

    return _placement_action(request, pk, PlacementConsentForm, act, _("The consent is recorded."))


@login_required
@require_POST
def placement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request, pk, None, lambda p, d: placement_link_renew(actor=request.user, placement=p), _("A new link is made.")
    )


@login_required
@require_POST
def placement_intake(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        IntakeForm,
        lambda p, d: placement_plan_intake(actor=request.user, placement=p, **d),
        _("The intake interview is planned. The employer confirms the start with the link below."),
    )


@login_required
@require_POST
def placement_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        StartForm,
        lambda p, d: placement_start(actor=request.user, placement=p, **d),
        _("The start is recorded; job-coaching contacts are planned."),
    )


@login_required
@require_POST
def placement_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        EndForm,
        lambda p, d: placement_end(actor=request.user, placement=p, **d),
        _("The placement ended."),
    )


@login_required
@require_POST
def placement_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        None,
        lambda p, d: placement_withdraw(actor=request.user, placement=p),
        _("The proposal is withdrawn."),
    )


@login_required
@require_POST
def coaching_record(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = get_coaching_contact_for_user(request.user, pk, contact_pk)
    form = CoachingForm(request.POST)
    if form.is_valid():
        try:
            coaching_contact_record(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The coaching contact is recorded."))
    else:
        messages.error(request, _form_message(form))
    return redirect("employers:placement", pk=pk)


@login_required
def placement_close_pathway(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Close the pathway: employed" from a placement that started paid work: the pathway's closing page
    (``pathways:close``, the one way to a closed pathway, ESF+ leaving included), prefilled from the placement."""
    placement = get_placement_for_user(request.user, pk)
    if placement.status != PlacementStatus.STARTED or not placement.is_paid_work:
        raise Http404
    get_pathway_for_editing(request.user, placement.pathway_id)
    return redirect(reverse("pathways:close", kwargs={"pk": placement.pathway_id}) + f"?plaatsing={placement.pk}")


@login_required
def placement_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the pathway's six-month follow-up, proposed from the placement (issue 16: "a placement that starts
    paid work feeds the pathway's outcome and the ESF+ results on leaving and six months after"): "employed"
    is ticked when the placement still ran six months after the closure. 404 unless the pathway is closed
    and its follow-up not yet recorded."""
    placement = get_placement_for_user(request.user, pk)
    if placement.status not in STARTED_STATES or not placement.is_paid_work:
        raise Http404
    access = get_pathway_for_editing(request.user, placement.pathway_id)
    closure = Closure.objects.filter(pathway=access.pathway, followed_up_on__isnull=True).first()
    if closure is None:
        raise Http404
    six_months = closure.follow_up_due  # at least six months after the closure (apps.core.dates)
    form = FollowUpForm(
        request.POST or None,
        initial={
            "followed_up_on": max(timezone.localdate(), closure.follow_up_due),
            "employed": working_on(placement, six_months),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_record(closure=closure, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("employers:placement", pk=pk)
    return render(
        request, "employers/follow_up.html", {"form": form, "placement": placement, "pathway": access.pathway}
    )


# --- the employer's private page ---------------------------------------------------------


def _age_band(client: Client) -> str:
    age = client.age_on(timezone.localdate())
    low = age // 10 * 10
    return f"{low}–{low + 9}"


def anonymised_profile(placement: Placement) -> dict[str, Any]:
    """What the employer may see before consent: no name, no birth date, no address, no life-domain details;
    only the kinds of support on the job that would help."""
    client = placement.client
    profile = candidate_profile(client=client)
    supports = sorted({s for d in (profile.domains if profile else ()) for s in DOMAIN_SUPPORT.get(d, ())})
    return {
        "age_band": _age_band(client),
        "municipality": client.municipality.name,
        "dutch_level": client.get_dutch_level_display(),
        "languages": client.language_names(),
        "supports": [str(Support(s).label) for s in supports],
        "motivation": placement.motivation,
    }


def employer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The employer's page behind a private link: no account; every opening and use is logged."""
    if len(token) > 100:
        raise Http404
    try:
        link = link_open(token=token)
    except LinkRefused as refused:
        return render(
            request,
            "employers/link_refused.html",
            {"reason": refused.reason},
            status=410 if refused.reason != "unknown" else 404,
        )
    placement = link.placement
    form: Any = (
        AnswerForm(request.POST or None)
        if link.purpose == EmployerLink.Purpose.ANSWER
        else StartForm(request.POST or None, initial={"start_on": placement.start_on})
    )
    if request.method == "POST" and form.is_valid():
        try:
            if link.purpose == EmployerLink.Purpose.ANSWER:
                data = form.cleaned_data
                placement_answer(
                    link=link, interested=data["answer"] == "yes", reason=data["reason"], note=data["note"]
                )
            else:
                placement_confirm_start(link=link, start_on=form.cleaned_data["start_on"])
        except ValidationError as exc:
            form_errors(form, exc)
        except LinkRefused as refused:
            return render(request, "employers/link_refused.html", {"reason": refused.reason}, status=410)
        else:
            return render(request, "employers/link_thanks.html", {"placement": placement})
    identity = employer_may_see_identity(placement)
    return render(
        request,
        "employers/link_page.html",
        {
            "placement": placement,
            "opportunity": placement.opportunity,
            "profile": anonymised_profile(placement),
            "name": f"{placement.client.first_name} {placement.client.last_name}" if identity else "",
            "form": form,
            "purpose": link.purpose,
            "expires_at": link.expires_at,
        },
    )


# --- the coordinator's overview -----------------------------------------------------------


def overview_charts(data: Any, region_code: str = "") -> list[dict[str, Any]]:
    """The overview's charts, each with the rows of its table: (label, count, url of the list behind it); the
    lists are those of region ``region_code`` (``?regio=``), so a coordinator of several regions lands on the
    region of the figure."""
    regio = urlencode({"regio": region_code}) + "&" if region_code else ""
    employers_url = reverse("employers:list") + "?" + regio
    opportunities_url = reverse("employers:opportunities") + "?" + regio
    placements_url = reverse("employers:placements") + "?" + regio

    def chart(key: str, title: str, head: str, unit: str, rows: list[tuple[str, int, str]]) -> dict[str, Any]:
        return {"id": key, "title": title, "head": head, "unit": unit, "rows": rows}

    return [
        chart(
            "sector",
            _("Employers engaged per sector"),
            _("Sector"),
            _("Employers"),
            [(label, n, f"{employers_url}{urlencode({'sector': k})}") for k, label, n in data.employers_by_sector],
        ),
        chart(
            "municipality",
            _("Employers engaged per municipality"),
            _("Municipality"),
            _("Employers"),
            [
                (label, n, f"{employers_url}{urlencode({'municipality': k})}")
                for k, label, n in data.employers_by_municipality
            ],
        ),
        chart(
            "rung",
            _("Opportunities per rung"),
            _("Rung"),
            _("Opportunities"),
            [(label, n, f"{opportunities_url}rung={k}") for k, label, n in data.opportunities_by_rung],
        ),
        chart(
            "status",
            _("Placements per status"),
            _("Status"),
            _("Placements"),
            [(label, n, f"{placements_url}status={k}") for k, label, n in data.placements_by_status],
        ),
        chart(
            "retention",
            _("Placements started and still working"),
            _("Placements"),
            _("Placements"),
            [
                (_("Started"), data.started, f"{placements_url}figure=started"),
                (_("Still working after 3 months"), data.working_3_months, f"{placements_url}figure=working_3"),
                (_("Still working after 6 months"), data.working_6_months, f"{placements_url}figure=working_6"),
            ],
        ),
        chart(
            "refusal",
            _("Reasons of refusal"),
            _("Reason"),
            _("Placements"),
            [(label, n, f"{placements_url}refusal={k}") for k, label, n in data.refusals],
        ),
    ]


@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    """The coordinator's overview (issue 16, item 6: "employers engaged per sector and municipality,
    opportunities per rung, placements started, still working after 3 and 6 months, reasons of refusal;
    charts with their tables"): every figure links to the list behind it. ``?regio=<code>`` chooses among the
    regions a coordinator of several coordinates (default: the first)."""
    region, regions = get_coordinated_region_for_user(request.user, request.GET.get("regio"))
    charts = overview_charts(overview(region_id=region.pk), region.code)
    chart_data = [
        {
            "id": c["id"],
            "label": str(c["unit"]),
            "labels": [str(r[0]) for r in c["rows"]],
            "values": [r[1] for r in c["rows"]],
        }
        for c in charts
    ]
    return render(
        request,
        "employers/overview.html",
        {"charts": charts, "chart_data": chart_data, "region": region, "regions": regions},
    )


@login_required
def overview_export(request: HttpRequest) -> HttpResponse:
    region, _regions = get_coordinated_region_for_user(request.user, request.GET.get("regio"))
    response = HttpResponse(
        overview_xlsx(overview=overview(region_id=region.pk)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="werkgevers-{dt.date.today().isoformat()}.xlsx"'
    return response
