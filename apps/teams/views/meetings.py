"""Pages for team meetings: recording one, with the actions agreed, and reading it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.teams import services
from apps.teams.forms import MeetingForm
from apps.teams.views.common import _child, _current_members, _form_page, _owners, _post_or_none, _renamed

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
