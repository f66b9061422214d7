"""People a message may or may not reach, made the real way through the consent services."""

from django.utils import timezone

from apps.accounts.models import User
from apps.consent.models import Consent
from apps.consent.services import competence_assess, consent_record
from tests.factories import UserFactory


def young_person_competent(child, actor):
    """Assess the young person as able to decide about sharing (so they can keep things from parents)."""
    competence_assess(
        actor=actor,
        child=child,
        assessed_on=timezone.localdate(),
        decision="Sharing information with family",
        outcome="competent",
    )


def parent_with(child, actor, *categories, valid_until=None, username=None):
    """A parent or carer account the young person consented to share ``categories`` with."""
    parent = UserFactory(kind=User.Kind.PARENT_CARER, **({"username": username} if username else {}))
    consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=list(categories),
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=parent,
        purpose="Keeping my mum in the loop",
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        form=Consent.Form.WRITTEN,
        evidence="Signed form on file",
    )
    return parent
