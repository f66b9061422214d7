"""Young people's invite links: the professional makes one for a child, the young person uses it (R86).

In the portal, above the child's record and the access decision, which the professional's pages ask.
The pages' templates stay in templates/accounts/.
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.decorators import professional_required
from apps.accounts.forms import InviteAcceptForm, InviteCreateForm
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.accounts.selectors import (
    INVITE_PROBLEMS,
    young_person_invite_current,
    young_person_invite_for_token,
    young_person_invite_problem,
)
from apps.children.models import Child
from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.portal import services as portal_services
from apps.sharing.selectors import access_child


def _invite_child(user: User, public_id) -> Child:
    """The child, if ``user`` may change their record: 404 if not shared, 403 if shared read-only."""
    try:
        return access_child(user, public_id, perm=CHANGE)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


@professional_required
@require_http_methods(["GET", "POST"])
def invite_create(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """The lead professional's page for the young person's account: make a link, or see where things are.

    A new link is shown on the response to the POST and nowhere else (only its hash is stored), so it is
    rendered rather than redirected to; the page is never cached (no-store, like every page).
    """
    child = _invite_child(request.user, public_id)
    current = young_person_invite_current(child=child)
    form = InviteCreateForm(
        request.POST if request.method == "POST" else None,
        submit_label="Make a new link" if current else "Make an invite link",
    )
    link = None
    if form.is_bound and form.is_valid():
        try:
            current, token = portal_services.young_person_invite_create(actor=request.user, child=child)
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            link = request.build_absolute_uri(reverse("invites:accept", args=[token]))
    context = {
        "child": child,
        "form": form,
        "link": link,
        "invite": current,
        "invite_expired": current is not None and current.expires_at <= timezone.now(),
        "invite_days": settings.BEACON_INVITE_DAYS,
    }
    return render(request, "accounts/invite_create.html", context)


@professional_required
@require_POST
def invite_revoke(request: AuthenticatedHttpRequest, public_id, invite_id) -> HttpResponse:
    child = _invite_child(request.user, public_id)
    invite = get_object_or_404(child.account_invites, public_id=invite_id)
    try:
        portal_services.young_person_invite_revoke(actor=request.user, invite=invite)
    except ApplicationError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, "The link has been withdrawn. It no longer works.")
    return redirect("invites:create", public_id=child.public_id)


@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The young person opens their link, chooses a username and password, and is signed in to their portal.

    A link that is unknown, used, replaced or out of date gets a plain page saying what to do, and
    changes nothing (410 Gone for a link that once worked, 404 for one that never did).
    """
    if request.user.is_authenticated:
        return render(request, "accounts/invite_signed_in.html", status=409)
    invite = young_person_invite_for_token(token=token)
    problem = young_person_invite_problem(invite=invite)
    if problem is not None or invite is None:  # An unknown link is a problem too: never None past here.
        return _invite_problem_page(request, problem or INVITE_PROBLEMS["unknown"])
    form = InviteAcceptForm(
        request.POST if request.method == "POST" else None,
        initial={"username": _suggested_username(invite.child)},
    )
    if form.is_bound and form.is_valid():
        try:
            user = portal_services.young_person_invite_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except ApplicationError as error:
            if error.code in INVITE_PROBLEMS:
                return _invite_problem_page(request, INVITE_PROBLEMS[error.code])
            add_service_errors(form, error)
        except ValidationError as error:
            # The password rules (length, too common, too like the username) speak about the password.
            add_service_errors(form, error, fallback_field="password")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Beacon. Your account is ready.")
            return redirect("portal:home")
    return render(
        request,
        "accounts/invite_accept.html",
        {"form": form, "first_name": invite.child.preferred_name or invite.child.given_name},
    )


def _invite_problem_page(request: HttpRequest, problem) -> HttpResponse:
    status = 404 if problem.code == "unknown" else 410
    return render(request, "accounts/invite_problem.html", {"problem": problem}, status=status)


def _suggested_username(child: Child) -> str:
    """A starting suggestion the young person can change: their first name and a few random digits."""
    first = "".join(ch for ch in (child.preferred_name or child.given_name).lower() if ch.isalnum()) or "me"
    for _ in range(5):
        candidate = f"{first}{secrets.randbelow(9000) + 1000}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    return ""
