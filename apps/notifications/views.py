"""TEMPORARY: replaced by the notifications page for issue 3."""
from django.http import Http404


def notification_list_page(request):
    raise Http404
