"""What the passport's writes share: the owner check, who may receive a share, whose passport a carer
may hold.
"""

from datetime import date

from django.utils import timezone

from apps.accounts.models import User
from apps.children.models import FamilyMember
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.passport.models import Passport

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
