"""Referrals, appointments and their follow-ups, as chronology entries (the referrals and appointments
categories)."""

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.text import Truncator

from apps.appointments.models import (
    CANCELLED_OUTCOMES,
    MISSED_OUTCOMES,
    Appointment,
    MissedAppointmentFollowUp,
)
from apps.children.categories import Category
from apps.chronology.entries import Kind
from apps.chronology.sources.common import (
    Description,
    Member,
    Reader,
    Source,
    agency_of,
    as_organisation,
    day_of,
    first_name,
    held_by_professional,
    lower_first,
)
from apps.referrals.models import Referral

# How much of a referral's presenting needs the chronology line quotes (the referral holds the rest).
NEEDS_QUOTED = 160

# --- Referrals ----------------------------------------------------------------------------------------


class ReferralSource(Source):
    model = Referral
    kinds = (Kind.REFERRAL_MADE, Kind.REFERRAL_DECIDED)
    category = Category.REFERRALS

    def members(self, reader: Reader) -> list[Member]:
        referrals = Referral.objects.filter(child=reader.child)
        user = reader.user
        held = held_by_professional(
            reader, Q(made_by=user) | Q(triaged_by=user) | Q(decided_by=user) | Q(senior_reviewer=user)
        )
        return [
            Member(
                Kind.REFERRAL_MADE,
                referrals,
                at="received_at",
                agency=Coalesce(
                    agency_of("made_by", on=day_of("received_at")),
                    as_organisation(F("receiving_organisation")),
                ),
                involved=held,
            ),
            Member(
                Kind.REFERRAL_DECIDED,
                referrals.filter(decided_at__isnull=False),
                at="decided_at",
                agency=as_organisation(F("receiving_organisation")),
                involved=held,
            ),
        ]

    def details(self, pks):
        return (
            Referral.objects.select_related("receiving_organisation", "made_by")
            .prefetch_related("alternatives")
            .in_bulk(pks)
        )

    def describe(self, record: Referral, kind: str, reader: Reader) -> Description:
        service = record.receiving_organisation.name
        link = ""
        if reader.access.sees(Category.REFERRALS):
            link = self._child_url(reader, "referrals:referral-detail", record.public_id)
        if kind == Kind.REFERRAL_MADE:
            needs = Truncator(" ".join(record.presenting_needs.split())).chars(NEEDS_QUOTED)
            return Description(
                f"Referred to {service} by {record.made_by} ({lower_first(record.get_route_display())})."
                + (f" Needs: {needs}" if needs else ""),
                f"You were referred to {service}, so they could think about how to help you.",
                link,
                record.public_id,
            )
        status = record.status
        reason = lower_first(record.get_decline_reason_display()) if record.decline_reason else ""
        if status == Referral.Status.ACCEPTED or (status == Referral.Status.CLOSED and not reason):
            urgency = f" ({lower_first(record.get_urgency_display())})" if record.urgency else ""
            summary = f"{service} accepted the referral{urgency}."
            plain = f"{service} said they can help you."
        elif status == Referral.Status.DECLINE_PENDING_REVIEW:
            summary = (
                f"{service} did not accept the referral ({reason}): waiting for a senior reviewer to agree."
            )
            plain = f"{service} is checking their decision about your referral with a senior worker."
        elif record.senior_review_outcome == Referral.SeniorReviewOutcome.OVERTURNED:
            summary = (
                f"{service} did not accept the referral ({reason}); the senior reviewer did not agree, so it "
                "went back to triage."
            )
            plain = f"{service} is looking at your referral again."
        else:
            arranged = "; ".join(
                alternative.service_name or alternative.get_kind_display()
                for alternative in record.alternatives.all()
            )
            summary = f"{service} did not accept the referral ({reason})." + (
                f" Arranged instead: {arranged}." if arranged else ""
            )
            plain = f"{service} thought another kind of help would suit you better, and arranged it."
        return Description(summary, plain, link, record.public_id)


# --- Appointments and their follow-ups -----------------------------------------------------------------


