"""The one access decision (apps.sharing.access): need to know by role beside consent, each with its lawful
basis, the young person's objection holding until an override, and access that follows the job."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, ProfessionalRole
from apps.appointments.services import appointment_book
from apps.children.categories import Category
from apps.children.models import Child
from apps.consent.models import Consent
from apps.consent.services import (
    consent_record,
    consent_withdraw,
    coordination_objection_end,
    coordination_objection_record,
    safeguarding_override_open,
)
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.sharing.access import child_access, children_access
from apps.sharing.models import (
    AccessGrant,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    LawfulBasis,
)
from apps.sharing.services import child_access_grant
from tests.auth import sign_in
from tests.factories import ChildFactory, ProfessionalFactory, YoungPersonUserFactory
from tests.referrals.factories import accepted_referral, camhs_organisation, referral_for
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

SIXTEEN = 365 * 16 + 10


@pytest.fixture
def kay():
    """A looked-after 16-year-old, so she decides for herself about sharing (R73)."""
    return ChildFactory(
        given_name="Kay",
        family_name="Brennan",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=SIXTEEN),
    )


@pytest.fixture
def hannah(kay):
    """Kay's social worker and lead professional."""
    person = ProfessionalFactory(username="hannah", display_name="Hannah Hughes")
    lead_for(kay, person)
    return person


def _objection(child, actor, category=Category.APPOINTMENTS):
    return coordination_objection_record(
        actor=actor,
        child=child,
        category=category,
        judgement="Kay is 16 and understands what coordination means; no safeguarding reason against it.",
        in_their_words="I don't want my social worker reading about my appointments.",
    )


# --- The lead professional coordinates ----------------------------------------------------------


def test_the_lead_professional_sees_what_she_coordinates_on_a_coordination_basis(kay, hannah):
    access = child_access(user=hannah, child=kay)

    for category in (Category.TEAM, Category.APPOINTMENTS, Category.REFERRALS, Category.PLANS):
        assert access.sees(category), category
    assert access.basis(Category.APPOINTMENTS) == LawfulBasis.COORDINATION
    assert not access.sees(Category.ASSESSMENTS)
    assert not access.sees(Category.SUBSTANCE_MISUSE)
    assert access.may_record_appointments


def test_hannah_opens_kays_appointments_and_referrals_pages(client, kay, hannah):
    sign_in(client, hannah)

    for name in ("appointments:list", "referrals:child-referrals"):
        response = client.get(reverse(name, args=[kay.public_id]))
        assert response.status_code == 200, name
    assert "Book an appointment" in client.get(reverse("appointments:list", args=[kay.public_id])).text


def test_a_competent_young_persons_objection_holds_until_an_override(kay, hannah):
    _objection(kay, hannah)

    access = child_access(user=hannah, child=kay)
    assert not access.sees(Category.APPOINTMENTS)
    assert access.sees(Category.REFERRALS)  # Only what she objected to.
    assert "asked that their lead professional does not see" in access.withheld_reason(Category.APPOINTMENTS)

    safeguarding_override_open(
        actor=hannah,
        child=kay,
        lawful_basis="risk_of_serious_harm",
        justification="Kay has been missing for two days and her appointments may show where she went.",
        categories=[Category.APPOINTMENTS],
    )
    access = child_access(user=hannah, child=kay)
    assert access.sees(Category.APPOINTMENTS)
    assert access.basis(Category.APPOINTMENTS) == LawfulBasis.SAFEGUARDING


def test_an_objection_ended_gives_the_lead_professional_the_category_again(kay, hannah):
    objection = _objection(kay, hannah)
    coordination_objection_end(actor=hannah, objection=objection)

    assert child_access(user=hannah, child=kay).sees(Category.APPOINTMENTS)
    with pytest.raises(ApplicationError):
        coordination_objection_end(actor=hannah, objection=objection)


