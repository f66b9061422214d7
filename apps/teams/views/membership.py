"""Pages for the team's members: adding and ending one, naming the trusted worker, giving direct
contact, what a member offers.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.teams import services
from apps.teams.forms import ConfirmForm, DirectContactForm, MemberAddForm, MemberEndForm, MemberOfferForm
from apps.teams.free_text import free_text_shown
from apps.teams.models import TeamMembership
from apps.teams.selectors import current_lead_appointment
from apps.teams.views.common import (
    _child,
    _current_member,
    _current_members,
    _form_page,
    _post_or_none,
    _renamed,
    _team_url,
)

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
