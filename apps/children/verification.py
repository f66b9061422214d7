"""Identity you can trust: recording whether a child's NHS number was verified against the national register.

The Children's Wellbeing and Schools Act 2026 makes the NHS number the child's single identifier across
agencies. A number typed into Beacon is only as good as whoever typed it, so each record says how far its
number can be trusted: verified against the national register (the Personal Demographics Service, through
the Spine portal or a GP record) on a named day by a named person, not yet verified, or not available with
the reason why. Beacon has no connection to the register: the person who checked records that they did.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child, NhsNumberStatus
from apps.core.locking import lock_for_change

VERIFIED_ON_NEEDED = "Enter the date the NHS number was checked against the national register"
NO_NUMBER_TO_VERIFY = "Add the NHS number to the record before you record that it was verified"
UNAVAILABLE_REASON_NEEDED = "Say why the child has no NHS number that can be recorded"
REMOVE_NUMBER_FIRST = (
    "The record has an NHS number. Remove it (change the child's details) before you record that none is "
    "available"
)

_STATUS_FIELDS = (
    "nhs_number",
    "nhs_number_status",
    "nhs_number_verified_on",
    "nhs_number_verified_by_id",
    "nhs_number_unavailable_reason",
)


def child_nhs_number_status_record(
    *,
    actor: User,
    child: Child,
    status: str,
    verified_on: date | None = None,
    unavailable_reason: str = "",
) -> Child:
    """Record how far the child's NHS number can be trusted.

    - verified: the number on the record was checked against the national register on ``verified_on``
      (today or earlier, not before the child was born) by ``actor``;
    - unverified: nobody has checked it yet (or a check is withdrawn);
    - unavailable: there is no number to record (not yet registered with a GP, arrived from abroad ...),
      with the reason; the record must hold no number.

    The database refuses any other combination (the check constraints on ``Child``). Callers have fetched
    the child with permission to change it.
    """
    if status not in NhsNumberStatus.values:
        raise ValidationError(
            {"status": "Choose whether the NHS number is verified, not verified or unavailable"}
        )
    unavailable_reason = unavailable_reason.strip()
    with transaction.atomic():
        # The number itself may change in another request: decide on the number the record holds now.
        lock_for_change(child, *_STATUS_FIELDS)
        if status == NhsNumberStatus.VERIFIED:
            if not child.nhs_number:
                raise ValidationError({"status": NO_NUMBER_TO_VERIFY})
            if verified_on is None:
                raise ValidationError({"verified_on": VERIFIED_ON_NEEDED})
            if verified_on > timezone.localdate():
                raise ValidationError(
                    {"verified_on": "The date it was verified must be today or in the past"}
                )
            if verified_on < child.date_of_birth:
                raise ValidationError(
                    {"verified_on": "The date it was verified must be on or after the child's date of birth"}
                )
            values = {
                "nhs_number_status": status,
                "nhs_number_verified_on": verified_on,
                "nhs_number_verified_by_id": actor.pk,
                "nhs_number_unavailable_reason": "",
            }
        elif status == NhsNumberStatus.UNAVAILABLE:
            if child.nhs_number:
                raise ValidationError({"status": REMOVE_NUMBER_FIRST})
            if not unavailable_reason:
                raise ValidationError({"unavailable_reason": UNAVAILABLE_REASON_NEEDED})
            values = {
                "nhs_number_status": status,
                "nhs_number_verified_on": None,
                "nhs_number_verified_by_id": None,
                "nhs_number_unavailable_reason": unavailable_reason,
            }
        else:
            values = {
                "nhs_number_status": status,
                "nhs_number_verified_on": None,
                "nhs_number_verified_by_id": None,
                "nhs_number_unavailable_reason": "",
            }
        for name, value in values.items():
            setattr(child, name, value)
        child.save(update_fields=[*(name.removesuffix("_id") for name in values), "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=child,
            child=child,
            detail={"fields": ["nhs_number_status"], "nhs_number_status": status},
        )
    return child
