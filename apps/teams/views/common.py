"""What the team's pages share: the child through the access decision, the team's current members, and
forms that show the services' errors.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from apps.accounts.models import User
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.sharing.selectors import access_child
from apps.teams.models import TeamMembership
from apps.teams.selectors import team_roster

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
