"""Browser pages for the team around the child, its meetings and actions, the caseload and the manager's view.

Each view reads top to bottom: access -> form -> service -> redirect. The child always comes through
``access_child``: a 404 whether the child does not exist or is not shared, a 403 where the person may
see the team but not change it. Who may do what is the services' and sharing's business; these views
only offer what the person is allowed and show what the services say.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.children.categories import Category
from apps.children.models import Child
from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.sharing.selectors import access_child, child_list_audit
from apps.teams import services
from apps.teams.forms import (
    ActionCompleteForm,
    ActionForm,
    ConfirmForm,
    DirectContactForm,
    HandoverForm,
    LeadAppointForm,
    MeetingForm,
    MemberAddForm,
    MemberEndForm,
    MemberOfferForm,
)
from apps.teams.free_text import free_text_shown
from apps.teams.models import ACTION_COMPLETE_REFUSED, TeamMembership
from apps.teams.selectors import (
    child_continuity,
    children_without_lead_professional,
    current_lead_appointment,
    lead_professional_caseload_sizes,
    lead_professional_history,
    lead_professional_offer_first,
    team_roster,
    user_is_team_manager,
)

VIEW_TEAM = "view_child_team"


# --- Helpers ------------------------------------------------------------------------------------


def _child(user: User, public_id, *, perm: str) -> Child:
    """The child if ``user`` holds ``perm``: 404 if it is not shared with them, 403 if shared without it."""
    try:
        return access_child(user, public_id, perm=perm)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _team_url(child: Child, anchor: str = "") -> str:
    return reverse("teams:team", args=[child.public_id]) + (f"#{anchor}" if anchor else "")


def _current_members(child: Child) -> list[TeamMembership]:
    return list(team_roster(child=child).current())


def _professionals(members: list[TeamMembership]) -> list[TeamMembership]:
    return [
        member for member in members if member.kind == TeamMembership.Kind.PROFESSIONAL and member.user_id
    ]


def _owners(members: list[TeamMembership]) -> list[User]:
    """Who can own an action: the professionals in the team (one each, whatever their memberships)."""
    return [member.user for member in _professionals(members)]


def _current_member(child: Child, membership_id) -> TeamMembership:
    return get_object_or_404(
        child.team_memberships.select_related("user", "organisation", "professional_role"),
        public_id=membership_id,
        ended_on__isnull=True,
    )


def _renamed(error: ValidationError | ApplicationError, names: dict[str, str]):
    """The service's error, its field names changed to this form's: ``actions.0.owner`` to a row's box."""
    if isinstance(error, ApplicationError):
        error.field = names.get(error.field, error.field)
        return error
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): messages for field, messages in error.message_dict.items()}
    )


def _form_page(
    request: HttpRequest, *, child: Child, form, title: str, heading: str, **extra
) -> HttpResponse:
    """A small form about one child's team on a page of its own."""
    context = {"child": child, "form": form, "title": title, "heading": heading, **extra}
    return render(request, "teams/form_page.html", context)


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- The team page ------------------------------------------------------------------------------


@professional_required
@require_GET
def team_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW_TEAM)
    can_change = child.access.can_change
    # Meetings and actions are the plans category: without it, a marker stands in their place (R72).
    can_see_plans = child.access.sees(Category.PLANS)
    roster = list(team_roster(child=child))
    lead = current_lead_appointment(child=child)
    # The trusted worker and the lead professional first: the two people the team is organised around.
    current = sorted(
        (member for member in roster if member.is_current),
        key=lambda m: (not m.is_trusted_worker, not (lead and lead.membership_id == m.pk)),
    )
    past = sorted(
        (member for member in roster if not member.is_current), key=lambda m: m.ended_on, reverse=True
    )
    now = timezone.now()
    meetings = list(child.meetings.all()) if can_see_plans else []
    actions = list(child.actions.open().select_related("owner")) if can_see_plans else []
    for action in actions:
        action.can_complete = action.may_be_completed_by(request.user, can_change_record=can_change)
    context = {
        "child": child,
        "can_change": can_change,
        "can_see_plans": can_see_plans,
        "plans_label": Category.PLANS.label[0].lower() + Category.PLANS.label[1:],
        "current_members": current,
        "past_members": past,
        "lead": lead,
        "lead_history": list(lead_professional_history(child=child)),
        "handovers": list(
            child.handovers.select_related("from_membership__user", "to_membership__user", "recorded_by")
        ),
        "trusted_worker": next((member for member in current if member.is_trusted_worker), None),
        "continuity": child_continuity(child=child),
        "continuity_threshold": settings.BEACON_CONTINUITY_ALERT_THRESHOLD,
        "upcoming_meetings": sorted((m for m in meetings if m.held_at >= now), key=lambda m: m.held_at),
        "past_meetings": [meeting for meeting in meetings if meeting.held_at < now],
        "open_actions": actions,
    }
    return render(request, "teams/team.html", context)


