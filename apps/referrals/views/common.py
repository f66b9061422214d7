"""What the referral pages share: the child and referral through the access decision, the decider
check, and the form page.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from apps.children.models import Child
from apps.core.exceptions import NotPermitted
from apps.core.pagination import CountedPaginator
from apps.referrals import selectors
from apps.referrals.models import Referral
from apps.sharing.selectors import access_child


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _child(user, public_id, *, perm: str) -> Child:
    try:
        return access_child(user, public_id, perm=perm)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _referral(user, public_id, referral_id) -> tuple[Child, Referral]:
    try:
        return selectors.access_referral(user, public_id, referral_id)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _decider_only(user, referral: Referral) -> None:
    """A page that changes a referral is for the receiving service's staff: 403 for others who can see it."""
    if not selectors.can_decide(user=user, referral=referral):
        raise PermissionDenied("Only staff of the service receiving this referral can do this.")


def _detail_url(referral: Referral) -> str:
    return reverse(
        "referrals:referral-detail",
        kwargs={"public_id": referral.child.public_id, "referral_id": referral.public_id},
    )


def _form_page(request, *, child, referral=None, form, title, heading, intro="", back_url="", **extra):
    context = {
        "child": child,
        "referral": referral,
        "form": form,
        "title": title,
        "heading": heading,
        "intro": intro,
        "back_url": back_url or (_detail_url(referral) if referral else ""),
        **extra,
    }
    return render(request, "referrals/form_page.html", context)


def _work_list_page(request: HttpRequest, object_list, *, count: Callable[[], int]) -> dict:
    """One page of a work list: ``page``, its ``rows`` (fetched once) and the GOV.UK ``page_range``.

    The list is a query, counted by ``count`` and sliced to the page, so a list of 13,000 costs the
    same queries as a list of 10 and only the rows shown are fetched (and audited, by the caller).
    """
    paginator = CountedPaginator(object_list, settings.BEACON_WORK_LIST_PAGE_SIZE, count=count)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "rows": list(page.object_list),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }
