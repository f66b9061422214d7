"""Template context from the accounts app: whether the person has signed in with every factor they need."""

from django.http import HttpRequest

from apps.accounts.two_factor import needs_second_factor, second_factor_given


def signed_in_fully(request: HttpRequest) -> dict[str, bool]:
    """Whether the person has given every factor they need: until then the header shows no menu (a
    half-signed-in page offers nothing to go to, and shows no notification count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signed_in_fully": False}
    return {"signed_in_fully": second_factor_given(user) or not needs_second_factor(user)}
