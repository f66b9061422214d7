"""Pages for requests for access to a record (R2): a person's own asks, and answering one as the professional
responsible for the record.
"""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.selectors import user_primary_membership
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.sharing.access import child_access_if_visible
from apps.sharing.selectors import child_owned
from apps.teams import services
from apps.teams.forms.access_requests import AccessRequestAnswerForm
from apps.teams.models import AccessRequest
from apps.teams.selectors import (
    access_asks_of,
    access_request_responders,
    access_requests_to_answer,
    current_lead_appointment,
)


@professional_required
@require_GET
def access_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The requests for access waiting for this person's answer, and their own asks with their outcomes."""
    context = {
        "to_answer": access_requests_to_answer(user=request.user),
        "asks": access_asks_of(user=request.user),
    }
    return render(request, "teams/access_requests.html", context)


def _request_to_answer(request: AuthenticatedHttpRequest, request_id) -> AccessRequest:
    """The request, for someone who answers for its record now; a 404 for anyone else, the asker included:
    it names a record they may not see."""
    access_request = cast(
        AccessRequest,
        child_owned(
            AccessRequest.objects.select_related("child__created_by", "requested_by", "answered_by"),
            request_id,
        ),
    )
    if request.user not in access_request_responders(child=access_request.child):
        raise Http404("Not found")
    return access_request


@professional_required
@require_http_methods(["GET", "POST"])
def access_request_answer(request: AuthenticatedHttpRequest, request_id) -> HttpResponse:
    """Answer a request for access: compare what the asker gave with the record, then give access, decline, or
    say it is a different child. The asker is told only the outcome."""
    access_request = _request_to_answer(request, request_id)
    child = access_request.child
    access = child_access_if_visible(user=request.user, child=child)
    lead = current_lead_appointment(child=child)
    adds_to_team = lead is not None and lead.membership.user_id == request.user.pk
    form = AccessRequestAnswerForm(
        request.POST if request.method == "POST" and access_request.is_pending else None,
        granted_hint=(
            "Giving access adds them to the team around the child: they see the core record and the team."
            if adds_to_team
            else "Giving access lets them see the child's core record, under the duty to share. They cannot "
            "change it."
        ),
    )
    if form.is_bound and form.is_valid():
        try:
            services.access_request_answer(
                actor=request.user, access_request=access_request, **form.service_arguments()
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except (ValidationError, ApplicationError) as error:
            notes = {
                "note": "declined_note" if form.cleaned_data["outcome"] == "declined" else "different_note"
            }
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                error = ValidationError(
                    {notes.get(key, key): value for key, value in error.message_dict.items()}
                )
            add_service_errors(form, error, fallback_field="outcome")
        else:
            messages.success(request, "Your answer has been sent")
            return redirect("teams:access-requests")
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            target=access_request,
            child=child,
            basis="answering a request for access to the record",
        )
    context = {
        "access_request": access_request,
        # The record itself only for someone who may see it; a safeguarding lead answering for a record their
        # organisation holds without sight of it compares with what the asker gave alone.
        "child": child if access is not None else None,
        "asker_membership": user_primary_membership(user=access_request.requested_by),
        "form": form,
    }
    return render(request, "teams/access_request.html", context)
