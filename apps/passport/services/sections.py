"""Writing a section and proposing changes: the owner writes, professionals propose, the owner accepts
or rejects.
"""

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.passport.models import SECTION_TEXT_MAX_LENGTH, Passport, PassportProposal, PassportVersion, Section
from apps.passport.selectors import passport_proposal_is_outdated
from apps.passport.services.common import _require_owner


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