class AppointmentSource(Source):
    model = Appointment
    kinds = (Kind.APPOINTMENT_ATTENDED, Kind.APPOINTMENT_MISSED, Kind.APPOINTMENT_CANCELLED)
    category = Category.APPOINTMENTS

    def members(self, reader: Reader) -> list[Member]:
        appointments = Appointment.objects.filter(child=reader.child)
        held = held_by_professional(reader, Q(professional=reader.user) | Q(booked_by=reader.user))
        agency = Coalesce(
            agency_of("professional", on=day_of("starts_at")),
            as_organisation(F("referral__receiving_organisation")),
        )
        return [
            Member(
                Kind.APPOINTMENT_ATTENDED,
                appointments.filter(outcome=Appointment.Outcome.ATTENDED),
                at="starts_at",
                agency=agency,
                involved=held,
            ),
            Member(
                Kind.APPOINTMENT_MISSED,
                appointments.filter(outcome__in=MISSED_OUTCOMES),
                at="starts_at",
                agency=agency,
                involved=held,
            ),
            # Called off: on the day it was called off, if before the appointment's time.
            Member(
                Kind.APPOINTMENT_CANCELLED,
                appointments.filter(outcome__in=CANCELLED_OUTCOMES),
                at=Least("starts_at", "outcome_recorded_at"),
                agency=agency,
                involved=held,
            ),
        ]

    def details(self, pks):
        return Appointment.objects.select_related("professional").in_bulk(pks)

    def describe(self, record: Appointment, kind: str, reader: Reader) -> Description:
        who = record.professional
        where = lower_first(record.get_location_display())
        link = self._child_url(reader, "appointments:list")
        if kind == Kind.APPOINTMENT_ATTENDED:
            return Description(
                f"{record.purpose} with {who} ({where}): attended.",
                f"You went to your appointment with {first_name(who)}.",
                link,
                record.public_id,
            )
        if kind == Kind.APPOINTMENT_MISSED:
            return Description(
                f"{record.purpose} with {who} ({where}): {lower_first(record.get_outcome_display())}.",
                f"Your appointment with {first_name(who)} did not happen: you did not get there.",
                link,
                record.public_id,
            )
        on = timezone.localtime(record.starts_at)
        return Description(
            f"{record.purpose} with {who} on {on:%-d %B %Y}: {lower_first(record.get_outcome_display())}.",
            f"Your appointment with {first_name(who)} on {on:%-d %B} was called off.",
            link,
            record.public_id,
        )


class FollowUpSource(Source):
    model = MissedAppointmentFollowUp
    kinds = (Kind.FOLLOW_UP,)
    category = Category.APPOINTMENTS

    def members(self, reader: Reader) -> list[Member]:
        user = reader.user
        return [
            # Started when the missed appointment was recorded; dated when it was done, once it is.
            Member(
                Kind.FOLLOW_UP,
                MissedAppointmentFollowUp.objects.filter(child=reader.child).exclude(
                    status=MissedAppointmentFollowUp.Status.WITHDRAWN
                ),
                at=Coalesce("completed_at", "created_at"),
                agency=Coalesce(
                    agency_of("completed_by", on=day_of("created_at")),
                    agency_of("assigned_to", on=day_of("created_at")),
                ),
                involved=held_by_professional(
                    reader,
                    Q(assigned_to=user) | Q(appointment__professional=user) | Q(appointment__booked_by=user),
                ),
            )
        ]

    def details(self, pks):
        return MissedAppointmentFollowUp.objects.select_related(
            "appointment", "assigned_to", "completed_by"
        ).in_bulk(pks)

    def describe(self, record: MissedAppointmentFollowUp, kind: str, reader: Reader) -> Description:
        missed_on = timezone.localtime(record.appointment.starts_at)
        link = self._child_url(reader, "appointments:follow-up", record.public_id)
        about = f"Follow-up of the missed appointment on {missed_on:%-d %B %Y}"
        if record.status == MissedAppointmentFollowUp.Status.COMPLETED:
            safe = (
                f"seen to be safe ({lower_first(record.get_safety_check_display())})"
                if record.child_safe
                else "not confirmed safe: escalated to the safeguarding lead"
            )
            return Description(
                f"{about}, done by {record.completed_by}: "
                f"{lower_first(record.get_reason_display())}; {safe}; "
                f"offered {lower_first(record.get_alternative_display())}.",
                f"{first_name(record.completed_by)} got in touch to check you were OK after a missed "
                "appointment.",
                link,
                record.public_id,
            )
        escalated = " Escalated to the safeguarding lead." if record.escalated_at else ""
        return Description(
            f"{about}: for {record.assigned_to} to do by {record.due_on:%-d %B %Y}.{escalated}",
            f"{first_name(record.assigned_to)} will get in touch to check you are OK after a missed "
            "appointment.",
            link,
            record.public_id,
        )
