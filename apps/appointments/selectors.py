"""Reads of appointments and missed-appointment follow-ups. Callers have checked access to the child
(``access_child`` with the appointments category) before calling the child-scoped ones."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.appointments.models import MISSED_OUTCOMES, Appointment, MissedAppointmentFollowUp
from apps.appointments.services import missed_in_a_row
from apps.children.categories import PERMISSION, Category
from apps.children.models import Child
from apps.sharing.access import visible_items
from apps.teams.models import LeadProfessionalAppointment

# Appointments are the "appointments and attendance" category of a child's information: seen by the lead
# professional (coordination), a service that accepted a referral, consent or an override (R71-R80).
VIEW_APPOINTMENTS = PERMISSION[Category.APPOINTMENTS]


def appointment_list(*, child: Child) -> QuerySet[Appointment]:
    """The child's appointments, the next one first, then the past ones, newest first."""
    return child.appointments.select_related("professional", "outcome_recorded_by", "referral").order_by(
        "-starts_at", "-pk"
    )


def appointments_held_by(user: User) -> Q:
    """The appointments a professional holds: the ones they see the young person at, or booked."""
    return Q(professional=user) | Q(booked_by=user)


def appointments_visible(*, child: Child, access) -> QuerySet[Appointment]:
    """The child's appointments this person may see (``child.access``): all of them with the appointments
    category, else the ones they hold (what a professional does, they see)."""
    return visible_items(
        access,
        appointment_list(child=child),
        category=Category.APPOINTMENTS,
        involved=appointments_held_by(access.user),
    )


def follow_ups_visible(*, child: Child, access) -> QuerySet[MissedAppointmentFollowUp]:
    """The child's follow-ups this person may see: all with the appointments category, else those assigned to
    them or about an appointment they hold."""
    return visible_items(
        access,
        follow_up_list(child=child),
        category=Category.APPOINTMENTS,
        involved=Q(assigned_to=access.user)
        | Q(appointment__professional=access.user)
        | Q(appointment__booked_by=access.user),
    )


def follow_up_list(*, child: Child) -> QuerySet[MissedAppointmentFollowUp]:
    """The child's missed-appointment follow-ups, open ones first."""
    return (
        MissedAppointmentFollowUp.objects.filter(child=child)
        .select_related("appointment", "assigned_to", "completed_by", "child")
        .prefetch_related("attempts__recorded_by")
        .order_by("-status", "due_on", "pk")
    )


def follow_ups_assigned(*, user: User, include_done: bool = False) -> QuerySet[MissedAppointmentFollowUp]:
    """The follow-ups ``user`` must do, soonest due first: their own list, whatever their caseload.

    A team manager given one for a child without a lead professional may not be able to open the
    child's record: ``can_open`` says so, and the page tells them to arrange a lead professional.
    """
    follow_ups = (
        MissedAppointmentFollowUp.objects.filter(assigned_to=user)
        .select_related("appointment", "child")
        .prefetch_related("attempts__recorded_by")
        .annotate(can_open=Exists(Child.objects.restrict(user, "view_child").filter(pk=OuterRef("child"))))
    )
    if not include_done:
        follow_ups = follow_ups.open()
    return follow_ups.order_by("due_on", "pk")


@dataclass(frozen=True)
class Attendance:
    """The engagement picture for the appointments page (R59): missed in a row, and in total."""

    missed_in_a_row: int
    missed_total: int
    attended_total: int


