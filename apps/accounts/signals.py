"""Remember, in a new browser session, when it was signed in and which "sign out everywhere" generation it
belongs to."""

import time

from django.contrib.auth import SESSION_KEY, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from apps.accounts.models import User
from apps.core.middleware import SESSION_EPOCH, SESSION_SIGNED_IN_AT


@receiver(user_logged_in, dispatch_uid="accounts.remember_session_epoch")
def remember_session_epoch(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    # API token sign-in sends this signal too, without signing in a browser session: leave that alone.
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == user._meta.pk.value_to_string(user):
        session[SESSION_EPOCH] = user.session_epoch
        # The absolute lifetime counts from here (apps.core.middleware.SessionSecurityMiddleware).
        session[SESSION_SIGNED_IN_AT] = int(time.time())
