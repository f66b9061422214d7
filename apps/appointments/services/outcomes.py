"""Recording what happened at an appointment; a missed one starts a follow-up (R57-R59)."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.appointments.checks import missed_appointment_settings_require
from apps.appointments.models import CANCELLED_OUTCOMES, MISSED_OUTCOMES, Appointment
from apps.appointments.services.common import FollowUp, _today
from apps.appointments.services.follow_ups import _follow_up_create
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.sharing.access import child_access


def appointment_check_may_record(*, actor: User, appointment: Appointment) -> None:
    """The professional the young person was to see, or someone who may change the record (R57: the
    clinician marks the DNA); anyone else gets ``NotPermitted``."""
    if (
        actor.pk != appointment.professional_id
        and not child_access(user=actor, child=appointment.child).can_change
    ):
        raise NotPermitted(
            "Only the professional the young person was to see, or the lead professional, can record this."
        )


def age_in_years(*, date_of_birth: date, on: date) -> int:
    """Whole years of age on ``on`` (a child born on 29 February turns a year older on 1 March)."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def depends_on_adult_to_attend(*, appointment: Appointment) -> bool:
    """Whether the child was under ``BEACON_WAS_NOT_BROUGHT_UNDER_AGE`` on the appointment's day (in London):
    a child that young is brought by an adult, so a missed appointment is first of all "was not brought"."""
    on = timezone.localdate(appointment.starts_at)
    age = age_in_years(date_of_birth=appointment.child.date_of_birth, on=on)
    return age < settings.BEACON_WAS_NOT_BROUGHT_UNDER_AGE


def appointment_outcome_record(
    *,
    actor: User,
    appointment: Appointment,
    outcome: str,
    note: str = "",
    correction_reason: str = "",
    companion_wish_met: bool | None = None,
    companion_wish_not_met_reason: str = "",
    practical_support_taken_up: bool | None = None,
    did_not_attend_reason: str = "",
) -> Appointment:
    """Record what happened: attended, did not attend, was not brought, or cancelled (R57-R59).

    "Did not attend" is a young person deciding for themselves; "was not brought" a child who depends
    on an adult to bring them. Either creates a follow-up in the same transaction (see the module).
    Only a cancellation can be recorded before the appointment's time. An outcome is recorded once; a
    second recording is a correction and needs its reason. A correction away from a missed appointment
    withdraws a follow-up not yet done; a correction to one creates it.

    For a child younger than ``BEACON_WAS_NOT_BROUGHT_UNDER_AGE`` "did not attend" needs
    ``did_not_attend_reason``: why it was the child's own choice and not an adult who did not bring them. A
    young child marked as choosing not to come is how a neglected child's missed appointments end up read as
    disengagement, and a case closed (hazard H48).
    """
    now = timezone.now()
    appointment_check_may_record(actor=actor, appointment=appointment)
    if outcome not in Appointment.Outcome.values:
        raise ApplicationError("Choose what happened at the appointment.", field="outcome")
    if appointment.starts_at > now and outcome not in CANCELLED_OUTCOMES:
        local = timezone.localtime(appointment.starts_at)
        raise ApplicationError(
            f"This appointment is on {local:%-d %B %Y at %H:%M}, which has not come yet. Record whether "
            "the young person came once it has started; only a cancellation can be recorded before.",
            field="outcome",
        )
    if companion_wish_met is False and not companion_wish_not_met_reason.strip():
        raise ApplicationError(
            "Say why the young person could not have who they wanted with them.",
            field="companion_wish_not_met_reason",
        )
    young = outcome == Appointment.Outcome.DID_NOT_ATTEND and depends_on_adult_to_attend(
        appointment=appointment
    )
    if young and not did_not_attend_reason.strip():
        raise ApplicationError(
            f"{appointment.child.known_as} was under {settings.BEACON_WAS_NOT_BROUGHT_UNDER_AGE} and depends "
            "on an adult to bring them: choose 'was not brought', or say why missing this appointment was "
            "their own choice.",
            field="did_not_attend_reason",
        )
    if outcome in MISSED_OUTCOMES:
        # A follow-up due zero working days later, or no escalation rule, is refused before any write.
        missed_appointment_settings_require()
    with transaction.atomic():
        # The appointment's row only, FOR NO KEY UPDATE: locking the child's row with it (a plain FOR UPDATE
        # over the join) deadlocked with an audited read of the same child, which holds the audit lock and
        # needs a key-share lock on the child. One order everywhere: see apps/core/locking.py.
        locked = (
            Appointment.objects.select_for_update(of=("self",), no_key=True)
            .select_related("child")
            .get(pk=appointment.pk)
        )
        previous = locked.outcome
        if previous:
            if previous == outcome:
                raise ApplicationError(
                    f"The outcome is already recorded as '{locked.get_outcome_display().lower()}'.",
                    field="outcome",
                )
            if not correction_reason.strip():
                raise ApplicationError(
                    f"The outcome was already recorded as '{locked.get_outcome_display().lower()}'. To "
                    "correct it, say why the first record was wrong.",
                    field="correction_reason",
                )
        locked.previous_outcome = previous
        locked.outcome = outcome
        locked.outcome_note = note.strip()
        locked.outcome_recorded_at = now
        locked.outcome_recorded_by = actor
        locked.outcome_correction_reason = correction_reason.strip() if previous else ""
        locked.did_not_attend_reason = did_not_attend_reason.strip() if young else ""
        if companion_wish_met is not None:
            locked.companion_wish_met = companion_wish_met
            locked.companion_wish_not_met_reason = companion_wish_not_met_reason.strip()
        if practical_support_taken_up is not None:
            locked.practical_support_taken_up = practical_support_taken_up
        locked.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=locked,
            child=locked.child,
            detail={
                "fields": ["outcome", "did_not_attend_reason"] if young else ["outcome"],
                "correction": bool(previous),
                **({"young_child_did_not_attend": True} if young else {}),
            },
        )
        live = FollowUp.objects.filter(appointment=locked).exclude(status=FollowUp.Status.WITHDRAWN)
        if outcome in MISSED_OUTCOMES and not live.exists():
            _follow_up_create(appointment=locked, actor=actor, today=_today())
        elif outcome not in MISSED_OUTCOMES:
            for follow_up in live.filter(status=FollowUp.Status.OPEN):
                follow_up.status = FollowUp.Status.WITHDRAWN
                follow_up.withdrawn_reason = correction_reason.strip()
                follow_up.save(update_fields=["status", "withdrawn_reason"])
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    target=follow_up,
                    child=locked.child,
                    detail={"fields": ["status"]},
                )
    return locked
