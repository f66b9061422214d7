"""Writes to the young person's passport. Each validates first, writes in one transaction, audits, returns.

The rules (R83-R87):
- the owner (the young person, or a parent or carer for a young child) writes their own sections; each
  write is a new version and every version is kept;
- professionals can only propose changes; the owner accepts or rejects each one. Accepting makes a new
  version in the professional's words; a proposal written against an older version of the section must be
  confirmed by the owner as still wanted;
- the owner shares each section with a professional in their team or with an organisation, optionally
  until an end date, and can revoke any share at once. Sharing never touches django-guardian or the
  consent register (see ``apps.passport.selectors``);
- one step shares the passport with a new team (new placement, area or adult services);
- nothing is deleted when the case closes or at 18; only the owner deletes the passport, which removes
  every text and keeps only a minimal record that it existed.

Errors name the field to fix and are raised before anything is written: nothing is half-saved.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child, FamilyMember
from apps.consent.selectors import young_person_competent
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.passport.models import (
    SECTION_TEXT_MAX_LENGTH,
    Passport,
    PassportProposal,
    PassportShare,
    PassportVersion,
    Section,
)
from apps.passport.selectors import (
    is_on_team,
    passport_current,
    passport_proposal_is_outdated,
    passport_shares,
)
from apps.sharing.access import child_access

NOT_YOUR_PASSPORT = "This is not your passport: only its owner can change it or decide who sees it."
ONLY_PROFESSIONALS = (
    "You can only share your passport with a professional in your team, or with an organisation"
)

# Who, besides someone with parental responsibility, may hold a young child's passport (R90 carers).
CARER_RELATIONSHIPS = {
    FamilyMember.Relationship.FOSTER_CARER,
    FamilyMember.Relationship.KINSHIP_CARER,
    FamilyMember.Relationship.ADOPTIVE_PARENT,
    FamilyMember.Relationship.SPECIAL_GUARDIAN,
}


def _today() -> date:
    return timezone.localdate()


def _require_owner(*, actor: User, passport: Passport) -> None:
    if passport.deleted_at is not None:
        raise ApplicationError("This passport has been deleted.", code="deleted")
    if actor.pk != passport.owner_id:
        raise NotPermitted(NOT_YOUR_PASSPORT)


def _section_or_error(section: str) -> str:
    if section not in Section.values:
        raise ApplicationError(
            f"Choose one of the passport's sections: {', '.join(Section.values)}", field="section"
        )
    return section


def _clean_text(text: str, *, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write something for this section", field=field)
    if len(text) > SECTION_TEXT_MAX_LENGTH:
        raise ApplicationError(
            f"Keep this section to {SECTION_TEXT_MAX_LENGTH} characters or fewer (it has {len(text)})",
            field=field,
        )
    return text


def _owner_link(passport: Passport) -> str:
    """Where the owner answers suggestions: the young person's portal (parents and carers use the API)."""
    if not passport.owner.is_young_person:
        return ""
    try:
        return reverse("portal:proposals")
    except NoReverseMatch:  # The portal is not installed: the notification still says what happened.
        return ""


# Passport messages carry no child: the passport is not a category of the child's record and never comes
# from the consent register (R71). Its owner is told of suggestions to their own passport, and a proposer of
# the answer to their own suggestion; neither message says what any section holds.


def _notify_owner_of_proposal(proposal: PassportProposal) -> None:
    passport = proposal.passport
    notification_send(
        recipient=passport.owner,
        kind=Notification.Kind.PASSPORT_PROPOSAL,
        dedupe_key=f"passport-proposal:{proposal.public_id}",
        subject=f"{proposal.proposed_by} suggested a change to your passport: "
        f"{proposal.get_section_display()}",
        subject_for_email="a suggested change to your passport",
        body="You decide: accept it if it is right, or say no. Nothing changes unless you accept it.",
        link=_owner_link(passport),
    )


