"""The notifications page: a person's own messages from Beacon, newest first, and marking one as read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.notifications.selectors import notification_list
from apps.notifications.services import notification_mark_read

NOTIFICATIONS_PAGE_SIZE = 25


@login_required
@require_GET
def notification_list_page(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(notification_list(user=request.user), NOTIFICATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "notifications": list(page.object_list)})


@login_required
@require_POST
def notification_read(request: HttpRequest, public_id) -> HttpResponse:
    # Only the person's own notifications are found: anyone else's is a 404, as if it did not exist.
    notification = get_object_or_404(notification_list(user=request.user), public_id=public_id)
    notification_mark_read(notification=notification)
    page = request.POST.get("page", "")
    return redirect(reverse("notifications:list") + (f"?page={page}" if page.isdigit() else ""))
