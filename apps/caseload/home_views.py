"""Each role's home, a work queue first (issue 14): the start page sends a professional to theirs, a
person with several roles chooses, and the choice is remembered for the session.

Every list is paged with a fixed number of queries, every child named passes the access decision
(``children_access``), and the rows shown are audited as the other list pages audit theirs. A work item
the person must act on by their role (an override to review, an escalation) is listed even when the
child's record is not shared with them, without the child's details, as the oversight notifications are.
"""

import csv
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import Organisation
from apps.appointments.selectors import follow_ups_escalated_to
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_record_reads
from apps.caseload.homes import (
    HOMES_BY_SLUG,
    ROLE_HOMES,
    Home,
    home_roles,
    homes_for,
    looked_after_children_of,
    organisations_in_role,
    pupils_of,
    routed_safeguarding_work,
    team_figures,
)
from apps.children.categories import Category
from apps.consent.selectors import overrides_awaiting_review
from apps.consent.services.common import SAFEGUARDING_LEAD_ROLE
from apps.referrals.selectors import referrals_made_by, senior_review_queue
from apps.referrals.services import INSTABILITY_REASONS
from apps.sharing.access import children_access
from apps.sharing.selectors import child_list_audit
from apps.teams.selectors import TEAM_MANAGER_ROLE

HOME_PAGE_SIZE = 20
# An override this close to running out is marked on the safeguarding lead's queue.
ENDING_SOON = timedelta(hours=24)
# The home chosen last, so that "Beacon" in the header returns to it (this session only).
CHOSEN_HOME_KEY = "caseload:home"


