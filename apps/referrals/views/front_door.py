"""The front door's pages: the public form for parents and carers, and the team's list of requests.

The public form needs no account. It is limited per address (``BEACON_FRONT_DOOR_RATE``), protected
against cross-site posting like every form, and a hidden field catches form-filling robots (they are shown
the same confirmation, and nothing is saved). Its confirmation is the same whoever the child is: it never
says whether a child is known to services.
"""

import math

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.referrals.front_door_forms import HelpRequestCloseForm, HelpRequestRouteForm, ParentHelpForm
from apps.referrals.front_door_selectors import help_request_for_staff, help_requests_open
from apps.referrals.models import HelpRequest
from apps.referrals.services.front_door import (
    front_door_organisation,
    help_request_close,
    help_request_from_parent,
    help_request_route,
)
from apps.referrals.throttling import front_door_wait_seconds

SENT_KEY = "front_door_sent"


@require_http_methods(["GET", "POST"])
def ask_for_help(request: HttpRequest) -> HttpResponse:
    organisation = front_door_organisation()
    form = ParentHelpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        wait = front_door_wait_seconds(request)
        if wait is not None:
            minutes = math.ceil(wait / 60)
            plural = "s" if minutes != 1 else ""
            response = render(
                request,
                "429.html",
                {
                    "message": (
                        "Many requests for help have been sent from this connection in a short while, "
                        f"so this form is paused. Try again in {minutes} minute{plural}, "
                        "or phone instead. If someone is in danger now, call 999."
                    ),
                    "show_crisis_help": True,
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            if form.is_robot:
                request.session[SENT_KEY] = HelpRequest.Urgency.NOT_URGENT
                return redirect("front-door:sent")
            data = form.cleaned_data
            try:
                help_request = help_request_from_parent(
                    requester_name=data["requester_name"],
                    requester_relationship=data["requester_relationship"],
                    requester_phone=data["requester_phone"],
                    requester_email=data["requester_email"],
                    child_name=data["child_name"],
                    child_date_of_birth=data["child_date_of_birth"],
                    child_nhs_number=data["child_nhs_number"],
                    child_description=data["child_description"],
                    what_is_happening=data["what_is_happening"],
                    urgency=data["urgency"],
                    contact_by=data["contact_by"],
                    contact_note=data["contact_note"],
                )
            except (ApplicationError, ValidationError) as error:
                add_service_errors(form, error, fallback_field="what_is_happening")
            else:
                request.session[SENT_KEY] = help_request.urgency
                return redirect("front-door:sent")
    return render(request, "front_door/ask_for_help.html", {"form": form, "organisation": organisation})


@require_GET
def ask_for_help_sent(request: HttpRequest) -> HttpResponse:
    urgency = request.session.get(SENT_KEY)
    if urgency is None:
        return redirect("front-door:ask")
    return render(
        request,
        "front_door/sent.html",
        {"urgent": urgency == HelpRequest.Urgency.URGENT, "organisation": front_door_organisation()},
    )


@professional_required
@require_GET
def help_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "referrals/help_request_list.html", {"help_requests": help_requests_open(user=request.user)}
    )


def _help_request(request: AuthenticatedHttpRequest, request_id) -> HelpRequest:
    help_request = help_request_for_staff(user=request.user, request_id=request_id)
    if help_request is None:
        raise Http404("There is no such request for help at your service.")
    return help_request


def _detail(request, help_request, *, route_form=None, close_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "referrals/help_request_detail.html",
        {
            "help_request": help_request,
            "route_form": route_form or HelpRequestRouteForm(prefix="route"),
            "close_form": close_form or HelpRequestCloseForm(prefix="close"),
        },
        status=status,
    )


@professional_required
@require_GET
def help_request_detail(request: AuthenticatedHttpRequest, request_id) -> HttpResponse:
    return _detail(request, _help_request(request, request_id))


@professional_required
@require_POST
def help_request_route_view(request: AuthenticatedHttpRequest, request_id) -> HttpResponse:
    help_request = _help_request(request, request_id)
    form = HelpRequestRouteForm(request.POST, prefix="route")
    if form.is_valid():
        try:
            help_request_route(
                actor=request.user,
                help_request=help_request,
                to_service=form.cleaned_data["to_service"],
                reason=form.cleaned_data["reason"],
            )
        except NotPermitted as error:
            raise Http404(error.message) from error
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="reason")
        else:
            return redirect("referrals:help-request-detail", request_id=help_request.public_id)
    return _detail(request, help_request, route_form=form, status=400)


@professional_required
@require_POST
def help_request_close_view(request: AuthenticatedHttpRequest, request_id) -> HttpResponse:
    help_request = _help_request(request, request_id)
    form = HelpRequestCloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            help_request_close(
                actor=request.user,
                help_request=help_request,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except NotPermitted as error:
            raise Http404(error.message) from error
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="note")
        else:
            return redirect("referrals:help-request-list")
    return _detail(request, help_request, close_form=form, status=400)
