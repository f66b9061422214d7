"""One record per child, and identity that can be trusted (R2; the Children's Wellbeing and Schools Act 2026):
asking for access to a record found while adding a child, recording the NHS number's verification, and merging
two records of one child (and reversing it).

Each view reads top to bottom: access -> form -> service -> redirect. Both children of a merge come through
``access_child`` with permission to change them; the rules are the services' (``apps.children.merging``,
``apps.children.verification``, ``apps.teams.services.access_requests``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.children_views import SEARCHED_KEY, _child_to_change, _searched, _too_many_checks
from apps.children.identity_forms import MergeChooseForm, NhsNumberStatusForm, ReasonForm
from apps.children.merging import (
    REVERSIBLE_DAYS,
    child_merge,
    child_merge_preview,
    child_merge_reverse,
    merge_reversible_until,
    merges_of,
)
from apps.children.models import Child, ChildMerge
from apps.children.selectors import CHANGE, child_possible_matches
from apps.children.verification import child_nhs_number_status_record
from apps.core.exceptions import ApplicationError, NotPermitted, RecordMerged
from apps.core.forms import add_service_errors
from apps.sharing.access import children_access
from apps.sharing.selectors import access_child
from apps.teams.forms.access_requests import AccessRequestForm
from apps.teams.services import access_request_create

# --- Ask for access to a record found while adding a child --------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def ask_for_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A record that may be the child is not shared with this person: they ask the professional responsible
    for it, with their reason. The record is found again from the details kept in the session (what they
    searched for, or typed on the details page), so nothing identifying it is ever in the page."""
    searched = _searched(request)
    if searched is None:
        return redirect("children:find")
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    context = {"searched": searched}
    if form.is_bound and form.is_valid():
        paused = _too_many_checks(request, form, "children/ask_for_access.html", context)
        if paused is not None:
            return paused
        try:
            access_request_create(actor=request.user, reason=form.cleaned_data["reason"], **searched)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="reason")
        else:
            request.session.pop(SEARCHED_KEY, None)
            messages.success(
                request,
                "Your request has been sent to the professional responsible for the record. You will get a "
                "message in Beacon when they answer",
            )
            return redirect("teams:access-requests")
    return render(request, "children/ask_for_access.html", {**context, "form": form})


# --- The NHS number's verification ----------------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def nhs_number_status(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Record whether the NHS number was verified against the national register and when, or why there is
    none."""
    child = _child_to_change(request.user, public_id)
    form = NhsNumberStatusForm(
        request.POST if request.method == "POST" else None,
        initial={
            "status": child.nhs_number_status,
            "verified_on": child.nhs_number_verified_on,
            "unavailable_reason": child.nhs_number_unavailable_reason,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            child_nhs_number_status_record(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="status")
        else:
            messages.success(request, f"NHS number: {child.nhs_number_with_status}")
            return redirect("children:detail", public_id=child.public_id)
    return render(
        request,
        "children/form_page.html",
        {
            "child": child,
            "form": form,
            "title": "NHS number verification",
            "heading": "Is the NHS number verified?",
            "intro": f"NHS number on the record: {child.nhs_number_with_status}. Check it against the "
            "national register (the Spine portal, or the child's GP record) before you say it is verified. "
            "Another record is never matched silently by a number that is not verified.",
        },
    )


# --- Merging two records of one child ------------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def merge_choose(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Step one of a merge, from the record that will survive: which is the other record of this child? The
    records shared with this person that may be the same child are offered; any other is typed by its id."""
    child = _child_to_change(request.user, public_id)
    form = MergeChooseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return redirect(
            "children:merge-preview", public_id=child.public_id, duplicate_id=form.cleaned_data["duplicate"]
        )
    matches = [
        match.child
        for match in child_possible_matches(
            user=request.user,
            nhs_number=child.nhs_number or "",
            given_name=child.given_name,
            family_name=child.family_name,
            preferred_name=child.preferred_name,
            date_of_birth=child.date_of_birth,
        )
        if match.visible and match.child is not None and match.child.pk != child.pk
    ]
    access = children_access(user=request.user, children=matches)
    context = {
        "child": child,
        "form": form,
        "candidates": [(match, access[match.pk].can_change) for match in matches],
    }
    return render(request, "children/merge_choose.html", context)


def _duplicate_to_merge(request: AuthenticatedHttpRequest, duplicate_id) -> Child:
    """The record to merge in: one this person may change (else 404 or 403, as for any record)."""
    try:
        return access_child(request.user, duplicate_id, perm=CHANGE)
    except NotPermitted as error:
        raise PermissionDenied(
            "You can only merge records you can change, and you cannot change that record."
        ) from error
    except RecordMerged:
        raise Http404("That record has already been merged into another") from None


@professional_required
@require_http_methods(["GET", "POST"])
def merge_preview(request: AuthenticatedHttpRequest, public_id, duplicate_id) -> HttpResponse:
    """Step two: what would move, what would be settled and what must be resolved first; then the merge
    itself, with the reason, once the person confirms."""
    survivor = _child_to_change(request.user, public_id)
    duplicate = _duplicate_to_merge(request, duplicate_id)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="How do you know these are the same child?",
        hint=f"Recorded with the merge and audited. The merge can be reversed for {REVERSIBLE_DAYS} days",
        button="Merge the records",
        warning=True,
    )
    if form.is_bound and form.is_valid():
        try:
            merge = child_merge(
                actor=request.user, survivor=survivor, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="reason")
        else:
            messages.success(request, f"The two records of {survivor.known_as} are now one")
            return redirect("children:merge-detail", public_id=survivor.public_id, merge_id=merge.public_id)
    preview = (
        child_merge_preview(survivor=survivor, duplicate=duplicate) if survivor.pk != duplicate.pk else None
    )
    context = {"child": survivor, "duplicate": duplicate, "preview": preview, "form": form}
    return render(request, "children/merge_preview.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def merge_detail(request: AuthenticatedHttpRequest, public_id, merge_id) -> HttpResponse:
    """The record of one merge into this child's record: who, why, when, how many rows moved; and, for someone
    who may change the record, within the time allowed, reversing it with a reason."""
    # Anyone who sees the record reads its merges; reversing one needs permission to change it (403 first).
    child = (
        _child_to_change(request.user, public_id)
        if request.method == "POST"
        else access_child(request.user, public_id)
    )
    merge: ChildMerge = get_object_or_404(merges_of(child=child), public_id=merge_id, survivor=child)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why was this merge wrong?",
        hint="Recorded and audited. Everything the merge moved goes back; anything added since stays",
        button="Reverse the merge",
        warning=True,
    )
    if request.method == "POST":
        merge.survivor = child  # With the access decision the service asks.
        if form.is_valid():
            try:
                child_merge_reverse(actor=request.user, merge=merge, reason=form.cleaned_data["reason"])
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except (ValidationError, ApplicationError) as error:
                add_service_errors(form, error, fallback_field="reason")
            else:
                messages.success(request, "The merge has been reversed: the two records are separate again")
                return redirect("children:detail", public_id=child.public_id)
    until = merge_reversible_until(merge)
    context = {
        "child": child,
        "merge": merge,
        "rows_moved": sum(len(group["pks"]) for group in merge.moved),
        "reversible_until": until,
        "form": form,
        "may_reverse": child.access.can_change and not merge.is_reversed and timezone.localdate() <= until,
    }
    return render(request, "children/merge_detail.html", context)
