"""Browser pages: a child's appointments, booking, recording the outcome, and missed-appointment follow-ups.

Each view reads top to bottom: access -> form -> service -> redirect. Appointments are the "appointments
and attendance" category of the child's information, so reading them needs that consent (or an
override); booking and recording need permission to change the record. A follow-up can be opened by
the person it is assigned to, or anyone who may change the record.
"""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.appointments import services
from apps.appointments.forms import (
    AppointmentBookForm,
    FollowUpAttemptForm,
    FollowUpCompleteForm,
    OutcomeForm,
)
from apps.appointments.models import Appointment, MissedAppointmentFollowUp
from apps.appointments.selectors import (
    appointments_visible,
    child_attendance,
    follow_ups_assigned,
    follow_ups_visible,
)
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_record_reads
from apps.children.categories import RECORD_APPOINTMENTS, Category
from apps.children.models import Child
from apps.children.selectors import VIEW
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.core.pagination import CountedPaginator
from apps.sharing.selectors import access_child, child_owned
from apps.teams.models import TeamMembership


def _child(user: User, public_id, *, perm: str) -> Child:
    """The child if ``user`` holds ``perm``: 404 if it is not shared with them, 403 if shared without it."""
    try:
        return access_child(user, public_id, perm=perm)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _appointments_url(child: Child) -> str:
    return reverse("appointments:list", args=[child.public_id])


def _professionals(child: Child, actor: User) -> list[User]:
    """Who the young person can be booked to see: professionals in their team, and the person booking."""
    people = [
        membership.user
        for membership in TeamMembership.objects.current()
        .filter(child=child, kind=TeamMembership.Kind.PROFESSIONAL, user__is_active=True)
        .select_related("user")
    ]
    if actor.pk not in {person.pk for person in people}:
        people.insert(0, actor)
    return people


@professional_required
@require_GET
def appointments_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW)
    access = child.access
    now = timezone.now()
    appointments = list(appointments_visible(child=child, access=access))
    sees_all = access.sees(Category.APPOINTMENTS)
    context = {
        "child": child,
        # Booking is direct care (the team, the lead, a service that accepted a referral); recording another
        # professional's outcome is for the lead professional or whoever may change the record.
        "can_book": access.may_record_appointments,
        "can_change": access.can_change,
        # Without the category a professional sees the appointments they hold; the rest are withheld, and the
        # page says why and what would open it rather than linking to a 403 (R72).
        "withheld_reason": "" if sees_all else access.withheld_reason(Category.APPOINTMENTS),
        "upcoming": sorted((a for a in appointments if a.starts_at >= now), key=lambda a: a.starts_at),
        "past": [a for a in appointments if a.starts_at < now],
        "attendance": child_attendance(child=child) if sees_all else None,
        "follow_ups": list(follow_ups_visible(child=child, access=access)),
    }
    return render(request, "appointments/list.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def appointment_book(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=RECORD_APPOINTMENTS)
    form = AppointmentBookForm(
        _post_or_none(request),
        professionals=_professionals(child, request.user),
        initial={"professional": str(request.user.public_id), "duration_minutes": 50},
    )
    if form.is_bound and form.is_valid():
        # Team around the worker (R20): a supporting member is booked only after this warning is confirmed.
        warning = services.supporting_member_warning(
            child=child, professional=form.cleaned_data["professional"]
        )
        if warning:
            form.show_direct_contact_warning(warning)
        try:
            appointment = services.appointment_book(
                actor=request.user, child=child, **form.service_arguments()
            )
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="purpose")
        else:
            local = timezone.localtime(appointment.starts_at)
            messages.success(request, f"The appointment is booked for {local:%-d %B %Y at %H:%M}")
            return redirect(_appointments_url(child))
    return render(
        request,
        "appointments/form_page.html",
        {
            "child": child,
            "form": form,
            "title": "Book an appointment",
            "heading": "Book an appointment",
            "direct_contact_warning": getattr(form, "direct_contact_warning", ""),
        },
    )


@professional_required
@require_http_methods(["GET", "POST"])
def outcome_record(request: AuthenticatedHttpRequest, public_id, appointment_id) -> HttpResponse:
    # The professional the young person was to see, or someone who may change the record.
    child = _child(request.user, public_id, perm=VIEW)
    # Only an appointment this person may see: another's withheld appointment is a 404, id or no id.
    appointment = child_owned(appointments_visible(child=child, access=child.access), appointment_id)
    try:
        services.appointment_check_may_record(actor=request.user, appointment=appointment)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    form = OutcomeForm(
        _post_or_none(request),
        appointment=appointment,
        young_child=services.depends_on_adult_to_attend(appointment=cast(Appointment, appointment)),
    )
    if form.is_bound and form.is_valid():
        try:
            appointment = services.appointment_outcome_record(
                actor=request.user, appointment=appointment, **form.service_arguments()
            )
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="outcome")
        else:
            follow_up = (
                appointment.follow_ups.exclude(status="withdrawn").select_related("assigned_to").first()
            )
            recorded = f"Recorded as '{appointment.get_outcome_display().lower()}'"
            if appointment.is_missed and follow_up:
                recorded += f". {follow_up.assigned_to} has a follow-up to do by {follow_up.due_on:%-d %B %Y}"
            messages.success(request, recorded)
            return redirect(_appointments_url(child))
    local = timezone.localtime(appointment.starts_at)
    return render(
        request,
        "appointments/form_page.html",
        {
            "child": child,
            "form": form,
            "title": "Record what happened",
            "heading": "Record what happened at the appointment",
            "intro": f"{appointment.purpose} with {appointment.professional}, {local:%-d %B %Y at %H:%M}, "
            f"{appointment.get_location_display().lower()}.",
        },
    )