def _notify_proposer_of_decision(proposal: PassportProposal) -> None:
    passport = proposal.passport
    answer = "accepted" if proposal.status == PassportProposal.Status.ACCEPTED else "did not accept"
    notification_send(
        recipient=proposal.proposed_by,
        kind=Notification.Kind.PASSPORT_DECISION,
        dedupe_key=f"passport-decision:{proposal.public_id}",
        subject=f"{passport.child.known_as} {answer} your suggestion for {proposal.get_section_display()}",
        subject_for_email="a decision on your suggested passport change",
        link=reverse("passport:child-passport", args=[passport.child.public_id]) + "#suggestions",
    )


def _latest_version(*, passport: Passport, section: str, lock: bool = False) -> PassportVersion | None:
    versions = PassportVersion.objects.filter(passport=passport, section=section).order_by("-number")
    if lock:
        versions = versions.select_for_update()
    return versions.first()


def _add_version(
    *, passport: Passport, section: str, text: str, author: User, accepted_by: User, proposal=None
) -> PassportVersion:
    """Append the next version of a section. The passport row is locked so two writes cannot both take
    the same number (the unique constraint would refuse the second anyway)."""
    Passport.objects.select_for_update().filter(pk=passport.pk).first()
    latest = _latest_version(passport=passport, section=section)
    return PassportVersion.objects.create(
        passport=passport,
        section=section,
        number=(latest.number if latest else 0) + 1,
        text=text,
        author=author,
        accepted_by=accepted_by,
        accepted_at=timezone.now(),
        from_proposal=proposal,
    )


# --- Creating the passport ------------------------------------------------------------------------


def passport_create(
    *,
    actor: User,
    child: Child,
    owner: User | None = None,
    owner_family_member: FamilyMember | None = None,
) -> Passport:
    """Start a young person's passport, owned by them (R83), or by a parent or carer for a young child.

    Started by a professional in the young person's team (or who may change their record), "created
    together with a professional", or by the young person themselves. The owner is the young person's own
    account unless a parent or carer is named: that is allowed only while the young person cannot yet
    decide for themselves (under 16 and not assessed as competent, R73), and the carer must be recorded
    in the family with parental responsibility, or as a foster, kinship or adoptive carer or special
    guardian. One current passport per young person.
    """
    owner = owner or child.account
    is_the_young_person = child.account_id is not None and actor.pk == child.account_id
    if not is_the_young_person:
        if not (actor.is_active and actor.is_professional):
            raise NotPermitted(
                "Only the young person or a professional working with them can start a passport."
            )
        may_change = child_access(user=actor, child=child).can_change
        if not (may_change or is_on_team(user=actor, child_id=child.pk)):
            raise NotPermitted(
                "Only a professional in the young person's team can start their passport with them."
            )
    if owner is None:
        raise ApplicationError(
            f"{child.known_as} has no Beacon account yet. Invite them first, or name the parent or carer "
            "who will hold the passport for them",
            field="owner",
        )
    if owner.is_young_person:
        if owner.pk != child.account_id:
            raise ApplicationError("A young person can only own their own passport", field="owner")
        owner_family_member = None
    elif owner.is_parent_or_carer:
        if young_person_competent(child=child):
            raise ApplicationError(
                f"{child.known_as} can decide for themselves, so the passport must be theirs: invite them "
                "to Beacon and start it with them",
                field="owner",
            )
        if owner_family_member is None or owner_family_member.child_id != child.pk:
            raise ApplicationError(
                "Choose who the parent or carer is in the young person's family", field="owner_family_member"
            )
        if not (
            owner_family_member.has_parental_responsibility
            or owner_family_member.relationship in CARER_RELATIONSHIPS
        ):
            raise ApplicationError(
                f"{owner_family_member.name} does not have parental responsibility and is not the young "
                "person's carer, so cannot hold the passport",
                field="owner_family_member",
            )
    else:
        raise ApplicationError(
            "A passport belongs to the young person, or to a parent or carer: not to a professional",
            field="owner",
        )
    if not owner.is_active:
        raise ApplicationError("The owner's Beacon account is not active", field="owner")
    if passport_current(child=child) is not None:
        raise ApplicationError(f"{child.known_as} already has a passport", code="duplicate")
    with transaction.atomic():
        passport = Passport.objects.create(
            child=child,
            owner=owner,
            owner_family_member=owner_family_member,
            created_with=None if is_the_young_person else actor,
        )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=passport, child=child)
    return passport


