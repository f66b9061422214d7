"""Closing or discharging: missed appointments are never the reason (R58)."""

from apps.core.exceptions import ApplicationError

# The closure and discharge reasons that mean "because they missed appointments" in any wording.
DISCHARGE_REASONS_REFUSED = frozenset(
    {"did_not_attend", "was_not_brought", "dna", "non_attendance", "missed_appointments", "not_brought"}
)


def discharge_reason_validate(*, reason: str, field: str = "reason") -> None:
    """Refuse "did not attend" (or "was not brought") as the reason to close or discharge (R58).

    Seed 000: "Not attending appointments should not lead to the families or young people being
    rejected from services". A missed appointment starts a follow-up; it never ends an episode of care.
    Any service that closes a referral or discharges a child calls this first.
    """
    if reason.strip().lower().replace("-", "_").replace(" ", "_") in DISCHARGE_REASONS_REFUSED:
        raise ApplicationError(
            "Missing appointments is never a reason to close or discharge. Follow up why they were "
            "missed, check the young person is safe and offer another way to meet, then choose the "
            "reason the episode is really ending.",
            field=field,
        )
