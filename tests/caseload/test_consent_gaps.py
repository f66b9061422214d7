"""Consent gaps (issue 13): crafted cases each give exactly the gap expected, and none once it is covered.

Every case is built through the real services (consent, competence, reviews, the team), and read the way the
pages read it (``consent_gaps_for`` with the viewer's access decision); the caseload's filter, the browser
and the API are checked at the end, with a constant number of queries whatever the caseload's length.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ProfessionalRole, User
from apps.caseload.consent_gaps import GapKind, consent_gaps_for
from apps.caseload.selectors import caseload
from apps.consent.models import Consent, ConsentReview
from apps.consent.services import (
    competence_assess,
    consent_record,
    consent_review_complete,
    consent_review_schedule,
    consent_withdraw,
)
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.services import team_member_end
from tests.auth import sign_in
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    UserFactory,
)
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

CASELOAD_API = "/api/v1/caseload/"


def _today() -> datetime.date:
    return timezone.localdate()


def _born(years: int, days: int = 30) -> datetime.date:
    """A date of birth ``years`` old, their birthday ``days`` ago."""
    day = _today() - datetime.timedelta(days=days)
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _consent(
    child,
    *,
    actor,
    organisation=None,
    user=None,
    role=None,
    parent=None,
    valid_until=None,
    valid_from=None,
) -> Consent:
    if user is not None:
        recipient = {"recipient_kind": Consent.RecipientKind.PERSON, "recipient_user": user}
    elif role is not None:
        recipient = {
            "recipient_kind": Consent.RecipientKind.ROLE,
            "recipient_organisation": organisation,
            "recipient_role": role,
        }
    else:
        recipient = {
            "recipient_kind": Consent.RecipientKind.ORGANISATION,
            "recipient_organisation": organisation,
        }
    return consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.PARENT if parent else Consent.Grantor.YOUNG_PERSON,
        parent=parent,
        categories=["plans", "appointments"],
        purpose="So the team can plan together.",
        valid_from=valid_from or _today(),
        valid_until=valid_until,
        form=Consent.Form.WRITTEN,
        evidence="Signed form on file.",
        **recipient,
    )


def _gaps(child, viewer) -> list:
    access = child_access(user=viewer, child=child)
    return consent_gaps_for(children=[child], accesses={child.pk: access}).get(child.pk, [])


def _kinds(child, viewer) -> list[str]:
    return [gap.kind for gap in _gaps(child, viewer)]


@pytest.fixture
def lead(social_care):
    return ProfessionalFactory(username="lead.gaps", display_name="Lena Lead", organisation=social_care)


@pytest.fixture
def older(lead, social_care):
    """A 17-year-old whose lead professional's council has their consent, open-ended: no gaps at all."""
    child = ChildFactory(given_name="Olu", family_name="Older", date_of_birth=_born(17))
    lead_for(child, lead)
    _consent(child, actor=lead, organisation=social_care)
    return child


@pytest.fixture
def camhs():
    return OrganisationFactory(name="Synthetic CAMHS")


@pytest.fixture
def clinician(camhs):
    return ProfessionalFactory(
        username="clinician.gaps",
        display_name="Cal Clinician",
        organisation=camhs,
        organisation__role="camhs-clinician",
    )


def test_a_child_whose_consent_covers_the_team_has_no_gaps(older, lead):
    assert _gaps(older, lead) == []


# --- Ending soon -----------------------------------------------------------------------------------------


def test_a_consent_ending_within_30_days_is_a_gap_until_it_is_renewed(older, lead):
    outsider_professional = ProfessionalFactory(display_name="Pat Partner")
    ending = _consent(
        older, actor=lead, user=outsider_professional, valid_until=_today() + datetime.timedelta(days=10)
    )

    [gap] = _gaps(older, lead)
    assert gap.kind == GapKind.ENDING_SOON
    assert gap.consent == ending.public_id
    assert gap.on == ending.valid_until
    assert "Pat Partner" in gap.message
    assert "(in 10 days)" in gap.message
    assert gap.fix_url.endswith(f"/children/{older.public_id}/consent/#consents")

    # Renewed from the day after it ends, with no end: nothing to do.
    _consent(
        older,
        actor=lead,
        user=outsider_professional,
        valid_from=ending.valid_until + datetime.timedelta(days=1),
    )
    assert _gaps(older, lead) == []


def test_a_consent_ending_in_more_than_30_days_is_no_gap(older, lead):
    _consent(
        older, actor=lead, user=ProfessionalFactory(), valid_until=_today() + datetime.timedelta(days=31)
    )
    assert _gaps(older, lead) == []


