"""Referrals built the real way, through ``apps.referrals.services``, so every grant and clock is real."""

from apps.accounts.models import Organisation, OrganisationType, User
from apps.children.models import Child
from apps.referrals.models import Referral
from apps.referrals.services import referral_accept, referral_create, referral_triage
from tests.factories import OrganisationFactory

NEEDS = "MARKER-REFERRAL: not sleeping, stopped going to football, says she feels empty most days"


def camhs_organisation(name: str = "Synthetic NHS CAMHS") -> Organisation:
    return OrganisationFactory(name=name, type=OrganisationType.objects.get(code="nhs-camhs"))


def referral_for(child: Child, referrer: User, receiving: Organisation, **fields) -> Referral:
    """A referral from ``referrer`` (who can see ``child``) to ``receiving``, about need."""
    values = {
        "route": "social_care",
        "presenting_needs": NEEDS,
        "professional_concern": "high",
        "family_concern": "medium",
        "consent_to_refer": "young_person",
        "what_has_been_tried": "School counsellor for six weeks.",
        "young_person_views": "I want to talk to someone who is not at school.",
        "preferred_support": "one_to_one",
        **fields,
    }
    return referral_create(actor=referrer, child=child, receiving_organisation=receiving, **values)


def accepted_referral(child: Child, referrer: User, receiving: Organisation, clinician: User, **fields):
    referral = referral_for(child, referrer, receiving, **fields)
    referral_triage(actor=clinician, referral=referral, urgency="routine", triage_note="Low risk today.")
    return referral_accept(actor=clinician, referral=referral)
