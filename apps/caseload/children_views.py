"""The children pages: a professional's list of children, the child's page, and the forms that change it.

Each view reads top to bottom: access -> form -> service -> redirect. Every child is fetched through
``access_child`` (a 404 whether the record does not exist or is not shared; a 403 to change a record
shared read-only) and every list through ``child_list``, so both are permission-scoped and audited.
"""

import math
from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.selectors import user_primary_membership
from apps.caseload.consent_gaps import consent_gaps_for
from apps.children.categories import Category
from apps.children.characteristics import (
    characteristics_answers,
    protected_characteristics_of,
    protected_characteristics_record,
)
from apps.children.forms import (
    ChildForm,
    FamilyMemberForm,
    FindChildForm,
    IdentifierForm,
    ProtectedCharacteristicsForm,
    SocialWorkStatusForm,
    VulnerabilityEndForm,
    VulnerabilityFlagForm,
)
from apps.children.identity_forms import NewChildForm
from apps.children.merging import merges_of
from apps.children.models import Child
from apps.children.selectors import CHANGE, child_detail, child_list, child_list_count, child_possible_matches
from apps.children.services import (
    SAY_WHY_DIFFERENT,
    PossibleDuplicate,
    child_create,
    child_identifier_add,
    child_update,
    family_member_add,
    family_member_remove,
    family_member_update,
    social_work_status_record,
    vulnerability_flag_add,
    vulnerability_flag_end,
)
from apps.children.throttling import possible_match_wait_seconds
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.core.htmx import wants_fragment
from apps.core.nhs_number import normalise_nhs_number, validate_nhs_number
from apps.core.pagination import CountedPaginator
from apps.sharing.selectors import access_child, child_list_audit
from apps.teams.selectors import current_lead_appointment, team_roster

# What was searched for on "Add a child", carried to the create form in the session rather than the
# address, so NHS numbers and names stay out of server logs and browser history.
SEARCHED_KEY = "children:searched"
IDENTITY_FIELDS = ("nhs_number", "given_name", "family_name", "preferred_name", "date_of_birth")
SEARCH_MAX_LENGTH = 100


def _child_to_change(user, public_id) -> Child:
    """The child, if ``user`` may change the record: 404 if it is not shared, 403 if shared read-only."""
    try:
        return access_child(user, public_id, perm=CHANGE)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _form_page(
    request: HttpRequest, *, child: Child, form: forms.Form, title: str, heading: str, **extra
) -> HttpResponse:
    """A small form about one child on a page of its own."""
    context = {"child": child, "form": form, "title": title, "heading": heading, **extra}
    return render(request, "children/form_page.html", context)


@professional_required
@require_GET
def children_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    paginator = CountedPaginator(
        child_list(user=request.user, search=search),
        settings.BEACON_CHILDREN_PAGE_SIZE,
        count=lambda: child_list_count(user=request.user, search=search),
    )
    page = paginator.get_page(request.GET.get("page"))
    children = list(page.object_list)
    child_list_audit(user=request.user, children=children, search=search)

    fragment = wants_fragment(request)
    template = "children/list.html#results" if fragment else "children/list.html"
    context = {
        "children": children,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "search": search,
        "fragment": fragment,
    }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # One address, two representations.
    return response


@dataclass(frozen=True)
class Withheld:
    """What stands in for information the viewer has no consent to see: its category, never the data."""

    category_label: str
    category: str = ""
    ended_on: date | None = None


def _withheld_or(flag, access):
    """The flag, or a withheld marker in its place if the viewer may not see its category (R80)."""
    category = Category(flag.type.category)
    if access.sees(category):
        return flag
    return Withheld(
        category_label=category.label[0].lower() + category.label[1:],
        category=category,
        ended_on=flag.ended_on,
    )