# --- Membership ---------------------------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    form = MemberAddForm(_post_or_none(request), child=child, initial={"started_on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        arguments = form.service_arguments()
        name_box = (
            "caregiver_name" if arguments["kind"] == TeamMembership.Kind.CAREGIVER else "trusted_adult_name"
        )
        try:
            membership = services.team_member_add(actor=request.user, child=child, **arguments)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, _renamed(error, {"person_name": name_box}), fallback_field="kind")
        else:
            messages.success(request, f"{membership.name} has joined the team")
            return redirect(_team_url(child, "team"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Add someone to the team",
        heading="Add someone to the team",
        intro="A professional who joins can see the child's core record and who is in the team. "
        "People outside the services are recorded with how to reach them.",
    )


@professional_required
@require_http_methods(["GET", "POST"])
def member_end(request: AuthenticatedHttpRequest, public_id, membership_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    membership = _current_member(child, membership_id)
    form = MemberEndForm(_post_or_none(request), initial={"ended_on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        try:
            services.team_member_end(actor=request.user, membership=membership, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="ended_on")
        else:
            messages.success(request, f"{membership.name} has left the team")
            return redirect(_team_url(child, "team"))
    # A lead professional or trusted worker hands over instead (R24): the page says so before anyone types.
    if current_lead_appointment(child=child, membership=membership):
        hand_over_to = ("the lead professional", reverse("teams:lead-hand-over", args=[child.public_id]))
    elif membership.is_trusted_worker:
        hand_over_to = (
            "the young person's trusted worker",
            reverse("teams:trusted-worker-hand-over", args=[child.public_id]),
        )
    else:
        hand_over_to = None
    return render(
        request,
        "teams/member_end.html",
        {"child": child, "membership": membership, "form": form, "hand_over_to": hand_over_to},
    )


@professional_required
@require_http_methods(["GET", "POST"])
def trusted_worker_name(request: AuthenticatedHttpRequest, public_id, membership_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    membership = _current_member(child, membership_id)
    form = ConfirmForm(_post_or_none(request), submit_label=f"Name {membership.name} as the trusted worker")
    if form.is_bound and form.is_valid():
        try:
            services.trusted_worker_name(actor=request.user, membership=membership)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{membership.name} is now the trusted worker. Others in the team support them.",
            )
            return redirect(_team_url(child, "team"))
    current = next(
        (m for m in _current_members(child) if m.is_trusted_worker and m.pk != membership.pk), None
    )
    return render(
        request,
        "teams/trusted_worker_name.html",
        {"child": child, "membership": membership, "form": form, "current_trusted_worker": current},
    )


@professional_required
@require_http_methods(["GET", "POST"])
def direct_contact_give(request: AuthenticatedHttpRequest, public_id, membership_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    membership = _current_member(child, membership_id)
    trusted_worker = next((m for m in _current_members(child) if m.is_trusted_worker), None)
    team_around_the_worker = trusted_worker is not None and trusted_worker.pk != membership.pk
    form = DirectContactForm(
        _post_or_none(request),
        team_around_the_worker=team_around_the_worker,
        trusted_worker_name=trusted_worker.name if trusted_worker else "",
    )
    if form.is_bound and form.is_valid():
        try:
            services.team_member_direct_contact_give(
                actor=request.user,
                membership=membership,
                reason=form.cleaned_data["reason"],
                reason_category=form.cleaned_data["reason_category"],
                confirmed=form.cleaned_data.get("confirmed", False),
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="reason")
        else:
            messages.success(request, f"{membership.name} now has direct contact with the young person")
            return redirect(_team_url(child, "team"))
    return render(
        request,
        "teams/direct_contact.html",
        {
            "child": child,
            "membership": membership,
            "form": form,
            "trusted_worker": trusted_worker if team_around_the_worker else None,
        },
    )


@professional_required
@require_http_methods(["GET", "POST"])
def member_offer(request: AuthenticatedHttpRequest, public_id, membership_id) -> HttpResponse:
    """What a member offers the young person, in the words the young person's own pages show (R91)."""
    child = _child(request.user, public_id, perm=CHANGE)
    membership = _current_member(child, membership_id)
    # Someone who may change the record but not see a sensitive offer starts from a blank box, told why.
    offer = free_text_shown(access=child.access, record=membership, field="offer_for_young_person")
    offering = free_text_shown(access=child.access, record=membership, field="offering")
    initial = {"offer_for_young_person": offer.text}
    if not offer.withheld:
        initial["offer_category"] = membership.offer_for_young_person_category
    form = MemberOfferForm(_post_or_none(request), initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.team_member_offer_for_young_person_set(
                actor=request.user,
                membership=membership,
                offer=form.cleaned_data["offer_for_young_person"],
                offer_category=form.cleaned_data["offer_category"],
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="offer_for_young_person")
        else:
            messages.success(request, f"Saved what {membership.name} offers, for the young person to read")
            return redirect(_team_url(child, "team"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="What they offer the young person",
        heading=f"What {membership.name} offers, in plain words",
        intro='The young person sees this on their own page, "Who is working with me", with this person\'s '
        "first name, role and organisation."
        + (
            f" The offer written now is withheld from you: {offer.reason} What you save replaces it."
            if offer.withheld
            else ""
        ),
        quote=offering.text,
    )


# --- Lead professional and handover -------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def lead_appoint(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    members = _professionals(_current_members(child))
    form = LeadAppointForm(
        _post_or_none(request),
        members=members,
        offered_first=lead_professional_offer_first(child=child),
        initial={"started_on": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            appointment = services.lead_professional_appoint(
                actor=request.user,
                membership=form.cleaned_data["membership"],
                route=form.cleaned_data["route"],
                started_on=form.cleaned_data["started_on"],
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="membership")
        else:
            messages.success(request, f"{appointment.membership.name} is now the lead professional")
            return redirect(_team_url(child, "lead-professional"))
    # A child has one lead professional (R16, R17): with one already, the page offers a handover instead.
    return render(
        request,
        "teams/lead_appoint.html",
        {"child": child, "form": form, "members": members, "existing": current_lead_appointment(child=child)},
    )


def _hand_over(
    request: HttpRequest, *, child: Child, outgoing: TeamMembership, role: str, hand_over
) -> HttpResponse:
    """The handover form for either role: a named successor, a note and an optional overlap (R24)."""
    successors = [member for member in _professionals(_current_members(child)) if member.pk != outgoing.pk]
    form = HandoverForm(_post_or_none(request), successors=successors)
    if form.is_bound and form.is_valid():
        try:
            handover = hand_over(**form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="successor")
        else:
            messages.success(
                request,
                f"{handover.to_membership.name} is now the {role}. They have a task to tell the young person "
                "and their family in person.",
            )
            return redirect(_team_url(child, "actions"))
    return render(
        request,
        "teams/handover.html",
        {"child": child, "form": form, "outgoing": outgoing, "role": role, "successors": successors},
    )


@professional_required
@require_http_methods(["GET", "POST"])
def lead_hand_over(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    appointment = current_lead_appointment(child=child)
    if appointment is None:
        messages.info(request, "There is no lead professional to hand over from: appoint one")
        return redirect("teams:lead-appoint", public_id=child.public_id)

    def hand_over(**answers):
        return services.lead_professional_hand_over(actor=request.user, appointment=appointment, **answers)

    return _hand_over(
        request, child=child, outgoing=appointment.membership, role="lead professional", hand_over=hand_over
    )


@professional_required
@require_http_methods(["GET", "POST"])
def trusted_worker_hand_over(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    outgoing = next((member for member in _current_members(child) if member.is_trusted_worker), None)
    if outgoing is None:
        messages.info(
            request, "The young person has not named a trusted worker, so there is nobody to hand over from"
        )
        return redirect(_team_url(child, "team"))

    def hand_over(**answers):
        return services.trusted_worker_hand_over(actor=request.user, outgoing=outgoing, **answers)

    return _hand_over(request, child=child, outgoing=outgoing, role="trusted worker", hand_over=hand_over)


# --- Meetings and actions -----------------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def meeting_record(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    members = _current_members(child)
    form = MeetingForm(_post_or_none(request), members=members, owners=_owners(members))
    if form.is_bound and form.is_valid():
        rows = form.action_rows()
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(
                actor=request.user,
                child=child,
                kind=data["kind"],
                held_at=data["held_at"],
                location=data["location"],
                young_person_views=data["young_person_views"],
                young_person_views_not_given_reason=data["young_person_views_not_given_reason"],
                decisions=data["decisions"],
                decisions_category=data["decisions_category"],
                participants=form.participants(),
                actions=[item for _, item in rows],
            )
        except (ValidationError, ApplicationError) as error:
            # The service numbers the actions it was given; the form numbers its rows, blank ones included.
            names = {"held_at": "held_on"}
            for index, (row, _) in enumerate(rows):
                for part in ("description", "description_category", "owner", "due_on"):
                    names[f"actions.{index}.{part}"] = f"action_{row}_{part}"
            add_service_errors(form, _renamed(error, names), fallback_field="kind")
        else:
            messages.success(request, "The meeting has been recorded")
            return redirect("teams:meeting-detail", public_id=child.public_id, meeting_id=meeting.public_id)
    return _form_page(
        request,
        child=child,
        form=form,
        title="Record a meeting",
        heading="Record a meeting",
        intro="A team around the child or family, network or care programme approach meeting: one that is "
        "planned, or one that has happened.",
    )


@professional_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, public_id, meeting_id) -> HttpResponse:
    child = _child(request.user, public_id, perm="view_child_plans")  # meetings are the "plans" category
    meeting = get_object_or_404(child.meetings.select_related("recorded_by"), public_id=meeting_id)
    participants = list(
        meeting.participants.select_related("membership__user", "membership__professional_role")
    )
    context = {
        "child": child,
        "meeting": meeting,
        "is_planned": meeting.held_at >= timezone.now(),
        "invited": [person for person in participants if person.invited],
        "attended": [person for person in participants if person.attended],
        "actions": list(meeting.actions.select_related("owner")),
        "today": timezone.localdate(),
    }
    return render(request, "teams/meeting_detail.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def action_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    form = ActionForm(_post_or_none(request), owners=_owners(_current_members(child)))
    if form.is_bound and form.is_valid():
        try:
            action = services.action_add(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="description")
        else:
            messages.success(request, f"The action has been added for {action.owner}")
            return redirect(_team_url(child, "actions"))
    return _form_page(request, child=child, form=form, title="Add an action", heading="Add an action")


@professional_required
@require_http_methods(["GET", "POST"])
def action_complete(request: AuthenticatedHttpRequest, public_id, action_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW_TEAM)
    action = get_object_or_404(
        child.actions.select_related("owner"), public_id=action_id, completed_on__isnull=True
    )
    if not action.may_be_completed_by(request.user, can_change_record=child.access.can_change):
        # Asked before the form is shown too, by the same rule and in the same words as the service's.
        raise PermissionDenied(ACTION_COMPLETE_REFUSED)
    form = ActionCompleteForm(_post_or_none(request), initial={"completed_on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        try:
            services.action_complete(actor=request.user, action=action, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="completed_on")
        else:
            messages.success(request, "The action has been marked as done")
            return redirect(_team_url(child, "actions"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Mark an action as done",
        heading="Mark this action as done",
        quote=free_text_shown(access=child.access, record=action, field="description").text,
        intro=f"Owned by {action.owner}, due {action.due_on:%-d %B %Y}.",
    )


# --- The caseload and the manager's view --------------------------------------------------------


@professional_required
@require_GET
def manager_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For team managers: children with no lead professional, and each lead professional's caseload size."""
    if not user_is_team_manager(user=request.user):
        raise PermissionDenied("This page is for team managers.")
    without_lead = list(children_without_lead_professional(user=request.user))
    child_list_audit(user=request.user, children=without_lead)
    context = {
        "without_lead": without_lead,
        "caseload_sizes": list(lead_professional_caseload_sizes(user=request.user)),
    }
    return render(request, "teams/manager.html", context)