def test_consent_opens_a_category_the_young_person_objected_to_on_coordination(kay, hannah):
    _objection(kay, hannah)
    consent_record(
        actor=hannah,
        child=kay,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=[Category.APPOINTMENTS],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=hannah,
        purpose="Kay agreed Hannah can see her appointments to help her get there.",
        valid_from=timezone.localdate(),
        form=Consent.Form.VERBAL,
        evidence="Said in our visit today.",
    )

    access = child_access(user=hannah, child=kay)
    assert access.sees(Category.APPOINTMENTS)
    assert access.basis(Category.APPOINTMENTS) == LawfulBasis.CONSENT


def test_an_objection_needs_a_competent_young_person(hannah):
    young = ChildFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 12))
    lead_for(young, hannah)

    with pytest.raises(ValidationError) as error:
        _objection(young, hannah)
    assert "under 16" in str(error.value)
    assert child_access(user=hannah, child=young).sees(Category.APPOINTMENTS)  # Nothing changed.


def test_an_objection_by_another_young_person_is_refused(kay, hannah):
    someone_else = YoungPersonUserFactory()

    with pytest.raises(NotPermitted):
        _objection(kay, someone_else)


def test_an_objection_is_only_to_what_the_lead_coordinates(kay, hannah):
    with pytest.raises(ValidationError) as error:
        _objection(kay, hannah, category=Category.ASSESSMENTS)
    assert "coordinates" in str(error.value)


def test_a_coordination_basis_claimed_by_someone_who_is_not_the_lead_is_refused(kay, hannah):
    other = ProfessionalFactory()
    professional_joins(kay, other, actor=hannah)

    with pytest.raises(ApplicationError) as error:
        child_access_grant(child=kay, user=other, basis=AccessGrant.Basis.COORDINATION, granted_by=other)
    assert "lead professional" in error.value.message
    assert not AccessGrant.objects.filter(user=other, basis=AccessGrant.Basis.COORDINATION).exists()


def test_the_coordination_basis_moves_with_a_handover(kay, hannah):
    from apps.teams.selectors import current_lead_appointment
    from apps.teams.services import lead_professional_hand_over

    successor = ProfessionalFactory(username="successor")
    membership = professional_joins(kay, successor, actor=hannah)
    lead_professional_hand_over(
        actor=hannah,
        appointment=current_lead_appointment(child=kay),
        successor=membership,
        note="Kay likes texts before visits; she is settled at school.",
    )

    assert child_access(user=successor, child=kay).sees(Category.APPOINTMENTS)
    assert not child_access(user=hannah, child=kay).sees(Category.APPOINTMENTS)


# --- What a professional does, they see and record ----------------------------------------------


def test_the_clinician_of_an_accepted_referral_books_its_first_appointment(client, kay, hannah):
    camhs = camhs_organisation()
    clinician = ProfessionalFactory(username="cal", organisation=camhs, organisation__role="camhs-clinician")
    referral = accepted_referral(kay, hannah, camhs, clinician)

    access = child_access(user=clinician, child=kay)
    assert access.may_record_appointments
    assert access.sees(Category.APPOINTMENTS)
    assert access.basis(Category.APPOINTMENTS) == LawfulBasis.DIRECT_CARE
    sign_in(client, clinician)
    response = client.get(reverse("appointments:book", args=[kay.public_id]))
    assert response.status_code == 200
    appointment = appointment_book(
        actor=clinician,
        child=kay,
        professional=clinician,
        purpose="First assessment",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        location="clinic",
        referral=referral,
    )
    assert appointment.referral == referral


def test_a_service_receiving_a_referral_sees_the_referrals_not_the_appointments(kay, hannah):
    camhs = camhs_organisation()
    clinician = ProfessionalFactory(organisation=camhs, organisation__role="camhs-clinician")
    referral_for(kay, hannah, camhs)

    access = child_access(user=clinician, child=kay)
    assert access.sees(Category.REFERRALS)
    assert not access.sees(Category.APPOINTMENTS)
    assert not access.may_record_appointments