@professional_required
@require_GET
def child_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = access_child(request.user, public_id)
    record = child_detail(child=child)
    flags = list(record.vulnerability_flags.all())
    access = child.access
    current = [_withheld_or(flag, access) for flag in flags if flag.ended_on is None]
    ended = [_withheld_or(flag, access) for flag in flags if flag.ended_on is not None]
    # Who coordinates and who is involved, near the top: the team page has the rest (R16, R19).
    team_members = list(team_roster(child=record).current()) if access.sees(Category.TEAM) else None
    context = {
        "child": record,
        "access": access,
        "can_change": access.can_change,
        "team_members": team_members,
        "lead": current_lead_appointment(child=record) if team_members is not None else None,
        "trusted_worker": next((member for member in team_members or [] if member.is_trusted_worker), None),
        "social_work_history": record.social_work_history.all(),
        "current_flags": [flag for flag in current if not isinstance(flag, Withheld)],
        "ended_flags": [flag for flag in ended if not isinstance(flag, Withheld)],
        # The counts are of what the viewer sees: the markers below stand for the rest.
        "current_flag_count": sum(1 for flag in current if not isinstance(flag, Withheld)),
        "ended_flag_count": sum(1 for flag in ended if not isinstance(flag, Withheld)),
        # Sensitive flags the viewer has no consent to see: a marker in their place, never the data, saying
        # what would open it (R80).
        "withheld_flags": [
            (label, access.withheld_reason(category))
            for category, label in sorted(
                {
                    (flag.category, flag.category_label)
                    for flag in current + ended
                    if isinstance(flag, Withheld)
                }
            )
        ],
        # Linked only where it opens: otherwise said inline, with why (no link ends in a 403).
        "referrals_withheld_reason": ""
        if access.sees(Category.REFERRALS)
        else access.withheld_reason(Category.REFERRALS),
        # What in the consent needs looking at, for whoever may see the consent register.
        "consent_gaps": consent_gaps_for(children=[record], accesses={record.pk: access})[record.pk]
        if access.sees_consent_register
        else None,
        **_characteristics_context(record, access),
        # Duplicates merged into this record (R2), each linking to its merge record.
        "merges": list(merges_of(child=record).filter(survivor=record)),
    }
    return render(request, "children/detail.html", context)


def _characteristics_context(child: Child, access) -> dict:
    """The protected characteristics in words (R7): sexual orientation and gender identity only where the
    access decision lets this person see them, otherwise withheld with why."""
    row = protected_characteristics_of(child)
    sees = access.sees_text(Category.SEXUALITY_GENDER)
    return {
        "characteristics": characteristics_answers(row, sees_sexuality_gender=sees),
        "characteristics_row": row,
        "sees_sexuality_gender": sees,
        "sexuality_gender_withheld_reason": "" if sees else access.withheld_reason(Category.SEXUALITY_GENDER),
    }


