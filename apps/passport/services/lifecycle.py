"""A passport's life: creating it with the young person, handing it over to them, and the owner
deleting it.
"""

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child, FamilyMember
from apps.consent.selectors import young_person_competent
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.passport.models import Passport, PassportVersion
from apps.passport.selectors import is_on_team, passport_current
from apps.passport.services.common import CARER_RELATIONSHIPS, _require_owner
from apps.sharing.access import child_access

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