def test_a_referral_is_held_once_by_the_service_not_copied_to_each_member_of_staff(kay, hannah):
    camhs = camhs_organisation()
    staff = [ProfessionalFactory(organisation=camhs, organisation__role="camhs-clinician") for _ in range(5)]
    referral_for(kay, hannah, camhs)

    assert not ChildUserObjectPermission.objects.filter(user__in=staff).exists()
    assert ChildGroupObjectPermission.objects.filter(content_object=kay).count() == 2  # core, referrals
    newcomer = ProfessionalFactory(organisation=camhs, organisation__role="camhs-clinician")
    assert Child.objects.restrict(newcomer, "view_child_referrals").filter(pk=kay.pk).exists()


def test_a_team_member_sees_the_appointments_they_hold_and_not_the_others(client, kay, hannah):
    from tests.appointments.factories import booked

    clinician = ProfessionalFactory(username="therapist")
    professional_joins(kay, clinician, actor=hannah)
    theirs = booked(kay, hannah, professional=clinician)
    someone_elses = booked(kay, hannah, days_from_now=-3)
    sign_in(client, clinician)

    page = client.get(reverse("appointments:list", args=[kay.public_id]))
    assert page.status_code == 200
    assert "other appointments are withheld" in page.text
    outcome = "appointments:outcome"
    assert client.get(reverse(outcome, args=[kay.public_id, theirs.public_id])).status_code == 200
    # Another's withheld appointment is a 404, id or no id: nothing about it is shown.
    assert client.get(reverse(outcome, args=[kay.public_id, someone_elses.public_id])).status_code == 404


def test_the_appointments_professional_loses_it_with_their_last_reason_to_see_the_child(client, kay, hannah):
    from tests.appointments.factories import booked

    visitor = ProfessionalFactory(username="visitor")
    consent = consent_record(
        actor=hannah,
        child=kay,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=[Category.CORE, Category.APPOINTMENTS],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=visitor,
        purpose="Drop-in sessions at the youth centre.",
        valid_from=timezone.localdate(),
        form=Consent.Form.VERBAL,
        evidence="Kay said yes at the review.",
    )
    appointment = booked(kay, hannah, professional=visitor)
    consent_withdraw(actor=hannah, consent=consent, reason="Kay changed her mind.")
    sign_in(client, visitor)

    assert (
        client.get(reverse("appointments:outcome", args=[kay.public_id, appointment.public_id])).status_code
        == 404
    )


# --- Access follows the job -----------------------------------------------------------------------


def _organisation_consent(child, actor, organisation, categories, role=None):
    return consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=categories,
        recipient_kind=Consent.RecipientKind.ROLE if role else Consent.RecipientKind.ORGANISATION,
        recipient_organisation=organisation,
        recipient_role=role,
        purpose="Support at school.",
        valid_from=timezone.localdate(),
        form=Consent.Form.WRITTEN,
        evidence="Signed form on file.",
    )


def test_access_ends_with_the_membership_that_justified_it(kay, hannah):
    school = camhs_organisation("Synthetic Academy")
    teacher = ProfessionalFactory(organisation=school, organisation__role="designated-teacher")
    _organisation_consent(kay, hannah, school, [Category.CORE, Category.PLANS])
    assert child_access(user=teacher, child=kay).sees(Category.PLANS)

    OrganisationMembership.objects.filter(user=teacher, organisation=school).update(
        ended_on=timezone.localdate()
    )
    membership = OrganisationMembership.objects.get(user=teacher, organisation=school)
    membership.save()  # Any write path keeps the groups in step.

    assert not Child.objects.restrict(teacher, "view_child").exists()
    assert not child_access(user=teacher, child=kay).permissions


