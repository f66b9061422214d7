"""Signing in and out of the browser interface: Django's own views with GOV.UK pages."""

from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from apps.accounts.forms import SignInForm


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