# --- Writing and proposing ------------------------------------------------------------------------


def passport_section_write(*, actor: User, passport: Passport, section: str, text: str) -> PassportVersion:
    """The owner writes a section in their own words: a new version; the earlier ones are kept (R83, R85)."""
    _require_owner(actor=actor, passport=passport)
    section = _section_or_error(section)
    text = _clean_text(text)
    with transaction.atomic():
        Passport.objects.select_for_update().filter(pk=passport.pk).first()
        latest = _latest_version(passport=passport, section=section)
        if latest and latest.text == text:
            raise ApplicationError("This is already what the section says: nothing has changed", field="text")
        version = _add_version(passport=passport, section=section, text=text, author=actor, accepted_by=actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=passport,
            child=passport.child,
            detail={"section": section, "version": version.number},
        )
    return version


def passport_change_propose(
    *, actor: User, passport: Passport, section: str, text: str, reason: str
) -> PassportProposal:
    """A professional suggests new words for a section; nothing changes until the owner accepts (R83).

    Open to professionals who may see the young person's record (their team, or by consent) or to whom
    a section is shared. They need not be able to read the section (a young person may ask their worker
    to help write a section they keep private): the proposal only replaces it if the owner accepts.
    """
    if passport.deleted_at is not None:
        raise ApplicationError("This passport has been deleted.", code="deleted")
    if actor.pk == passport.owner_id:
        raise ApplicationError("You own this passport: change the section directly", field="section")
    from apps.passport.selectors import passport_may_open

    if not passport_may_open(viewer=actor, passport=passport):
        raise NotPermitted("Only professionals working with the young person can suggest changes.")
    section = _section_or_error(section)
    text = _clean_text(text)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Say why you suggest this change, so the young person can decide", field="reason"
        )
    latest = _latest_version(passport=passport, section=section)
    with transaction.atomic():
        proposal = PassportProposal.objects.create(
            passport=passport,
            section=section,
            text=text,
            reason=reason,
            proposed_by=actor,
            based_on=latest,
            based_on_number=latest.number if latest else 0,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=proposal,
            child=passport.child,
            detail={"section": section},
        )
        _notify_owner_of_proposal(proposal)
    return proposal


def _pending(proposal: PassportProposal) -> None:
    if proposal.status != PassportProposal.Status.PENDING:
        raise ApplicationError(
            f"This suggestion has already been decided: {proposal.get_status_display().lower()}",
            code="already_decided",
        )


def passport_proposal_accept(
    *, actor: User, proposal: PassportProposal, confirm_outdated: bool = False
) -> PassportVersion:
    """The owner accepts a suggested change: it becomes the section's new version, in the proposer's words.

    If the section has changed since the suggestion was written, the owner must say they still want it
    (``confirm_outdated``): otherwise it could silently undo what they wrote in between.
    """
    passport = proposal.passport
    _require_owner(actor=actor, passport=passport)
    with transaction.atomic():
        # Lock the passport first, as every new version does, so no write slips in between the check
        # that the proposal is still current and the new version it makes.
        Passport.objects.select_for_update().filter(pk=passport.pk).first()
        proposal = PassportProposal.objects.select_for_update().get(pk=proposal.pk)
        _pending(proposal)
        if passport_proposal_is_outdated(proposal=proposal) and not confirm_outdated:
            raise ApplicationError(
                "This suggestion was written before the section last changed. Read the section as it is "
                "now, then accept the suggestion again if you still want it",
                field="confirm_outdated",
                code="outdated",
            )
        latest = _latest_version(passport=passport, section=proposal.section)
        if latest and latest.text == proposal.text:
            raise ApplicationError("The section already says this: reject the suggestion instead")
        version = _add_version(
            passport=passport,
            section=proposal.section,
            text=proposal.text,
            author=proposal.proposed_by,
            accepted_by=actor,
            proposal=proposal,
        )
        proposal.status = PassportProposal.Status.ACCEPTED
        proposal.decided_at = version.accepted_at
        proposal.decided_by = actor
        proposal.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=proposal,
            child=passport.child,
            detail={"status": proposal.status, "section": proposal.section, "version": version.number},
        )
        _notify_proposer_of_decision(proposal)
    return version