def test_a_withdrawal_reaches_everyone_the_consent_reached(kay, hannah):
    school = camhs_organisation("Synthetic Academy")
    staff = [
        ProfessionalFactory(organisation=school, organisation__role="designated-teacher") for _ in range(3)
    ]
    consent = _organisation_consent(kay, hannah, school, [Category.CORE, Category.PLANS])
    assert all(child_access(user=person, child=kay).sees(Category.PLANS) for person in staff)

    consent_withdraw(actor=hannah, consent=consent, reason="Kay does not want the school told any more.")

    assert not any(Child.objects.restrict(person, "view_child").exists() for person in staff)


def test_a_role_consent_reaches_only_that_role(kay, hannah):
    school = camhs_organisation("Synthetic Academy")
    teacher = ProfessionalFactory(organisation=school, organisation__role="designated-teacher")
    other = ProfessionalFactory(organisation=school, organisation__role="social-worker")
    _organisation_consent(
        kay, hannah, school, [Category.CORE], role=ProfessionalRole.objects.get(code="designated-teacher")
    )

    assert child_access(user=teacher, child=kay).can_see_child
    assert not child_access(user=other, child=kay).can_see_child


def test_every_permission_row_carries_its_lawful_basis(kay, hannah):
    bases = set(
        ChildUserObjectPermission.objects.filter(user=hannah, content_object=kay).values_list(
            "basis", flat=True
        )
    )

    assert bases == {LawfulBasis.DIRECT_CARE, LawfulBasis.COORDINATION}
    assert AccessGrant.objects.get(user=hannah, basis=AccessGrant.Basis.COORDINATION).lawful_basis == (
        LawfulBasis.COORDINATION
    )


def test_a_page_of_children_is_decided_in_two_queries(django_assert_num_queries, hannah):
    children = [ChildFactory() for _ in range(5)]
    for child in children:
        lead_for(child, hannah)

    # The person's groups, then every row for the page's children: two, however long the page.
    with django_assert_num_queries(2):
        decided = children_access(user=hannah, children=children)
    assert all(decided[child.pk].sees(Category.APPOINTMENTS) for child in children)


def test_who_has_my_information_says_why_in_plain_words(client, kay, hannah):
    from apps.sharing.selectors import who_can_see

    account = YoungPersonUserFactory(username="kay")
    Child.objects.filter(pk=kay.pk).update(account=account)
    rows = {(row.who, row.basis) for row in who_can_see(child=kay)}
    assert ("Hannah Hughes", LawfulBasis.COORDINATION) in rows
    sign_in(client, account)

    page = client.get(reverse("consent:my-information")).text
    assert "because they are your lead professional and organise the help you get" in page
    assert "Hannah Hughes" in page


@pytest.mark.parametrize("many_through_groups", [1, 10_000])
def test_the_list_in_order_sees_exactly_what_restrict_sees_whichever_plan_it_takes(
    monkeypatch, many_through_groups, kay, hannah
):
    """restrict_in_order() picks another SQL shape for someone whose groups hold many children; both must
    mean exactly restrict(): own rows and group rows, expired rows ignored."""
    import apps.children.models as children_models

    monkeypatch.setattr(children_models, "MANY_THROUGH_GROUPS", many_through_groups)
    school = camhs_organisation("Synthetic Academy")
    teacher = ProfessionalFactory(organisation=school, organisation__role="designated-teacher")
    others = [ChildFactory(date_of_birth=kay.date_of_birth) for _ in range(3)]
    for child in [kay, *others[:2]]:
        _organisation_consent(child, hannah if child == kay else teacher, school, [Category.CORE])
    lead_for(others[2], teacher)  # Their own rows beside the group's.
    expired = ChildFactory(date_of_birth=kay.date_of_birth)
    _organisation_consent(expired, teacher, school, [Category.CORE])
    ChildGroupObjectPermission.objects.filter(content_object=expired).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    for person in (teacher, hannah):
        expected = set(Child.objects.restrict(person, "view_child").values_list("pk", flat=True))
        assert (
            set(Child.objects.restrict_in_order(person, "view_child").values_list("pk", flat=True))
            == expected
        )
    assert set(Child.objects.restrict(teacher, "view_child")) == {kay, *others}
