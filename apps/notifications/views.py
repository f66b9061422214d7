"""The notifications page: a person's own messages from Beacon, unread and urgent first, filtered, marking
one or all as read, and choosing how Beacon tells them about a new one."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.notifications.forms import ContactPreferenceForm
from apps.notifications.models import Notification
from apps.notifications.selectors import (
    contact_preference_for,
    notification_inbox,
    notification_kinds,
    notification_list,
    notifications_readable,
)
from apps.notifications.services import (
    contact_preference_set,
    notification_mark_all_read,
    notification_mark_read,
)
from apps.notifications.sms import sms_enabled

NOTIFICATIONS_PAGE_SIZE = 25


def _filters(data) -> dict[str, str]:
    """The inbox's filters from a query string or a form: only the unread, only the urgent, one kind.
    Anything else is ignored (an unknown kind shows everything, as no filter)."""
    filters = {}
    if data.get("unread") == "1":
        filters["unread"] = "1"
    if data.get("urgent") == "1":
        filters["urgent"] = "1"
    if data.get("kind", "") in Notification.Kind.values:
        filters["kind"] = data["kind"]
    return filters


def _list_url(filters: dict[str, str], page: str = "") -> str:
    query = dict(filters)
    if page.isdigit():
        query["page"] = page
    return reverse("notifications:list") + (f"?{urlencode(query)}" if query else "")


@login_required
@require_GET
def notification_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The inbox: unread before read, urgent before normal, newest first, a page at a time (the same few
    queries whatever its size), with its filters."""
    filters = _filters(request.GET)
    inbox = notification_inbox(
        user=request.user,
        unread="unread" in filters,
        urgent="urgent" in filters,
        kind=filters.get("kind", ""),
    )
    paginator = Paginator(inbox, NOTIFICATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    notifications = notifications_readable(user=request.user, notifications=page.object_list)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "notifications": notifications,
            "filters": filters,
            "filter_query": urlencode(filters),
            "kinds": notification_kinds(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    # Only the person's own notifications are found: anyone else's is a 404, as if it did not exist.
    notification = get_object_or_404(notification_list(user=request.user), public_id=public_id)
    notification_mark_read(notification=notification)
    return redirect(_list_url(_filters(request.POST), request.POST.get("page", "")))


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every one of the person's unread notifications as read; again, it marks nothing."""
    marked = notification_mark_all_read(user=request.user)
    messages.success(
        request,
        f"Marked {marked} notification{'s' if marked != 1 else ''} as read"
        if marked
        else "You have no unread notifications",
    )
    return redirect(_list_url(_filters(request.POST)))


@login_required
@require_http_methods(["GET", "POST"])
def contact_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Email, text message, both or neither: for the signed-in person only."""
    preference = contact_preference_for(user=request.user)
    form = ContactPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=ContactPreferenceForm.initial_for(preference),
    )
    if form.is_bound and form.is_valid():
        try:
            contact_preference_set(user=request.user, **form.service_arguments())
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="mobile_number")
        else:
            messages.success(request, "Your choices are saved")
            return redirect("notifications:list")
    return render(
        request,
        "notifications/contact.html",
        {"form": form, "has_email": bool(request.user.email), "sms_on": sms_enabled()},
    )
