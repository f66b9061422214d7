"""The request a signed-in view receives, typed so that ``request.user`` is a Beacon ``User``.

Django types ``HttpRequest.user`` as a user *or* ``AnonymousUser``; behind ``login_required`` (and the
decorators built on it: ``professional_required``, ``young_person_required``) it is always a user. Views
behind those decorators take an ``AuthenticatedHttpRequest`` so that mypy checks what they do with it,
as django-stubs recommends. It lives here, with the user model, because ``apps/core`` imports no app.
"""

from django.http import HttpRequest

from apps.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # Narrower than HttpRequest's (no AnonymousUser): the decorators ensure it.
