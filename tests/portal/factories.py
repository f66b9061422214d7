"""A young person with an account, a team and a passport, built through the real services."""

from dataclasses import dataclass

from apps.accounts.models import User
from apps.children.models import Child
from apps.passport.models import Passport, PassportProposal
from apps.passport.services import passport_change_propose, passport_create, passport_section_write
from apps.portal.services import young_person_invite_accept, young_person_invite_create
from apps.teams.models import TeamMembership
from apps.teams.services import team_member_add, team_member_offer_for_young_person_set, trusted_worker_name
from tests.factories import PASSWORD, ChildFactory, OrganisationFactory, ProfessionalFactory
from tests.teams.factories import lead_for, professional_joins


@dataclass
class YoungPersonWorld:
    child: Child
    young_person: User
    lead: User
    clinician: User
    passport: Passport | None
    proposal: PassportProposal | None


def young_person_world(
    *, username: str = "kay", lead_username: str = "hannah", with_passport: bool = True
) -> YoungPersonWorld:
    """Kay, 16, with Hannah as lead professional, Tomasz from CAMHS, a foster carer, and a passport.

    The passport has two parts written and one change suggested by Hannah, waiting for Kay's answer.
    """
    council = OrganisationFactory(name=f"Northbrook Council {username}")
    camhs = OrganisationFactory(name=f"Northbrook CAMHS {username}")
    lead = ProfessionalFactory(
        username=lead_username, display_name="Hannah Brierley", first_name="Hannah", organisation=council
    )
    clinician = ProfessionalFactory(
        username=f"{lead_username}.camhs",
        display_name="Dr Tomasz Wieczorek",
        organisation=camhs,
        organisation__role="camhs-clinician",
    )
    child = ChildFactory(given_name="Kayleigh", preferred_name="Kay", family_name="Morgan")
    lead_membership = lead_for(child, lead).membership
    team_member_offer_for_young_person_set(
        actor=lead, membership=lead_membership, offer="I make sure everyone helping you works together."
    )
    therapist = professional_joins(child, clinician, actor=lead)
    team_member_offer_for_young_person_set(
        actor=lead, membership=therapist, offer="We talk every Thursday after school."
    )
    carer = team_member_add(
        actor=lead,
        child=child,
        kind=TeamMembership.Kind.CAREGIVER,
        person_name="Julie Hart",
        caregiver_role=TeamMembership.CaregiverRole.FOSTER_CARER,
    )
    trusted_worker_name(actor=lead, membership=therapist)
    _invite, token = young_person_invite_create(actor=lead, child=child)
    young_person = young_person_invite_accept(token=token, username=username, password=PASSWORD)
    child.refresh_from_db()
    assert carer.pk
    if not with_passport:
        return YoungPersonWorld(child, young_person, lead, clinician, None, None)
    passport = passport_create(actor=young_person, child=child)
    passport_section_write(
        actor=young_person, passport=passport, section="about_me", text="I am Kay. I like animals."
    )
    passport_section_write(
        actor=young_person, passport=passport, section="my_goals", text="Go to college to study animal care."
    )
    proposal = passport_change_propose(
        actor=lead,
        passport=passport,
        section="what_helps",
        text="Texting before a visit helps me. Surprises do not.",
        reason="You told me this at our last visit.",
    )
    return YoungPersonWorld(child, young_person, lead, clinician, passport, proposal)
