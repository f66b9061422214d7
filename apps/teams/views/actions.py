"""Pages for actions: adding one and completing it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.teams import services
from apps.teams.forms import ActionCompleteForm, ActionForm
from apps.teams.free_text import free_text_shown
from apps.teams.models import ACTION_COMPLETE_REFUSED
from apps.teams.views.common import (
    VIEW_TEAM,
    _child,
    _current_members,
    _form_page,
    _owners,
    _post_or_none,
    _team_url,
)


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