def test_a_renewal_that_leaves_days_uncovered_is_no_renewal(older, lead):
    partner = ProfessionalFactory()
    ending = _consent(older, actor=lead, user=partner, valid_until=_today() + datetime.timedelta(days=5))
    _consent(older, actor=lead, user=partner, valid_from=ending.valid_until + datetime.timedelta(days=3))
    assert _kinds(older, lead) == [GapKind.ENDING_SOON]


# --- Withdrawn ------------------------------------------------------------------------------------------


def test_a_withdrawal_is_shown_for_30_days_unless_a_new_consent_replaces_it(older, lead):
    partner = ProfessionalFactory(display_name="Pat Partner")
    consent = _consent(older, actor=lead, user=partner)
    consent_withdraw(actor=lead, consent=consent, reason="Sam asked us to stop.")

    [gap] = _gaps(older, lead)
    assert (gap.kind, gap.consent, gap.on) == (GapKind.WITHDRAWN, consent.public_id, _today())
    assert "Pat Partner" in gap.message

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert [g for g in _gaps(older, lead) if g.kind == GapKind.WITHDRAWN] == []

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        _consent(older, actor=lead, user=partner)
    assert _gaps(older, lead) == []


# --- A parent's consent set aside until a review ---------------------------------------------------------


def test_a_due_review_sets_a_parents_consent_aside_and_is_a_gap_until_done(lead, social_care):
    child = ChildFactory(given_name="Pip", date_of_birth=_born(11))  # Below the age competence is looked at.
    lead_for(child, lead)
    mother = FamilyMemberFactory(child=child, name="Grace Pip")
    _consent(child, actor=lead, organisation=social_care, parent=mother)
    assert _gaps(child, lead) == []

    review, _ = consent_review_schedule(
        child=child,
        reason=ConsentReview.Reason.PLACEMENT_CHANGE,
        due_on=_today() - datetime.timedelta(days=2),
    )
    [gap] = _gaps(child, lead)
    assert (gap.kind, gap.review) == (GapKind.PARENT_CONSENT_REVIEW_DUE, review.public_id)
    assert "1 consent a parent gave alone is set aside" in gap.message
    assert gap.fix_url.endswith("#reviews")

    consent_review_complete(actor=lead, review=review, outcome_note="Talked it through with Pip and Grace.")
    assert _gaps(child, lead) == []


def test_a_review_due_with_only_the_young_persons_own_consent_is_no_gap(older, lead):
    consent_review_schedule(child=older, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=_today())
    assert _gaps(older, lead) == []


# --- A team member's organisation without consent ---------------------------------------------------------


def test_a_team_members_organisation_without_consent_is_a_gap(older, lead, camhs, clinician):
    professional_joins(older, clinician, actor=lead)

    [gap] = _gaps(older, lead)
    assert (gap.kind, gap.organisation) == (GapKind.ORGANISATION_WITHOUT_CONSENT, camhs.public_id)
    assert "Synthetic CAMHS" in gap.message
    assert "Cal Clinician" in gap.message


@pytest.mark.parametrize("covered_by", ["organisation", "role", "person"])
def test_a_team_members_organisation_is_covered_by_consent_to_it_their_role_or_them(
    older, lead, camhs, clinician, covered_by
):
    professional_joins(older, clinician, actor=lead)
    if covered_by == "organisation":
        _consent(older, actor=lead, organisation=camhs)
    elif covered_by == "role":
        _consent(
            older, actor=lead, organisation=camhs, role=ProfessionalRole.objects.get(code="camhs-clinician")
        )
    else:
        _consent(older, actor=lead, user=clinician)
    assert _gaps(older, lead) == []


def test_a_member_who_left_the_team_is_no_gap(older, lead, clinician):
    membership = professional_joins(older, clinician, actor=lead)
    team_member_end(actor=lead, membership=membership, ended_on=_today())
    assert _gaps(older, lead) == []


def test_someone_who_does_not_see_the_team_is_not_told_who_is_in_it(older, lead, clinician):
    professional_joins(older, clinician, actor=lead)
    referrer = ProfessionalFactory(display_name="Ray Referrer")
    child_access_grant(child=older, user=referrer, basis=AccessGrant.Basis.REFERRAL, granted_by=None)

    assert child_access(user=referrer, child=older).sees_consent_register
    assert _gaps(older, referrer) == []
    assert _kinds(older, lead) == [GapKind.ORGANISATION_WITHOUT_CONSENT]


# --- No competence assessment ------------------------------------------------------------------------------


