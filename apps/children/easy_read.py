"""Standard or Easy Read (R140): the child's stored preference, changed for this visit with one link.

With the child's record, whose preference it reads, so the portal and consent pages above both use it.
"""

from django.http import HttpRequest

from apps.children.models import Child

SESSION_KEY = "portal_easy_read"


def wants_easy_read(request: HttpRequest, child: Child) -> bool:
    """Easy Read if the young person chose it on this visit, else if their record says they prefer it."""
    chosen = request.session.get(SESSION_KEY)
    return child.prefers_easy_read if chosen is None else bool(chosen)


def choose_easy_read(request: HttpRequest, easy_read: bool) -> None:
    request.session[SESSION_KEY] = easy_read