def _follow_up_for(
    request: AuthenticatedHttpRequest, public_id, follow_up_id
) -> tuple[Child, MissedAppointmentFollowUp]:
    """The follow-up, for the person it is assigned to or someone who may change the record; else 403."""
    child = _child(request.user, public_id, perm=VIEW)
    follow_up = child_owned(follow_ups_visible(child=child, access=child.access), follow_up_id)
    return child, follow_up


def _completion_refusal(user: User, follow_up: MissedAppointmentFollowUp) -> NotPermitted | None:
    """Why ``user`` may not complete the follow-up, in the service's words, or None if they may."""
    try:
        services.follow_up_check_may_complete(actor=user, follow_up=follow_up)
    except NotPermitted as refusal:
        return refusal
    return None


def _attempt_url(child: Child, follow_up: MissedAppointmentFollowUp) -> str:
    return reverse("appointments:follow-up-attempt", args=[child.public_id, follow_up.public_id])


def _follow_up_render(
    request: AuthenticatedHttpRequest,
    child: Child,
    follow_up: MissedAppointmentFollowUp,
    *,
    form: FollowUpCompleteForm | None,
    attempt_form: FollowUpAttemptForm | None,
) -> HttpResponse:
    context = {
        "child": child,
        "follow_up": follow_up,
        "appointment": follow_up.appointment,
        "form": form,
        "attempt_form": attempt_form,
        "attempts": list(follow_up.attempts.select_related("recorded_by")),
        "is_overdue": follow_up.is_overdue,
        # Who the escalation actually reached, from the alerts recorded (never "the safeguarding lead" when
        # it was a team manager, or nobody).
        "escalated_to": (
            services.follow_up_escalated_to(follow_up=follow_up) if follow_up.escalated_at else []
        ),
    }
    return render(request, "appointments/follow_up.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def follow_up_page(request: AuthenticatedHttpRequest, public_id, follow_up_id) -> HttpResponse:
    child, follow_up = _follow_up_for(request, public_id, follow_up_id)
    is_open = follow_up.status == MissedAppointmentFollowUp.Status.OPEN
    # Anyone who may see the follow-up reads it; the form is for those who may complete it (the service
    # decides, for every interface), so a link to it never ends in a 403.
    refusal = _completion_refusal(request.user, follow_up)
    may_complete = refusal is None
    if request.method == "POST" and refusal is not None:
        raise PermissionDenied(refusal.message)
    form = FollowUpCompleteForm(_post_or_none(request)) if is_open and may_complete else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            services.follow_up_complete(actor=request.user, follow_up=follow_up, **form.service_arguments())
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="reason")
        else:
            messages.success(request, "The follow-up is complete")
            return redirect(reverse("appointments:my-follow-ups"))
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=follow_up, child=child)
    attempt_form = (
        FollowUpAttemptForm(action=_attempt_url(child, follow_up)) if is_open and may_complete else None
    )
    return _follow_up_render(request, child, follow_up, form=form, attempt_form=attempt_form)


@professional_required
@require_http_methods(["POST"])
def follow_up_attempt(request: AuthenticatedHttpRequest, public_id, follow_up_id) -> HttpResponse:
    """Tried, could not reach them: the try is recorded and the follow-up stays open, due again."""
    child, follow_up = _follow_up_for(request, public_id, follow_up_id)
    refusal = _completion_refusal(request.user, follow_up)
    if refusal is not None:
        raise PermissionDenied(refusal.message)
    attempt_form = FollowUpAttemptForm(request.POST, action=_attempt_url(child, follow_up))
    if attempt_form.is_valid():
        try:
            attempt = services.follow_up_attempt_record(
                actor=request.user, follow_up=follow_up, **attempt_form.service_arguments()
            )
        except ApplicationError as error:
            add_service_errors(attempt_form, error, fallback_field="method")
        else:
            messages.success(
                request,
                f"Try {attempt.number} is recorded. The follow-up stays open and is due again on "
                f"{attempt.due_again_on:%-d %B %Y}",
            )
            return redirect(reverse("appointments:follow-up", args=[child.public_id, follow_up.public_id]))
    is_open = follow_up.status == MissedAppointmentFollowUp.Status.OPEN
    return _follow_up_render(
        request,
        child,
        follow_up,
        form=FollowUpCompleteForm() if is_open else None,
        attempt_form=attempt_form,
    )


@professional_required
@require_GET
def my_follow_ups(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The missed-appointment follow-ups the signed-in professional must do, soonest due first."""
    follow_ups = follow_ups_assigned(user=request.user)
    # Paged like every work list (issue 14: a team manager's reached 626): only the rows shown are audited.
    paginator = CountedPaginator(
        follow_ups, settings.BEACON_WORK_LIST_PAGE_SIZE, count=follow_ups.order_by().count
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_record_reads(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        children=[follow_up.child for follow_up in rows],
        detail={"list": "missed-appointment follow-ups"},
    )
    return render(
        request,
        "appointments/my_follow_ups.html",
        {
            "follow_ups": rows,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )
