"""Beacon's admin site: administrators only, with both factors (django-otp's ``OTPAdminSite``), and a plain
refusal for everyone else who is signed in.

Django's admin sends anyone it does not admit to its own sign-in page. Beacon's is the one sign-in page
(config/urls.py sends ``/admin/login/`` there), and it sends a signed-in person straight back to ``next``:
a signed-in worker who opened ``/admin/`` went round that circle until the browser gave up. Now a signed-in
person who is not an administrator gets the 403 page saying why; someone signed out still goes to sign in.
"""

from functools import update_wrapper

from django.core.exceptions import PermissionDenied
from django_otp.admin import OTPAdminSite

NOT_AN_ADMINISTRATOR = (
    "Only Beacon administrators can use the administration pages. You are signed in with an account that "
    "is not an administrator's."
)


class BeaconAdminSite(OTPAdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def refuse_the_signed_in_non_administrator(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(NOT_AN_ADMINISTRATOR)
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_the_signed_in_non_administrator, inner)