@professional_required
@require_http_methods(["GET", "POST"])
def edit_characteristics(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Record what the young person told about their protected characteristics (R7): for someone who may
    change the record; sexual orientation and gender identity only for someone who may see them."""
    child = _child_to_change(request.user, public_id)
    row = protected_characteristics_of(child)
    form = ProtectedCharacteristicsForm(
        request.POST if request.method == "POST" else None,
        initial=ProtectedCharacteristicsForm.initial_for(child, row),
        for_young_person=False,
        show_sexuality_gender=child.access.sees_text(Category.SEXUALITY_GENDER),
    )
    if form.is_bound and form.is_valid():
        try:
            protected_characteristics_record(actor=request.user, child=child, **form.service_arguments())
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.known_as}'s protected characteristics have been saved")
            return redirect(reverse("children:detail", args=[child.public_id]) + "#characteristics")
    return _form_page(
        request,
        child=child,
        form=form,
        title="Protected characteristics",
        heading="Protected characteristics",
        intro="Every question is optional and the young person's own to answer: record what they told you, "
        "or what a parent or carer told you about them (never their sexual orientation or gender identity). "
        "“Prefer not to say” is an answer; “Not recorded” means nobody has asked yet.",
    )


def _too_many_checks(
    request: HttpRequest, form: forms.BaseForm, template: str, context: dict
) -> HttpResponse | None:
    """Count this possible-match check against the person's allowance; past it, the page says when to try
    again (429). None when the check may go ahead."""
    wait = possible_match_wait_seconds(request)
    if wait is None:
        return None
    minutes = math.ceil(wait / 60)
    form.add_error(
        None,
        "You have checked for existing records many times in a short while, so Beacon has paused "
        f"checking for you. Try again in {minutes} minute{'s' if minutes != 1 else ''}, or contact "
        "the Beacon administrator at your single point of access (SPA).",
    )
    response = render(request, template, {**context, "form": form}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _remember_searched(request: HttpRequest, details: dict) -> None:
    """Keep what was looked for (or typed on the details page) in the session, for the details page and for
    "Ask for access", which finds the record again from it: never in the page or the address."""
    request.session[SEARCHED_KEY] = {
        **{name: details.get(name) or "" for name in IDENTITY_FIELDS if name != "date_of_birth"},
        "date_of_birth": details["date_of_birth"].isoformat() if details.get("date_of_birth") else None,
    }


def _matches_context(matches: list) -> dict:
    return {
        "matches": matches,
        "nhs_number_taken": any(match.same_nhs_number for match in matches),
        "has_hidden_match": any(not match.visible for match in matches),
    }


@professional_required
@require_http_methods(["GET", "POST"])
def find_child(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step one of adding a child (R2): look for an existing record before a new one is made."""
    form = FindChildForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        paused = _too_many_checks(request, form, "children/find.html", {})
        if paused is not None:
            return paused
        searched = form.cleaned_data
        matches = child_possible_matches(user=request.user, **searched)
        _remember_searched(request, searched)
        if not matches:
            messages.info(request, "There is no record in Beacon for a child with these details")
            return redirect("children:create")
        return render(request, "children/find.html", {"form": form, **_matches_context(matches)})
    return render(request, "children/find.html", {"form": form})


@professional_required
@require_POST
def nhs_number_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What is wrong with the NHS number typed at step one, asked as the box is left (htmx): the rule the
    search and the record use (``validate_nhs_number``), so the browser holds no copy of it. Empty when
    the number is right or not typed yet. Reads no record, so nothing is audited; a POST, so the number
    stays out of addresses and logs."""
    number = normalise_nhs_number(request.POST.get("nhs_number", ""))
    problem = ""
    if number:
        try:
            validate_nhs_number(number)
        except ValidationError as error:
            problem = error.messages[0]
    return render(request, "children/includes/nhs_number_check.html", {"problem": problem})


def _searched(request: HttpRequest) -> dict | None:
    """What was looked for on the find page, to fill in the create form."""
    searched = request.session.get(SEARCHED_KEY)
    if searched is None:
        return None
    birth = searched.get("date_of_birth")
    return {**searched, "date_of_birth": date.fromisoformat(birth) if birth else None}


@professional_required
@require_http_methods(["GET", "POST"])
def create_child(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step two of adding a child: the record itself, filled in with what was searched for.

    The check for an existing record runs again on what is saved (the details may differ from the search):
    a record shared with the person is shown and needs their confirmation that this is a different child; one
    that is not offers "Ask for access", never a way round (``child_create``)."""
    searched = _searched(request)
    if request.method == "GET" and searched is None:
        return redirect("children:find")  # Look for an existing record first, every time.
    different_child = request.POST.get("confirm_different_child") is not None or "different_child_reason" in (
        request.POST
    )
    form = NewChildForm(
        request.POST if request.method == "POST" else None,
        initial=searched,
        submit_label="Add child",
        different_child=different_child,
    )
    context: dict = {"child": None}
    if form.is_bound and form.is_valid():
        paused = _too_many_checks(request, form, "children/child_form.html", context)
        if paused is not None:
            return paused
        try:
            child = child_create(actor=request.user, **form.service_arguments())
        except PossibleDuplicate as error:
            _remember_searched(request, form.cleaned_data)
            context.update(_matches_context(error.matches))
            if error.hidden:
                form.add_error(None, error.message)
            else:
                # Shown again with the question: is this a different child, and how do they know?
                form = NewChildForm(
                    request.POST, initial=searched, submit_label="Add child", different_child=True
                )
                confirmed = form.is_valid() and form.cleaned_data["confirm_different_child"]
                if confirmed:  # Ticked, with no reason: the service saw no confirmation.
                    form.add_error("different_child_reason", SAY_WHY_DIFFERENT)
                elif different_child:
                    form.add_error("different_child_reason", error.message)
                else:
                    form.add_error(None, error.message)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            request.session.pop(SEARCHED_KEY, None)
            messages.success(request, f"{child.known_as} has been added to Beacon")
            return redirect("children:detail", public_id=child.public_id)
    return render(request, "children/child_form.html", {**context, "form": form})


@professional_required
@require_http_methods(["GET", "POST"])
def edit_child(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    form = ChildForm(request.POST if request.method == "POST" else None, instance=child)
    if form.is_bound and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            child_update(actor=request.user, child=child, **changes)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            if changes:
                messages.success(request, f"{child.known_as}'s details have been updated")
            return redirect("children:detail", public_id=child.public_id)
    return render(request, "children/child_form.html", {"form": form, "child": child})


@professional_required
@require_http_methods(["GET", "POST"])
def add_identifier(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    membership = user_primary_membership(user=request.user)
    form = IdentifierForm(
        request.POST if request.method == "POST" else None,
        initial={"issuer": membership.organisation if membership else None},
    )
    if form.is_bound and form.is_valid():
        try:
            child_identifier_add(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="value")
        else:
            messages.success(request, "The identifier has been added")
            return redirect("children:detail", public_id=child.public_id)
    return _form_page(request, child=child, form=form, title="Add an identifier", heading="Add an identifier")


@professional_required
@require_http_methods(["GET", "POST"])
def record_social_work_status(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    form = SocialWorkStatusForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            social_work_status_record(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="status")
        else:
            messages.success(request, "The change of social work status has been recorded")
            return redirect("children:detail", public_id=child.public_id)
    return _form_page(
        request,
        child=child,
        form=form,
        title="Record a change of social work status",
        heading="Record a change of social work status",
        intro="The current status ends the day the new one starts. Earlier statuses stay in the history.",
    )


@professional_required
@require_http_methods(["GET", "POST"])
def add_vulnerability(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    form = VulnerabilityFlagForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            vulnerability_flag_add(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="type")
        else:
            messages.success(request, "The vulnerability has been added")
            return redirect("children:detail", public_id=child.public_id)
    return _form_page(
        request, child=child, form=form, title="Add a vulnerability", heading="Add a vulnerability"
    )


@professional_required
@require_http_methods(["GET", "POST"])
def end_vulnerability(request: AuthenticatedHttpRequest, public_id, type_code: str) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    # A child has at most one current flag of each type, so the type names it without a database id.
    flag = get_object_or_404(
        child.vulnerability_flags.select_related("type"), type__code=type_code, ended_on__isnull=True
    )
    form = VulnerabilityEndForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            vulnerability_flag_end(actor=request.user, flag=flag, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="ended_on")
        else:
            messages.success(request, f"{flag.type} has been marked as ended")
            return redirect("children:detail", public_id=child.public_id)
    return _form_page(
        request,
        child=child,
        form=form,
        title="Mark a vulnerability as ended",
        heading=f"Mark {flag.type} as ended",
        intro=f"Identified on {flag.identified_on:%-d %B %Y} by {flag.source}. It stays in the history.",
    )


@professional_required
@require_http_methods(["GET", "POST"])
def add_family_member(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    form = FamilyMemberForm(
        request.POST if request.method == "POST" else None, submit_label="Add family member"
    )
    if form.is_bound and form.is_valid():
        try:
            member = family_member_add(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} has been added to the family and household")
            return redirect(reverse("children:detail", args=[child.public_id]) + "#family")
    return _form_page(
        request, child=child, form=form, title="Add a family member", heading="Add a family member"
    )


@professional_required
@require_http_methods(["GET", "POST"])
def edit_family_member(request: AuthenticatedHttpRequest, public_id, member_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    member = get_object_or_404(child.family_members, public_id=member_id)
    name = member.name  # As saved, for the heading, whatever is typed.
    form = FamilyMemberForm(request.POST if request.method == "POST" else None, instance=member)
    if form.is_bound and form.is_valid():
        try:
            family_member_update(actor=request.user, member=member, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.name}'s details have been updated")
            return redirect(reverse("children:detail", args=[child.public_id]) + "#family")
    return _form_page(
        request,
        child=child,
        form=form,
        title="Change a family member's details",
        heading=f"Change {name}'s details",
    )


@professional_required
@require_http_methods(["GET", "POST"])
def remove_family_member(request: AuthenticatedHttpRequest, public_id, member_id) -> HttpResponse:
    child = _child_to_change(request.user, public_id)
    member = get_object_or_404(child.family_members, public_id=member_id)
    if request.method == "POST":
        family_member_remove(actor=request.user, member=member)
        messages.success(request, f"{member.name} has been removed from the family and household")
        return redirect(reverse("children:detail", args=[child.public_id]) + "#family")
    return render(request, "children/family_member_remove.html", {"child": child, "member": member})