def _paged(request: AuthenticatedHttpRequest, queryset: QuerySet, *, param: str = "page") -> Page:
    """One page of ``queryset`` (a COUNT and the page: two queries), with the addresses of its neighbours
    that keep the other parameters, so two lists on one page page independently."""
    page = Paginator(queryset, HOME_PAGE_SIZE).get_page(request.GET.get(param))

    def address(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    page.previous_url = address(page.previous_page_number()) if page.has_previous() else ""  # type: ignore[attr-defined]
    page.next_url = address(page.next_page_number()) if page.has_next() else ""  # type: ignore[attr-defined]
    return page


def remember_home(request: AuthenticatedHttpRequest, home: Home) -> None:
    if request.session.get(CHOSEN_HOME_KEY) != home.slug:
        request.session[CHOSEN_HOME_KEY] = home.slug


def _role_home(role: str | None) -> Callable:
    """A home's view: for professionals holding ``role`` (any professional when None), 403 for others;
    visiting it remembers it as the person's choice. The view gets the homes to offer as tabs."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
            roles = home_roles(user=request.user)
            if role is not None and role not in roles:
                raise PermissionDenied(
                    f"This page is for a {ROLE_HOMES[role].label.lower()} role you do not hold."
                )
            _role_homes, homes = homes_for(roles=roles)
            return view(request, *args, homes=homes, **kwargs)

        return professional_required(require_GET(wrapped))

    return decorate


def _render(request, template: str, *, home: Home, homes: list[Home], **context) -> HttpResponse:
    remember_home(request, home)
    return render(request, template, {"home": home, "homes": homes, **context})


@professional_required
@require_GET
def home_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a professional starts: their role's home; the one they chose last; or, with several role
    homes and no choice yet, a page to choose. Without a role home, "Your caseload"."""
    role_homes, homes = homes_for(roles=home_roles(user=request.user))
    chosen = HOMES_BY_SLUG.get(request.session.get(CHOSEN_HOME_KEY, ""))
    if chosen is not None and chosen in homes:
        return redirect(chosen.url_name)
    if len(role_homes) == 1:
        return redirect(role_homes[0].url_name)
    if not role_homes:
        return redirect("caseload:caseload")
    return render(request, "caseload/homes/choose.html", {"homes": homes, "role_homes": role_homes})


@_role_home(SAFEGUARDING_LEAD_ROLE)
def home_safeguarding(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """The safeguarding lead's queue: overrides waiting for their review, the one running out first first,
    and escalated missed-appointment follow-ups not yet done (R57, R76)."""
    routed_overrides, routed_follow_ups = routed_safeguarding_work(user=request.user)
    overrides = _paged(
        request,
        overrides_awaiting_review(user=request.user, routed_ids=routed_overrides).select_related(
            "child__created_by_organisation"
        ),
        param="overrides",
    )
    escalations = _paged(
        request,
        follow_ups_escalated_to(
            user=request.user, role=SAFEGUARDING_LEAD_ROLE, routed_ids=routed_follow_ups
        ).select_related("child__created_by_organisation"),
        param="escalations",
    )
    children = [item.child for item in overrides] + [item.child for item in escalations]
    accesses = children_access(user=request.user, children=children)
    shown = {child.pk: child for child in children if accesses[child.pk].can_see_child}
    child_list_audit(user=request.user, children=list(shown.values()))
    now = timezone.now()
    return _render(
        request,
        "caseload/homes/safeguarding.html",
        home=ROLE_HOMES[SAFEGUARDING_LEAD_ROLE],
        homes=homes,
        overrides=overrides,
        override_rows=[
            {
                "override": item,
                "shown": item.child_id in shown,
                "ending_soon": item.expires_at - now < ENDING_SOON,
            }
            for item in overrides
        ],
        escalations=escalations,
        escalation_rows=[{"follow_up": item, "shown": item.child_id in shown} for item in escalations],
    )


@_role_home("clinical-lead")
def home_declines(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """The clinical lead's queue: instability declines waiting for their agreement (R40), each with the
    decline itself (reason, explanation, alternatives arranged), which their review is about."""
    page = _paged(request, senior_review_queue(user=request.user))
    audit_record_reads(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        children=[referral.child for referral in page],
        basis="senior review",
    )
    return _render(
        request,
        "caseload/homes/declines.html",
        home=ROLE_HOMES["clinical-lead"],
        homes=homes,
        page=page,
        instability_reasons=INSTABILITY_REASONS,
    )


def _children_home(
    request, *, role: str, homes: list[Home], children: QuerySet, template: str
) -> HttpResponse:
    page = _paged(request, children)
    listed = list(page)
    accesses = children_access(user=request.user, children=listed)
    child_list_audit(user=request.user, children=listed)
    rows = [
        {
            "child": child,
            "sees_team": accesses[child.pk].sees(Category.TEAM),
            "sees_plans": accesses[child.pk].sees(Category.PLANS),
        }
        for child in listed
    ]
    return _render(request, template, home=ROLE_HOMES[role], homes=homes, page=page, rows=rows)


@_role_home("iro")
def home_looked_after(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """The IRO's looked-after children, with what is next for each as Beacon records it today."""
    return _children_home(
        request,
        role="iro",
        homes=homes,
        children=looked_after_children_of(user=request.user),
        template="caseload/homes/looked_after.html",
    )


@_role_home("designated-teacher")
def home_pupils(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """The designated teacher's pupils: children whose team includes the teacher or their school."""
    return _children_home(
        request,
        role="designated-teacher",
        homes=homes,
        children=pupils_of(user=request.user),
        template="caseload/homes/pupils.html",
    )


@_role_home(TEAM_MANAGER_ROLE)
def home_team(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """The team manager's figures, each as a chart with its data table, and a CSV of them. Counts only."""
    figures = team_figures(user=request.user)
    return _render(
        request, "caseload/homes/team.html", home=ROLE_HOMES[TEAM_MANAGER_ROLE], homes=homes, figures=figures
    )


@_role_home(TEAM_MANAGER_ROLE)
def home_team_csv(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """The team manager's figures as CSV, for their own reporting. The export is audited against each
    organisation it covers: counts only, no child is named."""
    figures = team_figures(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="team-figures-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "Worker",
            "Children they lead for",
            "Overdue follow-ups",
            "Overdue actions",
            "Children with a continuity alert",
        ]
    )
    for row in figures.workers:
        writer.writerow(
            [row.name, row.caseload, row.overdue_follow_ups, row.overdue_actions, row.continuity_alerts]
        )
    writer.writerow([])
    writer.writerow(["Service", "Children waiting", "Longest wait (days)", *figures.waiting_bands])
    for service in figures.waiting:
        writer.writerow([service["service"], service["total"], service["longest_days"], *service["bands"]])
    for organisation in Organisation.objects.filter(
        pk__in=organisations_in_role(user=request.user, role=TEAM_MANAGER_ROLE)
    ):
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            target=organisation,
            basis="team figures export",
            detail={"export": "csv", "workers": len(figures.workers), "services": len(figures.waiting)},
        )
    return response


@_role_home(None)
def home_referrals(request: AuthenticatedHttpRequest, *, homes: list[Home]) -> HttpResponse:
    """ "My referrals": the referrals the signed-in professional made, with where each has got to."""
    page = _paged(request, referrals_made_by(user=request.user))
    audit_record_reads(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        children=[referral.child for referral in page],
        basis="my referrals",
    )
    return _render(
        request, "caseload/homes/referrals.html", home=HOMES_BY_SLUG["referrals"], homes=homes, page=page
    )