def test_a_young_person_of_12_to_15_on_a_parents_consent_without_a_competence_assessment(lead, social_care):
    child = ChildFactory(given_name="Tia", date_of_birth=_born(14))
    lead_for(child, lead)
    _consent(child, actor=lead, organisation=social_care, parent=FamilyMemberFactory(child=child))

    [gap] = _gaps(child, lead)
    assert gap.kind == GapKind.NO_COMPETENCE_ASSESSMENT
    assert "Tia is 14" in gap.message
    assert gap.fix_url.endswith("#competence")

    competence_assess(
        actor=lead,
        child=child,
        assessed_on=_today(),
        decision="Whether Tia can decide who sees her plans",
        outcome="not_competent",
    )
    assert _gaps(child, lead) == []


@pytest.mark.parametrize("age", [11, 16])
def test_no_competence_gap_below_12_or_from_16(lead, social_care, age):
    child = ChildFactory(date_of_birth=_born(age))
    lead_for(child, lead)
    if age < 16:
        _consent(child, actor=lead, organisation=social_care, parent=FamilyMemberFactory(child=child))
    else:
        _consent(child, actor=lead, organisation=social_care)
    assert _gaps(child, lead) == []


# --- Who sees them ------------------------------------------------------------------------------------------


def test_a_parent_or_carer_is_never_shown_consent_gaps(older, lead):
    carer = UserFactory(kind=User.Kind.PARENT_CARER, display_name="Grace Older")
    partner = ProfessionalFactory()
    ending = _consent(older, actor=lead, user=partner, valid_until=_today() + datetime.timedelta(days=3))
    assert ending
    consent_record(
        actor=lead,
        child=older,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=["core"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=carer,
        purpose="Keeping Mum informed.",
        valid_from=_today(),
        form=Consent.Form.WRITTEN,
        evidence="Signed.",
    )
    access = child_access(user=carer, child=older)
    assert access.can_see_child
    assert not access.sees_consent_register
    assert _gaps(older, carer) == []

    client = APIClient()
    client.force_authenticate(carer)
    body = client.get(f"/api/v1/children/{older.public_id}/information/").json()
    assert body["core"]["record"]["consent_gaps"] is None


# --- The caseload: the column, the filter, the API, and a constant number of queries ----------------------


def _child_with_every_gap(lead, social_care, clinician, *, name: str = "Gus"):
    """A 14-year-old on a parent's consent ending in a week, never assessed, with a review due, a withdrawal
    and a CAMHS clinician in the team without consent: one of each kind of gap."""
    child = ChildFactory(given_name=name, family_name="Gaps", date_of_birth=_born(14))
    lead_for(child, lead)
    professional_joins(child, clinician, actor=lead)
    mother = FamilyMemberFactory(child=child)
    _consent(
        child,
        actor=lead,
        organisation=social_care,
        parent=mother,
        valid_until=_today() + datetime.timedelta(7),
    )
    withdrawn = _consent(child, actor=lead, user=ProfessionalFactory(), parent=mother)
    consent_withdraw(actor=lead, consent=withdrawn, reason="Mum changed her mind.")
    consent_review_schedule(child=child, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=_today())
    return child


def test_one_child_can_have_every_kind_of_gap_most_pressing_first(lead, social_care, clinician):
    child = _child_with_every_gap(lead, social_care, clinician)
    assert _kinds(child, lead) == [
        GapKind.PARENT_CONSENT_REVIEW_DUE,
        GapKind.ENDING_SOON,
        GapKind.ORGANISATION_WITHOUT_CONSENT,
        GapKind.NO_COMPETENCE_ASSESSMENT,
        GapKind.WITHDRAWN,
    ]


def test_the_caseload_filter_keeps_exactly_the_children_with_gaps(older, lead, social_care, clinician):
    gappy = _child_with_every_gap(lead, social_care, clinician)

    everyone = caseload(user=lead)
    with_gaps = caseload(user=lead, only="consent_gaps")

    assert {row.child.pk for row in everyone} == {older.pk, gappy.pk}
    assert [row.child.pk for row in with_gaps] == [gappy.pk]
    assert len(with_gaps[0].consent_gaps) == 5


@pytest.mark.parametrize("kind", list(GapKind))
def test_the_filter_finds_each_kind_of_gap_on_its_own(lead, social_care, clinician, kind):
    """The filter's EXISTS and the words shown are built from the same rows: each kind alone is found."""
    child = ChildFactory(date_of_birth=_born(14 if kind == GapKind.NO_COMPETENCE_ASSESSMENT else 17))
    lead_for(child, lead)
    mother = FamilyMemberFactory(child=child)
    if kind == GapKind.NO_COMPETENCE_ASSESSMENT:
        _consent(child, actor=lead, organisation=social_care, parent=mother)
    else:
        _consent(child, actor=lead, organisation=social_care)
    if kind == GapKind.ENDING_SOON:
        _consent(
            child, actor=lead, user=ProfessionalFactory(), valid_until=_today() + datetime.timedelta(days=1)
        )
    elif kind == GapKind.WITHDRAWN:
        consent_withdraw(
            actor=lead, consent=_consent(child, actor=lead, user=ProfessionalFactory()), reason="No."
        )
    elif kind == GapKind.ORGANISATION_WITHOUT_CONSENT:
        professional_joins(child, clinician, actor=lead)
    elif kind == GapKind.PARENT_CONSENT_REVIEW_DUE:
        young = ChildFactory(date_of_birth=_born(10))
        lead_for(young, lead)
        _consent(young, actor=lead, organisation=social_care, parent=FamilyMemberFactory(child=young))
        consent_review_schedule(child=young, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=_today())
        child = young

    [row] = caseload(user=lead, only="consent_gaps")
    assert row.child.pk == child.pk
    assert [gap.kind for gap in row.consent_gaps] == [kind]


def test_the_caseload_page_shows_each_gap_linking_to_where_it_is_fixed(
    client, lead, social_care, clinician, older
):
    child = _child_with_every_gap(lead, social_care, clinician)
    sign_in(client, lead)

    page = client.get("/caseload/").text
    assert "None yet" not in page
    consent_page = f"/children/{child.public_id}/consent/"
    for anchor in ("#reviews", "#consents", "#competence"):
        assert f'href="{consent_page}{anchor}"' in page
    assert "Gus is 14 and a parent" in page

    filtered = client.get("/caseload/", {"only": "consent_gaps"}).text
    assert "1 child with consent gaps" in filtered
    assert "Olu Older" not in filtered


def test_the_caseload_api_lists_each_gap_and_filters_by_them(lead, social_care, clinician, older):
    child = _child_with_every_gap(lead, social_care, clinician)
    client = APIClient()
    client.force_authenticate(lead)

    rows = {row["public_id"]: row for row in client.get(CASELOAD_API).json()["results"]}
    assert rows[str(older.public_id)]["consent_gaps"] == []
    gaps = rows[str(child.public_id)]["consent_gaps"]
    assert [gap["kind"] for gap in gaps] == [
        "parent_consent_review_due",
        "ending_soon",
        "organisation_without_consent",
        "no_competence_assessment",
        "withdrawn",
    ]
    assert set(gaps[0]) == {"kind", "message", "on", "consent", "review", "organisation", "fix_url"}

    filtered = client.get(CASELOAD_API, {"only": "consent_gaps"}).json()
    assert [row["public_id"] for row in filtered["results"]] == [str(child.public_id)]


def test_the_child_detail_api_lists_the_gaps(lead, social_care, clinician):
    child = _child_with_every_gap(lead, social_care, clinician)
    client = APIClient()
    client.force_authenticate(lead)
    body = client.get(f"/api/v1/children/{child.public_id}/").json()
    assert len(body["consent_gaps"]) == 5


def test_the_childs_page_lists_the_gaps(client, lead, social_care, clinician):
    child = _child_with_every_gap(lead, social_care, clinician)
    sign_in(client, lead)
    page = client.get(f"/children/{child.public_id}/").text
    assert "Consent gaps to look at" in page
    assert page.count(f'href="/children/{child.public_id}/consent/#') >= 5


def test_gaps_cost_the_same_number_of_queries_for_2_and_12_children(
    lead, social_care, clinician, django_assert_num_queries
):
    def page(only: str = "") -> list:
        # A fresh user each time, as a request has: nothing cached from the last one.
        return caseload(user=User.objects.get(pk=lead.pk), only=only)

    for number in range(2):
        _child_with_every_gap(lead, social_care, clinician, name=f"Few{number}")
    with CaptureQueriesContext(connection) as few:
        assert sum(len(row.consent_gaps) for row in page()) == 10
    with CaptureQueriesContext(connection) as few_filtered:
        assert len(page("consent_gaps")) == 2

    for number in range(10):
        _child_with_every_gap(lead, social_care, clinician, name=f"Many{number}")
    with django_assert_num_queries(len(few)):
        assert sum(len(row.consent_gaps) for row in page()) == 60
    with django_assert_num_queries(len(few_filtered)):
        assert len(page("consent_gaps")) == 12
