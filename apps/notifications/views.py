"""The notifications page: a person's own messages from Beacon, newest first, marking one as read, and
choosing how Beacon tells them about a new one."""

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
from apps.notifications.selectors import (
    contact_preference_for,
    notification_list,
    notifications_readable,
)
from apps.notifications.services import contact_preference_set, notification_mark_read
from apps.notifications.sms import sms_enabled

NOTIFICATIONS_PAGE_SIZE = 25


@login_required
@require_GET
def notification_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    paginator = Paginator(notification_list(user=request.user), NOTIFICATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    notifications = notifications_readable(user=request.user, notifications=page.object_list)
    return render(request, "notifications/list.html", {"page": page, "notifications": notifications})


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    # Only the person's own notifications are found: anyone else's is a 404, as if it did not exist.
    notification = get_object_or_404(notification_list(user=request.user), public_id=public_id)
    notification_mark_read(notification=notification)
    page = request.POST.get("page", "")
    return redirect(reverse("notifications:list") + (f"?page={page}" if page.isdigit() else ""))


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