def child_attendance(*, child: Child) -> Attendance:
    last_with_outcome = (
        child.appointments.exclude(outcome="")
        .filter(starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    outcomes = list(child.appointments.exclude(outcome="").values_list("outcome", flat=True))
    return Attendance(
        missed_in_a_row=missed_in_a_row(appointment=last_with_outcome) if last_with_outcome else 0,
        missed_total=sum(outcome in MISSED_OUTCOMES for outcome in outcomes),
        attended_total=outcomes.count(Appointment.Outcome.ATTENDED),
    )


def caseload_attendance_annotations(*, user: User, today: date, now: datetime) -> dict:
    """Annotations for the caseload, each a correlated subquery so the caseload stays one query (R59).

    - ``can_see_appointments``: whether ``user`` holds consent for the child's appointments category;
      the missed-appointment figures are shown only then (the page says "withheld" otherwise);
    - ``missed_in_a_row``: missed appointments since the last one attended (cancellations passed over,
      as ``missed_in_a_row`` in the services), and ``last_missed_at``;
    - ``open_follow_up_count`` and ``overdue_follow_up_count``: follow-ups ``user`` must do for the
      child. These are their own tasks, so they are shown whatever the consent.
    """
    last_attended = (
        Appointment.objects.filter(child=OuterRef(OuterRef("pk")), outcome=Appointment.Outcome.ATTENDED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    missed = Appointment.objects.filter(child=OuterRef("pk"), outcome__in=MISSED_OUTCOMES, starts_at__lte=now)
    run = (
        missed.annotate(last_attended=Subquery(last_attended))
        .filter(Q(last_attended__isnull=True) | Q(starts_at__gt=F("last_attended")))
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last_missed = missed.order_by().values("child").annotate(last=Max("starts_at")).values("last")
    mine = MissedAppointmentFollowUp.objects.open().filter(child=OuterRef("pk"), assigned_to=user)
    open_count = mine.order_by().values("child").annotate(count=Count("pk")).values("count")
    overdue_count = (
        MissedAppointmentFollowUp.objects.overdue(today=today)
        .filter(child=OuterRef("pk"), assigned_to=user)
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {
        "can_see_appointments": Exists(
            Child.objects.restrict(user, VIEW_APPOINTMENTS).filter(pk=OuterRef("pk"))
        ),
        "missed_in_a_row": Subquery(run[:1]),
        "last_missed_at": Subquery(last_missed[:1]),
        "open_follow_up_count": Subquery(open_count[:1]),
        "overdue_follow_up_count": Subquery(overdue_count[:1]),
    }


def _follow_up_concerns(organisation_ids) -> Q:
    """A follow-up concerns an organisation where ``_organisations_responsible`` (the escalation rule in
    ``apps.appointments.services.follow_ups``) would look: the child's current lead professional's
    organisation, the organisation of whoever recorded the missed appointment, or the record holder."""
    lead_there = LeadProfessionalAppointment.objects.filter(
        child_id=OuterRef("child_id"), ended_on__isnull=True, membership__organisation_id__in=organisation_ids
    )
    recorder_there = OrganisationMembership.objects.current().filter(
        user_id=OuterRef("appointment__outcome_recorded_by_id"), organisation_id__in=organisation_ids
    )
    return (
        Q(child__created_by_organisation_id__in=organisation_ids)
        | Exists(lead_there)
        | Exists(recorder_there)
    )


def follow_ups_escalated_to(
    *, user: User, role: str, routed_ids: Iterable[int] = ()
) -> QuerySet[MissedAppointmentFollowUp]:
    """Escalated missed-appointment follow-ups not yet done, for the organisations where ``user`` holds
    ``role`` (the safeguarding lead's queue, R57-R59), the longest overdue first.

    Listed whether or not ``user`` may open the child's record: following up an escalation is their duty,
    as the escalation notification is (it carries no child for someone the record is not shared with).
    ``routed_ids`` are the follow-ups whose escalation the routing rule gave ``user`` outside that role.
    """
    organisations = (
        OrganisationMembership.objects.current().filter(user=user, role__code=role).values("organisation_id")
    )
    return (
        MissedAppointmentFollowUp.objects.open()
        .filter(escalated_at__isnull=False)
        .filter(_follow_up_concerns(organisations) | Q(pk__in=list(routed_ids)))
        .select_related("child", "assigned_to", "appointment")
        .order_by("due_on", "pk")
    )


def overdue_follow_ups_by_worker(*, organisation_ids, today: date) -> QuerySet:
    """How many overdue follow-ups each worker holds, for the given organisations' staff (R57): counted in
    the database, one row per worker, most first. Counts only: no child is named."""
    staff = (
        OrganisationMembership.objects.current()
        .filter(organisation_id__in=organisation_ids)
        .values("user_id")
    )
    return (
        MissedAppointmentFollowUp.objects.overdue(today=today)
        .filter(assigned_to_id__in=staff)
        .values("assigned_to_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "assigned_to_id")
    )
