"""Consent decides who sees which part of a child's record: given, withdrawn, expired, overridden."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import User
from apps.children.models import Child
from apps.consent.models import CompetenceAssessment, Consent, ConsentReview, Disclosure, SafeguardingOverride
from apps.consent.services import (
    OVERRIDE_REVIEW_REFUSED,
    competence_assess,
    consent_expiry_sweep,
    consent_record,
    consent_review_complete,
    consent_review_sweep,
    consent_withdraw,
    safeguarding_override_open,
    safeguarding_override_review,
)
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from apps.sharing.models import ChildUserObjectPermission
from apps.sharing.selectors import access_child
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    ProfessionalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _sees(user, child, category="assessments") -> bool:
    codename = {"core": "view_child", "team": "view_child_team"}.get(category, f"view_child_{category}")
    return Child.objects.restrict(user, codename).filter(pk=child.pk).exists()


def _years_ago(years: int, days: int = 10) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def teenager(lead_professional):
    """A 16-year-old: presumed able to decide about their own information."""
    child = ChildFactory(given_name="Jay", family_name="Mensah", date_of_birth=_years_ago(16))
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    child_access_grant(child=child, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None)
    return child


@pytest.fixture
def clinician():
    return ProfessionalFactory(username="clinician", organisation__role="camhs-clinician")


def _consent(actor, child, **overrides):
    fields = {
        "grantor": Consent.Grantor.YOUNG_PERSON,
        "categories": ["assessments"],
        "recipient_kind": Consent.RecipientKind.PERSON,
        "purpose": "So CAMHS can plan support with school",
        "valid_from": timezone.localdate(),
        "form": Consent.Form.VERBAL,
        "evidence": "Jay agreed in our meeting on 20 November; his foster carer was present.",
    }
    return consent_record(actor=actor, child=child, **{**fields, **overrides})


# --- Permissions follow consent -------------------------------------------------------------------


def test_consent_shares_exactly_the_named_categories_with_the_named_person(
    lead_professional, teenager, clinician
):
    assert not _sees(clinician, teenager)
    _consent(lead_professional, teenager, recipient_user=clinician, categories=["assessments", "plans"])
    assert _sees(clinician, teenager, "assessments")
    assert _sees(clinician, teenager, "plans")
    assert not _sees(clinician, teenager, "substance_misuse")
    assert not _sees(clinician, teenager, "referrals")


def test_consent_to_an_organisation_reaches_its_current_staff(lead_professional, teenager, clinician):
    camhs = clinician.memberships.get().organisation
    colleague = ProfessionalFactory(organisation=camhs)
    elsewhere = ProfessionalFactory()
    _consent(lead_professional, teenager, recipient_kind="organisation", recipient_organisation=camhs)
    assert _sees(clinician, teenager)
    assert _sees(colleague, teenager)
    assert not _sees(elsewhere, teenager)


def test_consent_to_a_role_reaches_only_that_role(lead_professional, teenager, clinician):
    from apps.accounts.models import ProfessionalRole

    camhs = clinician.memberships.get().organisation
    manager = ProfessionalFactory(organisation=camhs, organisation__role="team-manager")
    _consent(
        lead_professional,
        teenager,
        recipient_kind="role",
        recipient_organisation=camhs,
        recipient_role=ProfessionalRole.objects.get(code="camhs-clinician"),
    )
    assert _sees(clinician, teenager)
    assert not _sees(manager, teenager)


def test_withdrawal_takes_effect_at_once(lead_professional, teenager, clinician):
    consent = _consent(lead_professional, teenager, recipient_user=clinician)
    consent_withdraw(actor=lead_professional, consent=consent, reason="Jay changed his mind after the review")
    assert not _sees(clinician, teenager)
    consent.refresh_from_db()
    assert consent.withdrawn_reason == "Jay changed his mind after the review"
    with pytest.raises(ApplicationError):
        consent_withdraw(actor=lead_professional, consent=consent, reason="again")


def test_an_expired_consent_is_ignored_even_before_the_sweep_runs(lead_professional, teenager, clinician):
    _consent(lead_professional, teenager, recipient_user=clinician, valid_until=timezone.localdate())
    assert _sees(clinician, teenager)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, hours=1)):
        assert not _sees(clinician, teenager)  # the permission row is still there; its end has passed
        assert ChildUserObjectPermission.objects.filter(user=clinician).exists()


def test_the_expiry_sweep_removes_the_rows_and_asks_for_a_review_once(lead_professional, teenager, clinician):
    _consent(lead_professional, teenager, recipient_user=clinician, valid_until=timezone.localdate())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, hours=1)):
        assert consent_expiry_sweep(today=tomorrow) == 1
        assert consent_expiry_sweep(today=tomorrow) == 0
    assert not ChildUserObjectPermission.objects.filter(user=clinician).exists()
    assert (
        ConsentReview.objects.filter(child=teenager, reason=ConsentReview.Reason.CONSENT_EXPIRED).count() == 1
    )


def test_another_reason_keeps_what_it_justifies_when_consent_goes(lead_professional, teenager, clinician):
    from apps.teams.services import team_member_add

    team_member_add(actor=lead_professional, child=teenager, kind="professional", user=clinician)
    consent = _consent(lead_professional, teenager, recipient_user=clinician)
    consent_withdraw(actor=lead_professional, consent=consent, reason="Withdrawn")
    assert _sees(clinician, teenager, "core")
    assert _sees(clinician, teenager, "team")
    assert not _sees(clinician, teenager, "assessments")


# --- Who can consent ----------------------------------------------------------------------------------


def test_under_16_without_a_competence_assessment_cannot_consent_alone(lead_professional, clinician):
    child = ChildFactory(date_of_birth=_years_ago(13))
    with pytest.raises(ValidationError) as error:
        _consent(lead_professional, child, recipient_user=clinician)
    assert "competence" in error.value.message_dict["grantor"][0]
    assert not Consent.objects.exists()


def test_a_gillick_competent_under_16_consents_for_themselves(lead_professional, clinician):
    child = ChildFactory(date_of_birth=_years_ago(14))
    competence_assess(
        actor=lead_professional,
        child=child,
        assessed_on=timezone.localdate(),
        decision="Whether CAMHS may share assessment findings with school",
        outcome="competent",
    )
    _consent(lead_professional, child, recipient_user=clinician)
    assert _sees(clinician, child)


def test_a_parent_consents_for_a_young_child_only_with_parental_responsibility(lead_professional, clinician):
    child = ChildFactory(date_of_birth=_years_ago(9))
    step_parent = FamilyMemberFactory(
        child=child, relationship="step_parent", has_parental_responsibility=False
    )
    with pytest.raises(ValidationError) as error:
        _consent(lead_professional, child, recipient_user=clinician, grantor="parent", parent=step_parent)
    assert "parental responsibility" in error.value.message_dict["parent"][0]
    mother = FamilyMemberFactory(child=child, has_parental_responsibility=True)
    _consent(lead_professional, child, recipient_user=clinician, grantor="parent", parent=mother)
    assert _sees(clinician, child)


def test_at_16_a_parent_cannot_consent_instead_of_the_young_person(lead_professional, teenager, clinician):
    mother = FamilyMemberFactory(child=teenager, has_parental_responsibility=True)
    with pytest.raises(ValidationError) as error:
        _consent(lead_professional, teenager, recipient_user=clinician, grantor="parent", parent=mother)
    assert "decide for themselves" in error.value.message_dict["grantor"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["everything"]}, "categories"),
        ({"valid_until": datetime.date(2020, 1, 1)}, "valid_until"),
        ({"recipient_kind": "organisation"}, "recipient_organisation"),
        ({"recipient_kind": "somebody"}, "recipient_kind"),
        ({"evidence": ""}, "evidence"),
    ],
)
def test_bad_consent_input_names_the_field_and_saves_nothing(
    lead_professional, teenager, clinician, overrides, field
):
    with pytest.raises(ValidationError) as error:
        _consent(lead_professional, teenager, recipient_user=clinician, **overrides)
    assert field in error.value.message_dict
    assert not Consent.objects.exists()
    assert not _sees(clinician, teenager)


# --- Sensitive categories and parents ---------------------------------------------------------------


def test_a_sensitive_category_never_reaches_a_parent_or_carer(lead_professional, teenager):
    carer = UserFactory(kind=User.Kind.PARENT_CARER)
    _consent(lead_professional, teenager, recipient_user=carer, categories=["core", "substance_misuse"])
    assert _sees(carer, teenager, "core")
    assert not _sees(carer, teenager, "substance_misuse")


# --- Consent reviews ---------------------------------------------------------------------------------


def test_a_review_at_16_sets_parental_consent_aside_until_it_is_done(lead_professional, clinician):
    child = ChildFactory(date_of_birth=_years_ago(16, days=0))  # sixteen today
    mother = FamilyMemberFactory(child=child, has_parental_responsibility=True)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        _consent(
            lead_professional,
            child,
            recipient_user=clinician,
            grantor="parent",
            parent=mother,
            valid_from=timezone.localdate(),
        )
    assert _sees(clinician, child)
    assert consent_review_sweep() == 1
    assert consent_review_sweep() == 0  # idempotent
    assert not _sees(clinician, child)  # the safer setting while the review is due
    review = ConsentReview.objects.get(child=child)
    consent_review_complete(
        actor=lead_professional, review=review, outcome_note="Agreed with Jay: keep sharing."
    )
    assert _sees(clinician, child)


# --- Safeguarding override ----------------------------------------------------------------------------


@pytest.fixture
def safeguarding_lead(lead_professional):
    council = lead_professional.memberships.get().organisation
    return ProfessionalFactory(
        username="safeguarding", organisation=council, organisation__role="safeguarding-lead"
    )


def _override(actor, child, **overrides):
    fields = {
        "lawful_basis": SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
        "justification": "Section 47 enquiry opened today after a disclosure at school.",
        "categories": ["assessments", "substance_misuse"],
    }
    return safeguarding_override_open(actor=actor, child=child, **{**fields, **overrides})


def test_an_override_shows_the_information_for_72_hours_and_alerts_the_safeguarding_lead(
    lead_professional, teenager, safeguarding_lead
):
    teenager.created_by_organisation = lead_professional.memberships.get().organisation
    teenager.save()
    override = _override(lead_professional, teenager)
    assert _sees(lead_professional, teenager, "substance_misuse")
    assert Notification.objects.get(kind=Notification.Kind.OVERRIDE).recipient == safeguarding_lead
    with time_machine.travel(override.expires_at + datetime.timedelta(minutes=1)):
        assert not _sees(lead_professional, teenager, "substance_misuse")


def test_an_override_needs_a_lawful_basis_and_a_justification(lead_professional, teenager):
    with pytest.raises(ValidationError) as error:
        _override(lead_professional, teenager, lawful_basis="curiosity", justification="because")
    assert {"lawful_basis", "justification"} <= set(error.value.message_dict)
    assert not SafeguardingOverride.objects.exists()


def test_an_override_is_reviewed_by_someone_else_and_ended_if_not_justified(
    lead_professional, teenager, safeguarding_lead
):
    override = _override(lead_professional, teenager)
    with pytest.raises(ApplicationError):
        safeguarding_override_review(
            actor=lead_professional, override=override, outcome="upheld", note="Fine"
        )
    safeguarding_override_review(
        actor=safeguarding_lead,
        override=override,
        outcome="not_upheld",
        note="Consent could have been sought.",
    )
    assert not _sees(lead_professional, teenager, "substance_misuse")


def test_a_safeguarding_lead_of_an_organisation_the_override_does_not_concern_cannot_review_it(
    lead_professional, teenager
):
    elsewhere = ProfessionalFactory(username="elsewhere", organisation__role="safeguarding-lead")
    override = _override(lead_professional, teenager)

    with pytest.raises(NotPermitted) as refusal:
        safeguarding_override_review(actor=elsewhere, override=override, outcome="upheld", note="Justified.")

    assert refusal.value.message == OVERRIDE_REVIEW_REFUSED
    override.refresh_from_db()
    assert (override.reviewed_at, override.reviewed_by_id) == (None, None)


# --- Disclosure log -------------------------------------------------------------------------------------


def test_a_read_from_another_organisation_is_disclosed_with_its_basis(lead_professional, teenager, clinician):
    teenager.created_by_organisation = lead_professional.memberships.get().organisation
    teenager.save()
    consent = _consent(
        lead_professional, teenager, recipient_user=clinician, categories=["core", "assessments"]
    )
    access_child(clinician, teenager.public_id)
    disclosure = Disclosure.objects.get(child=teenager, viewer=clinician)
    assert disclosure.basis == Disclosure.Basis.CONSENT
    assert disclosure.consent == consent
    assert disclosure.categories == ["assessments", "core"]


def test_a_read_inside_the_record_holders_organisation_is_not_a_disclosure(lead_professional, teenager):
    teenager.created_by_organisation = lead_professional.memberships.get().organisation
    teenager.save()
    access_child(lead_professional, teenager.public_id)
    assert not Disclosure.objects.exists()


def test_competence_assessments_keep_their_outcome(lead_professional):
    child = ChildFactory(date_of_birth=_years_ago(13))
    assessment = competence_assess(
        actor=lead_professional,
        child=child,
        assessed_on=timezone.localdate(),
        decision="Sharing with school",
        outcome=CompetenceAssessment.Outcome.NOT_COMPETENT,
    )
    assert assessment.get_outcome_display() == "Not competent to decide"


def test_a_consent_that_starts_later_applies_from_its_start_date(lead_professional, teenager, clinician):
    starts = timezone.localdate() + datetime.timedelta(days=3)
    _consent(lead_professional, teenager, recipient_user=clinician, valid_from=starts)
    assert not _sees(clinician, teenager)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        consent_expiry_sweep()
        assert _sees(clinician, teenager)


def test_a_change_of_placement_asks_for_a_consent_review(lead_professional, teenager):
    from apps.children.services import social_work_status_record

    record = {
        "actor": lead_professional,
        "child": teenager,
        "status": "looked_after",
        "legal_status": "in_care",
    }
    social_work_status_record(**record, placement_type="foster_care", started_on=datetime.date(2026, 1, 5))
    assert not ConsentReview.objects.exists()
    social_work_status_record(
        **record, placement_type="residential_home", started_on=datetime.date(2026, 6, 1)
    )
    review = ConsentReview.objects.get(child=teenager)
    assert (review.reason, review.due_on) == (
        ConsentReview.Reason.PLACEMENT_CHANGE,
        datetime.date(2026, 6, 1),
    )


def test_a_competent_young_person_keeps_a_category_from_their_parents(lead_professional, teenager):
    from apps.consent.services import parent_withholding_end, parent_withholding_record

    mum = UserFactory(kind=User.Kind.PARENT_CARER, username="mum")
    _consent(lead_professional, teenager, recipient_user=mum, categories=["core", "appointments"])
    assert _sees(mum, teenager, "appointments")
    withholding = parent_withholding_record(
        actor=lead_professional,
        child=teenager,
        category="appointments",
        judgement="Jay is 16 and clear he wants to attend on his own; no safeguarding concern.",
    )
    assert not _sees(mum, teenager, "appointments")
    assert _sees(mum, teenager, "core")
    parent_withholding_end(actor=lead_professional, withholding=withholding)
    assert _sees(mum, teenager, "appointments")


def test_a_young_child_not_assessed_as_competent_cannot_keep_things_from_parents(lead_professional):
    from apps.consent.services import parent_withholding_record

    child = ChildFactory(date_of_birth=_years_ago(12))
    with pytest.raises(ValidationError) as error:
        parent_withholding_record(actor=lead_professional, child=child, category="plans", judgement="Asked")
    assert "competent" in error.value.message_dict["category"][0]
