"""Signing in and out of the browser interface: Django's own views with GOV.UK pages, the second factor
(apps/accounts/two_factor.py), the lockout page, the person's own account page, and young people's invite
links to make their own account."""

import json

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import selectors, two_factor
from apps.accounts.decorators import professional_required
from apps.accounts.drafts import DraftRefused, draft_save
from apps.accounts.forms import SecondFactorForm, SignInForm
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.services import user_sign_out_everywhere
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors

LOCKED_OUT = (
    "You have tried to sign in too many times. Signing in with this username from this device is paused "
    "for {minutes} minutes."
)


def _default_landing(user) -> str:
    # Professionals land on their caseload; a young person on their own page, never a refusal.
    if user.is_young_person:
        return reverse("portal:home")
    return reverse(settings.LOGIN_REDIRECT_URL)


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: a ``next`` on this site only, else the person's own landing page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _default_landing(request.user)


class SignInView(LoginView):
    """Username and password. For anyone who needs a second factor this is only the first step: the
    next page asks for the code, and nothing else opens until it is given (apps.accounts.middleware)."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return _default_landing(self.request.user)

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = self.request.user
        if two_factor.needs_second_factor(user) and not two_factor.second_factor_given(user):
            return two_factor.second_step_url(user, url)
        return url


class SignOutView(LogoutView):
    """Sign out (POST only, since Django 5.0) and say so on the sign-in page."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out")
        return response


def _is_locked(request: HttpRequest) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": request.user.get_username()})


def _locked_out_now(request: HttpRequest) -> HttpResponse:
    credentials = {"username": request.user.get_username()}
    logout(request)
    return locked_out(request, None, credentials)


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_code(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a backup code."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.second_factor_given(user):
        return redirect(next_url)
    if not two_factor.has_second_factor(user):
        return redirect(two_factor.second_step_url(user, next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        if _is_locked(request):
            return _locked_out_now(request)
        if form.is_valid():
            try:
                device = two_factor.second_factor_check(
                    request=request, user=user, code=form.cleaned_data["otp_code"]
                )
            except ApplicationError as error:
                add_service_errors(form, error)
                if getattr(request, "axes_locked_out", False):
                    return _locked_out_now(request)
            else:
                two_factor.second_factor_login(request=request, device=device)
                if isinstance(device, StaticDevice):
                    left = two_factor.backup_codes_remaining(user=user)
                    messages.warning(
                        request,
                        f"You used a backup code. You have {left} left. Make new ones on your account page "
                        "if you are running out.",
                    )
                return redirect(next_url)
    return render(request, "accounts/sign_in_code.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add Beacon to an authenticator app: scan the QR code (or type the key), then enter a code from it.

    Someone who already has an app but has not given a code this session must give one first: a stolen
    password alone must never be enough to swap in the thief's phone.
    """
    user = request.user
    next_url = _next_url(request)
    if two_factor.has_second_factor(user) and not two_factor.second_factor_given(user):
        return redirect(two_factor.second_step_url(user, next_url))
    device = two_factor.totp_device_pending(user=user)
    form = SecondFactorForm(request.POST or None, setting_up=True)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.totp_device_confirm(
                request=request, user=user, device=device, code=form.cleaned_data["otp_code"]
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            two_factor.second_factor_login(request=request, device=device)
            return _show_backup_codes(request, codes, next_url=next_url, first_time=True)
    context = {
        "form": form,
        "next": next_url,
        "qr_code": two_factor.totp_provisioning_qr_data_uri(device),
        "secret": two_factor.totp_secret_for_people(device),
        "replacing": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


def _show_backup_codes(
    request: HttpRequest, codes: list[str], *, next_url: str, first_time: bool
) -> HttpResponse:
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": [two_factor.backup_code_display(code) for code in codes],
            "next": next_url,
            "first_time": first_time,
        },
    )


@login_required
@require_POST
def backup_codes_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        codes = two_factor.backup_codes_regenerate(user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounts:account")
    return _show_backup_codes(request, codes, next_url=reverse("accounts:account"), first_time=False)


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """What someone locked out by django-axes sees (AXES_LOCKOUT_CALLABLE): what happened and what to do.

    It names neither whether the username exists nor how many tries there were.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = LOCKED_OUT.format(minutes=minutes)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "client_error",
                "errors": [
                    {
                        "code": "locked_out",
                        "detail": f"{message} Wait {minutes} minutes and try again, or ask your Beacon "
                        "administrator to unlock the account.",
                        "attr": None,
                    }
                ],
            },
            status=429,
            headers={"Retry-After": str(minutes * 60)},
        )
    page = render(request, "accounts/locked_out.html", {"message": message, "minutes": minutes}, status=429)
    page["Retry-After"] = str(minutes * 60)
    return page


@login_required
@require_GET
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in person's own page: their second factor, backup codes, and signing out everywhere."""
    user = request.user
    context = {
        "has_second_factor": two_factor.has_second_factor(user),
        "needs_second_factor": two_factor.needs_second_factor(user),
        "backup_codes_remaining": two_factor.backup_codes_remaining(user=user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.info(request, "You have signed out on every device, and every API token has been revoked")
    return redirect("accounts:sign-in")


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """Called while someone types into a form and by the "Stay signed in" button: the session middleware
    has already moved the session on (or signed it out, at the idle or the absolute limit: this view then
    never runs). A POST with the CSRF token, so another site cannot keep a session alive.

    A long form sends what has been typed with it (``draft_key``, the form page's path, and ``draft``, its
    fields as JSON): kept as the person's draft (apps.accounts.drafts). Nothing about a child is read, so
    nothing is audited. Not ``login_required``: a redirect to the sign-in page would look like success to
    a script.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    draft_key = request.POST.get("draft_key")
    if draft_key:
        try:
            fields = json.loads(request.POST.get("draft", ""))
            draft_save(user=request.user, key=draft_key, fields=fields)
        except (ValueError, DraftRefused) as error:  # json.JSONDecodeError is a ValueError
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)


@professional_required
@require_GET
def professional_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Professionals matching what was typed, as radios for a people picker (htmx swaps them in as the
    person types). At most a page of ten; fewer than two letters finds no one. Each search is recorded,
    since it shows who works where."""
    # "q", or the people picker's own box, which htmx sends under its field name.
    query = (request.GET.get("q") or request.GET.get("professional_query", ""))[:100]
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    people, more = selectors.professional_search(query=query, page=page)
    if people:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            target=request.user,
            detail={"what": "professionals", "shown": [str(person.public_id) for person in people]},
        )
    return render(
        request,
        "accounts/includes/professional_matches.html",
        {
            "people": [(person, selectors.professional_label(person)) for person in people],
            "query": query,
            "page": page,
            "more": more,
            "too_short": len(query.strip()) < selectors.PROFESSIONAL_SEARCH_MIN_LENGTH,
        },
    )
