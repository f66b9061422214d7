"""Helpers for pages that htmx updates in part."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of the page; restoring history or a boosted link needs the whole page."""
    return bool(
        request.headers.get("HX-Request")
        and not request.headers.get("HX-History-Restore-Request")
        and not request.headers.get("HX-Boosted")
    )
