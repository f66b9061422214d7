"""The single point of access and the waiting list: the triage and senior review queues, the waiting
list, and contacts while waiting.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.referrals import selectors, services
from apps.referrals.forms import TriageQueueFilterForm, WaitingContactAttemptForm, WaitingContactForm
from apps.referrals.views.common import _form_page, _post_or_none, _work_list_page

# --- The single point of access and the waiting list --------------------------------------------------


@professional_required
@require_GET
def triage_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The single point of access queue, filtered, sorted and paged; only the rows shown are audited."""
    form = TriageQueueFilterForm(
        request.GET,
        referrer_organisations=selectors.triage_queue_referrer_organisations(user=request.user),
    )
    filters = form.filters()
    listing = _work_list_page(
        request,
        selectors.triage_queue(user=request.user, filters=filters),
        count=lambda: selectors.triage_queue_count(user=request.user, filters=filters),
    )
    listing["rows"] = selectors.triage_queue_rows(user=request.user, referrals=listing["rows"])
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "sort"))
    return render(request, "referrals/queue.html", {**listing, "form": form, "filtered": filtered})


@professional_required
@require_GET
def senior_review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    referrals = selectors.senior_review_queue(user=request.user)
    listing = _work_list_page(request, referrals, count=referrals.order_by().count)
    selectors.work_list_audit(
        user=request.user, children=[row.child for row in listing["rows"]], basis="senior review"
    )
    return render(request, "referrals/senior_review_queue.html", listing)


@professional_required
@require_GET
def waiting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    only_due = request.GET.get("due") == "1"
    listing = _work_list_page(
        request,
        selectors.waiting_list(user=request.user, only_due=only_due),
        count=lambda: selectors.waiting_list_count(user=request.user, only_due=only_due),
    )
    listing["rows"] = selectors.waiting_list_rows(user=request.user, entries=listing["rows"])
    return render(request, "referrals/waiting_list.html", {**listing, "only_due": only_due})


def _waiting_entry_for_staff(request: AuthenticatedHttpRequest, public_id, entry_id, *, doing: str):
    """The child and their waiting-list entry, for staff of the service they wait for; 403 otherwise."""
    try:
        child, entry = selectors.access_waiting_entry(request.user, public_id, entry_id)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    if not services.works_at(user=request.user, organisation_id=entry.organisation_id):
        raise PermissionDenied(f"Only staff of the service the young person is waiting for can {doing}.")
    return child, entry


@professional_required
@require_http_methods(["GET", "POST"])
def waiting_contact(request: AuthenticatedHttpRequest, public_id, entry_id) -> HttpResponse:
    child, entry = _waiting_entry_for_staff(request, public_id, entry_id, doing="record contacts")
    form = WaitingContactForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.waiting_contact_record(
                actor=request.user,
                entry=entry,
                method=data["method"],
                spoke_with=data["spoke_with"],
                contacted_at=data.get("contacted_at"),
                explained_service=data["explained_service"],
                risk_check=data["risk_check"],
                signposting=data["signposting"],
                note=data["note"],
            )
        except (ValidationError, ApplicationError) as error:
            names = {"contacted_at": "contacted_on"}
            if isinstance(error, ApplicationError):
                error.field = names.get(error.field, error.field)
            add_service_errors(form, error, fallback_field="spoke_with")
        else:
            messages.success(request, "The contact has been recorded")
            return redirect("referrals:waiting-list")
    return _form_page(
        request,
        child=child,
        referral=entry.referral,
        form=form,
        title="Record a waiting contact",
        heading="Record a contact while waiting",
        intro="The first contact explains what the service offers, its role and what it will ask. Every "
        "contact checks how things are and signposts support while the young person waits.",
        back_url=reverse("referrals:waiting-list"),
        contacts=selectors.waiting_contacts(entry=entry),
        attempts=list(entry.attempts.select_related("recorded_by")),
        tried_url=reverse("referrals:waiting-contact-attempt", args=[child.public_id, entry.public_id]),
    )


@professional_required
@require_http_methods(["GET", "POST"])
def waiting_contact_attempt(request: AuthenticatedHttpRequest, public_id, entry_id) -> HttpResponse:
    """Tried, could not reach them: recorded as a try, never as a contact; the contact is due again."""
    child, entry = _waiting_entry_for_staff(
        request, public_id, entry_id, doing="record tries to contact them"
    )
    form = WaitingContactAttemptForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            attempt = services.waiting_contact_attempt_record(
                actor=request.user, entry=entry, **form.cleaned_data
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="method")
        else:
            messages.success(
                request,
                "The try is recorded. The contact is still owed and due again on "
                f"{attempt.due_again_on:%-d %B %Y}",
            )
            return redirect("referrals:waiting-list")
    return _form_page(
        request,
        child=child,
        referral=entry.referral,
        form=form,
        title="Record a try to contact",
        heading="Tried, could not reach them yet",
        intro="Record what you tried. It is not a contact: nobody was asked how things are, so the contact "
        "stays due, a working day from now.",
        back_url=reverse("referrals:waiting-contact", args=[child.public_id, entry.public_id]),
        attempts=list(entry.attempts.select_related("recorded_by")),
    )
