"""Signing in and out of the browser interface: Django's own views with GOV.UK pages, and the person's own
account page with "sign out everywhere"."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.forms import SignInForm
from apps.accounts.services import user_sign_out_everywhere


class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # Professionals land on their caseload; a young person on their own page, never a refusal.
        if self.request.user.is_young_person:
            return reverse("consent:my-information")
        return super().get_default_redirect_url()


class SignOutView(LogoutView):
    """Sign out (POST only, since Django 5.0) and say so on the sign-in page."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out")
        return response


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own page: for now, signing out on every device."""
    return render(request, "accounts/account.html")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user_sign_out_everywhere(user=request.user)
    logout(request)
    messages.info(request, "You have signed out on every device, and every API token has been revoked")
    return redirect("accounts:sign-in")


@require_GET
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """Called by the "Stay signed in" button: the session middleware has already moved the session on.

    Not ``login_required``: a redirect to the sign-in page would look like success to a script.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)