def passport_proposal_reject(*, actor: User, proposal: PassportProposal, note: str = "") -> PassportProposal:
    """The owner says no to a suggested change. The section stays as it is; the suggestion is kept."""
    _require_owner(actor=actor, passport=proposal.passport)
    with transaction.atomic():
        proposal = PassportProposal.objects.select_for_update().get(pk=proposal.pk)
        _pending(proposal)
        proposal.status = PassportProposal.Status.REJECTED
        proposal.decided_at = timezone.now()
        proposal.decided_by = actor
        proposal.decision_note = (note or "").strip()
        proposal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=proposal,
            child=proposal.passport.child,
            detail={"status": proposal.status, "section": proposal.section},
        )
        _notify_proposer_of_decision(proposal)
    return proposal


def passport_proposal_withdraw(*, actor: User, proposal: PassportProposal) -> PassportProposal:
    """The professional who suggested a change takes it back before the owner decides."""
    if actor.pk != proposal.proposed_by_id:
        raise NotPermitted("Only the professional who suggested this change can withdraw it.")
    with transaction.atomic():
        proposal = PassportProposal.objects.select_for_update().get(pk=proposal.pk)
        _pending(proposal)
        proposal.status = PassportProposal.Status.WITHDRAWN
        proposal.decided_at = timezone.now()
        proposal.decided_by = actor
        proposal.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=proposal,
            child=proposal.passport.child,
            detail={"status": proposal.status},
        )
    return proposal


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


# --- Ownership and deletion ------------------------------------------------------------------------------


def passport_owner_hand_over(*, actor: User, passport: Passport) -> Passport:
    """A parent or carer hands a passport they hold to the young person, once the young person has an
    account of their own (R83): from then only the young person decides. The shares the carer made stay
    in force until the young person changes them, so nobody loses what they needed overnight."""
    _require_owner(actor=actor, passport=passport)
    child = passport.child
    young_person = child.account
    if young_person is None or not young_person.is_active or not young_person.is_young_person:
        raise ApplicationError(
            f"{child.known_as} needs their own Beacon account first", field="owner", code="no_account"
        )
    if passport.owner_id == young_person.pk:
        raise ApplicationError("The passport is already theirs", field="owner")
    with transaction.atomic():
        passport.owner = young_person
        passport.owner_family_member = None
        passport.save(update_fields=["owner", "owner_family_member"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=passport,
            child=child,
            detail={"fields": ["owner"]},
        )
    return passport


def passport_delete(*, actor: User, passport: Passport, confirm: bool) -> Passport:
    """The owner deletes their passport (R87): every text, suggestion, share and read record goes.

    Only the owner can do this, and only with a deliberate confirmation; closing the case or turning 18
    never deletes it. What stays is the bare passport row (whose it was, when and by whom it was
    deleted) and the audit log, which never held any of the words.
    """
    _require_owner(actor=actor, passport=passport)
    if not confirm:
        raise ApplicationError(
            "Confirm that you want to delete your passport. This cannot be undone", field="confirm"
        )
    with transaction.atomic():
        removed = {
            "versions": PassportVersion.objects.filter(passport=passport).count(),
            "proposals": passport.proposals.count(),
        }
        # Versions point at proposals (from_proposal), so they go first.
        PassportVersion.objects.filter(passport=passport).delete()
        passport.proposals.all().delete()
        passport.shares.all().delete()
        passport.reads.all().delete()
        passport.deleted_at = timezone.now()
        passport.deleted_by = actor
        passport.save(update_fields=["deleted_at", "deleted_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=passport,
            child=passport.child,
            detail={"fields": ["deleted_at"], **removed},
        )
    return passport
