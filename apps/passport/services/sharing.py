"""Who the passport reaches: sharing sections, revoking a share or a recipient, sharing with a new team."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError
from apps.passport.models import Passport, PassportShare, Section
from apps.passport.selectors import is_on_team, passport_shares
from apps.passport.services.common import ONLY_PROFESSIONALS, _require_owner, _today

# --- Sharing ------------------------------------------------------------------------------------------


def _check_recipient(
    *, passport: Passport, recipient_user: User | None, recipient_organisation: Organisation | None
) -> None:
    if (recipient_user is None) == (recipient_organisation is None):
        raise ApplicationError(
            "Choose one person in your team, or one organisation, to share with", field="recipient"
        )
    if recipient_user is not None:
        if not (recipient_user.is_active and recipient_user.is_professional):
            raise ApplicationError(ONLY_PROFESSIONALS, field="recipient_user", code="not_a_professional")
        if not is_on_team(user=recipient_user, child_id=passport.child_id):
            raise ApplicationError(
                f"{recipient_user} is not in your team. Share with their organisation instead, or ask "
                "for them to join your team first",
                field="recipient_user",
                code="not_on_team",
            )
    elif not recipient_organisation.is_active:
        raise ApplicationError(
            f"{recipient_organisation} is no longer an active organisation in Beacon",
            field="recipient_organisation",
        )


def passport_share(
    *,
    actor: User,
    passport: Passport,
    sections: Iterable[str],
    recipient_user: User | None = None,
    recipient_organisation: Organisation | None = None,
    ends_on: date | None = None,
    reason: str = "",
) -> list[PassportShare]:
    """The owner lets a professional in their team, or everyone at an organisation, read these sections
    from now, optionally until the end of ``ends_on`` (R84).

    Sharing a section already shared with the same recipient replaces that share (the old one is closed,
    so the history shows both), for example to change its end date.
    """
    _require_owner(actor=actor, passport=passport)
    sections = list(dict.fromkeys(sections))
    if not sections:
        raise ApplicationError("Choose at least one section to share", field="sections")
    unknown = [section for section in sections if section not in Section.values]
    if unknown:
        raise ApplicationError(f"Unknown section: {', '.join(unknown)}", field="sections")
    _check_recipient(
        passport=passport, recipient_user=recipient_user, recipient_organisation=recipient_organisation
    )
    if ends_on is not None and ends_on < _today():
        raise ApplicationError(
            "The end date is in the past. Choose today or a later date, or leave it empty", field="ends_on"
        )
    recipient = {"recipient_user": recipient_user, "recipient_organisation": recipient_organisation}
    now = timezone.now()
    with transaction.atomic():
        PassportShare.objects.filter(
            passport=passport, section__in=sections, revoked_at__isnull=True, **recipient
        ).update(revoked_at=now, revoked_by=actor)
        shares = [
            PassportShare.objects.create(
                passport=passport,
                section=section,
                starts_at=now,
                ends_on=ends_on,
                reason=(reason or "").strip()[:200],
                created_by=actor,
                **recipient,
            )
            for section in sections
        ]
        audit_record(
            actor=actor,
            action=AuditEvent.Action.GRANT,
            target=passport,
            child=passport.child,
            detail={
                "sections": sorted(sections),
                "recipient": "person" if recipient_user else "organisation",
                "ends_on": bool(ends_on),
            },
        )
    return shares


def passport_share_revoke(*, actor: User, share: PassportShare) -> PassportShare:
    """The owner stops sharing one section with one recipient: from the very next request (R84)."""
    _require_owner(actor=actor, passport=share.passport)
    if share.revoked_at is not None:
        raise ApplicationError("You already stopped sharing this", code="already_revoked")
    with transaction.atomic():
        changed = PassportShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if not changed:
            raise ApplicationError("You already stopped sharing this", code="already_revoked")
        share.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.REVOKE,
            target=share.passport,
            child=share.passport.child,
            detail={"sections": [share.section]},
        )
    return share


def passport_recipient_revoke(
    *,
    actor: User,
    passport: Passport,
    recipient_user: User | None = None,
    recipient_organisation: Organisation | None = None,
) -> int:
    """The owner stops sharing every section with one person or organisation at once. Returns how many."""
    _require_owner(actor=actor, passport=passport)
    if (recipient_user is None) == (recipient_organisation is None):
        raise ApplicationError("Choose the person or organisation to stop sharing with", field="recipient")
    with transaction.atomic():
        open_shares = PassportShare.objects.filter(
            passport=passport,
            revoked_at__isnull=True,
            recipient_user=recipient_user,
            recipient_organisation=recipient_organisation,
        )
        sections = sorted(open_shares.values_list("section", flat=True))
        count = open_shares.update(revoked_at=timezone.now(), revoked_by=actor)
        if count:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.REVOKE,
                target=passport,
                child=passport.child,
                detail={"sections": sections},
            )
    return count


def passport_share_with_new_team(
    *,
    actor: User,
    passport: Passport,
    organisation: Organisation,
    sections: Iterable[str] | None = None,
    ends_on: date | None = None,
    reason: str = "",
) -> list[PassportShare]:
    """One step when the young person moves (new placement, new area, adult services, R87): share the
    passport with the organisation of the new team.

    Shares the chosen sections, or by default every section the young person already shares with anyone
    now (their choices so far carry over; nothing they keep private is opened). Everyone currently at that
    organisation can then read those sections, before they join the team in Beacon.
    """
    _require_owner(actor=actor, passport=passport)
    if sections is None:
        sections = sorted(set(passport_shares(passport=passport).values_list("section", flat=True)))
        if not sections:
            raise ApplicationError(
                "You do not share any section yet. Choose the sections to share with your new team",
                field="sections",
            )
    return passport_share(
        actor=actor,
        passport=passport,
        sections=sections,
        recipient_organisation=organisation,
        ends_on=ends_on,
        reason=reason or "Moving to a new team",
    )
