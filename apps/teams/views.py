"""TEMPORARY: replaced by the browser pages for issue 3."""
from django.http import Http404


def caseload_page(request, **kwargs):
    raise Http404


def manager_page(request, **kwargs):
    raise Http404


def team_page(request, **kwargs):
    raise Http404


def member_add(request, **kwargs):
    raise Http404


def member_end(request, **kwargs):
    raise Http404


def trusted_worker_name(request, **kwargs):
    raise Http404


def direct_contact_give(request, **kwargs):
    raise Http404


def lead_appoint(request, **kwargs):
    raise Http404


def lead_hand_over(request, **kwargs):
    raise Http404


def trusted_worker_hand_over(request, **kwargs):
    raise Http404


def meeting_record(request, **kwargs):
    raise Http404


def meeting_detail(request, **kwargs):
    raise Http404


def action_add(request, **kwargs):
    raise Http404


def action_complete(request, **kwargs):
    raise Http404
