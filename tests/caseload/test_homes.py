"""Each role's home, a work queue first (issue 14): who lands where, what each queue lists and what it
leaves out, the decline the senior reviewer judges, the manager's figures and their CSV, and flat query
counts however long the lists are."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, OrganisationType, ProfessionalRole
from apps.appointments.models import MissedAppointmentFollowUp
from apps.audit.models import AuditEvent
from apps.children.models import SocialWorkInvolvement
from apps.consent.models import SafeguardingOverride
from apps.consent.selectors import overrides_awaiting_review
from apps.consent.services import safeguarding_override_open
from apps.consent.services.overrides import safeguarding_override_check_may_review
from apps.core.exceptions import NotPermitted
from apps.referrals.services import referral_decline
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.models import TeamMembership
from apps.teams.services import team_member_add
from tests.auth import sign_in
from tests.factories import (
    ChildFactory,
    OrganisationFactory,
    ProfessionalFactory,
    SocialWorkInvolvementFactory,
)
from tests.referrals.factories import camhs_organisation, referral_for

pytestmark = pytest.mark.django_db

HOME = reverse("caseload:home")
SAFEGUARDING = reverse("caseload:home-safeguarding")
DECLINES = reverse("caseload:home-declines")
LOOKED_AFTER = reverse("caseload:home-looked-after")
PUPILS = reverse("caseload:home-pupils")
TEAM = reverse("caseload:home-team")
TEAM_CSV = reverse("caseload:home-team-csv")
MY_REFERRALS = reverse("caseload:home-referrals")
ALTERNATIVE = {
    "kind": "named_service",
    "service_name": "Kooth online counselling",
    "detail": "MARKER-ALTERNATIVE: Kooth can talk with Sam this week; school will help her sign up.",
}


def _held_child(holder, **fields):
    """A child whose record ``holder``'s organisation holds, shared with ``holder``."""
    organisation = OrganisationMembership.objects.current().filter(user=holder).first().organisation
    child = ChildFactory(created_by_organisation=organisation, **fields)
    child_access_grant(child=child, user=holder, basis=AccessGrant.Basis.CREATOR, granted_by=holder)
    return child


def _grant(child, user):
    """A view-only grant by an administrator, as the demo gives the IRO and the team manager."""
    child_access_grant(
        child=child,
        user=user,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        can_change=False,
        reason="Needs sight of the record for their role.",
    )


def _on_team(child, user, actor):
    membership = OrganisationMembership.objects.current().filter(user=user).first()
    team_member_add(
        actor=actor,
        child=child,
        kind=TeamMembership.Kind.PROFESSIONAL,
        user=user,
        organisation=membership.organisation,
        professional_role=membership.role,
    )


def _open_override(opener, child, justification="Section 47 enquiry after a disclosure at school today."):
    return safeguarding_override_open(
        actor=opener,
        child=child,
        lawful_basis="child_protection_enquiry",
        justification=justification,
        categories=["plans"],
    )


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_role(user, organisation, role):
    OrganisationMembership.objects.create(
        user=user,
        organisation=organisation,
        role=ProfessionalRole.objects.get(code=role),
        started_on=timezone.localdate(),
    )


# --- Where each person starts ------------------------------------------------------------------------


def test_the_start_sends_a_lead_professional_to_their_caseload(client, lead_professional):
    sign_in(client, lead_professional)
    assert client.get("/")["Location"] == HOME
    assert client.get(HOME)["Location"] == reverse("caseload:caseload")


def test_a_safeguarding_lead_starts_at_their_queue(client, social_care):
    lead = ProfessionalFactory(organisation=social_care, organisation__role="safeguarding-lead")
    sign_in(client, lead)
    assert client.get(HOME)["Location"] == SAFEGUARDING


def test_a_person_with_several_roles_chooses_and_the_choice_is_remembered(client, social_care):
    person = ProfessionalFactory(organisation=social_care, organisation__role="safeguarding-lead")
    _add_role(person, social_care, "team-manager")
    sign_in(client, person)

    chooser = client.get(HOME)
    assert chooser.status_code == 200
    assert "Where do you want to start?" in chooser.text
    assert f'href="{SAFEGUARDING}"' in chooser.text
    assert f'href="{TEAM}"' in chooser.text
    # "Your caseload" stays within reach of every home.
    assert f'href="{reverse("caseload:caseload")}"' in chooser.text

    client.get(TEAM)
    assert client.get(HOME)["Location"] == TEAM
    client.get(SAFEGUARDING)
    assert client.get(HOME)["Location"] == SAFEGUARDING


def test_a_home_is_refused_to_someone_without_its_role(client, lead_professional):
    sign_in(client, lead_professional)
    for url in (SAFEGUARDING, DECLINES, LOOKED_AFTER, PUPILS, TEAM, TEAM_CSV):
        assert client.get(url).status_code == 403
    assert client.get(MY_REFERRALS).status_code == 200


# --- The safeguarding lead ---------------------------------------------------------------------------


@pytest.fixture
def safeguarding_lead(social_care):
    return ProfessionalFactory(
        username="sg.lead",
        display_name="Sade Safeguarding",
        organisation=social_care,
        organisation__role="safeguarding-lead",
    )


def test_overrides_of_the_leads_organisations_wait_for_review_and_others_do_not(
    client, social_care, lead_professional, safeguarding_lead
):
    ours = _open_override(lead_professional, _held_child(lead_professional, given_name="Ourchild"))
    elsewhere = ProfessionalFactory()
    theirs = _open_override(elsewhere, _held_child(elsewhere, given_name="Theirchild"))
    reviewed = _open_override(lead_professional, _held_child(lead_professional, given_name="Reviewedchild"))
    SafeguardingOverride.objects.filter(pk=reviewed.pk).update(reviewed_at=timezone.now())
    run_out = _open_override(lead_professional, _held_child(lead_professional, given_name="Runoutchild"))
    SafeguardingOverride.objects.filter(pk=run_out.pk).update(
        starts_at=timezone.now() - timedelta(hours=80), expires_at=timezone.now() - timedelta(hours=8)
    )

    assert list(overrides_awaiting_review(user=safeguarding_lead)) == [ours]
    sign_in(client, safeguarding_lead)
    page = client.get(SAFEGUARDING).text
    # The lead was alerted to review it, so the task opened the child's core record to her: named.
    assert "Ourchild" in page
    assert "Theirchild" not in page
    assert "Reviewedchild" not in page
    assert "Runoutchild" not in page
    assert theirs.pk not in [o.pk for o in overrides_awaiting_review(user=safeguarding_lead)]


def test_the_queue_and_the_review_rule_agree(social_care, lead_professional, safeguarding_lead):
    """The queue is the query form of ``safeguarding_override_check_may_review``: listed exactly when the lead
    may review it. The opener's organisation counts as well as the record holder's."""
    holder_elsewhere = ProfessionalFactory()
    child_elsewhere = _held_child(holder_elsewhere)
    _grant(child_elsewhere, lead_professional)
    overrides = [
        _open_override(lead_professional, _held_child(lead_professional)),  # ours, held here
        _open_override(lead_professional, child_elsewhere),  # opened by our worker, held elsewhere
        _open_override(holder_elsewhere, _held_child(holder_elsewhere)),  # neither
        _open_override(safeguarding_lead, _held_child(safeguarding_lead)),  # her own: someone else reviews
    ]
    listed = set(overrides_awaiting_review(user=safeguarding_lead))
    for override in overrides:
        try:
            safeguarding_override_check_may_review(actor=safeguarding_lead, override=override)
            may_review = override.opened_by_id != safeguarding_lead.pk
        except NotPermitted:
            may_review = False
        assert (override in listed) == may_review
    assert listed == {overrides[0], overrides[1]}


def test_a_shared_child_is_named_and_linked_and_the_listing_is_audited(
    client, lead_professional, safeguarding_lead
):
    child = _held_child(lead_professional, given_name="Sharedname")
    _grant(child, safeguarding_lead)
    override = _open_override(lead_professional, child)
    sign_in(client, safeguarding_lead)

    page = client.get(SAFEGUARDING).text

    assert "Sharedname" in page
    assert reverse("consent:override-review", args=[child.public_id, override.public_id]) in page
    assert AuditEvent.objects.filter(
        actor=safeguarding_lead, child=child, action=AuditEvent.Action.LIST
    ).exists()


def test_escalated_follow_ups_of_the_leads_organisations_are_listed_until_done(
    client, lead_professional, safeguarding_lead
):
    from tests.appointments.factories import missed

    ours = _held_child(lead_professional, given_name="Escalatedchild")
    _grant(ours, safeguarding_lead)
    missed(ours, lead_professional)
    follow_up = MissedAppointmentFollowUp.objects.get(child=ours)
    MissedAppointmentFollowUp.objects.filter(pk=follow_up.pk).update(
        escalated_at=timezone.now(), escalation_reason="Missed twice in a row"
    )
    elsewhere = ProfessionalFactory()
    theirs = _held_child(elsewhere, given_name="Elsewherechild")
    missed(theirs, elsewhere)
    MissedAppointmentFollowUp.objects.filter(child=theirs).update(escalated_at=timezone.now())
    sign_in(client, safeguarding_lead)

    page = client.get(SAFEGUARDING).text
    assert "Escalatedchild" in page
    assert "Missed twice in a row" in page
    assert reverse("appointments:follow-up", args=[ours.public_id, follow_up.public_id]) in page
    assert "Elsewherechild" not in page

    MissedAppointmentFollowUp.objects.filter(pk=follow_up.pk).update(status="withdrawn")
    assert "Escalatedchild" not in client.get(SAFEGUARDING).text


def test_the_safeguarding_queue_pages_with_a_flat_query_count(client, lead_professional, safeguarding_lead):
    def add(count):
        for _ in range(count):
            child = _held_child(lead_professional)
            _grant(child, safeguarding_lead)
            _open_override(lead_professional, child)

    sign_in(client, safeguarding_lead)
    add(2)
    small = _query_count(client, SAFEGUARDING)
    add(30)
    assert _query_count(client, SAFEGUARDING) == small
    page_two = client.get(SAFEGUARDING + "?overrides=2")
    assert page_two.status_code == 200
    assert page_two.text.count("consent/override/") == 12  # 32 overrides, 20 a page


# --- The clinical lead -------------------------------------------------------------------------------


@pytest.fixture
def instability_decline(lead_professional, child):
    camhs = camhs_organisation()
    clinician = ProfessionalFactory(organisation=camhs, organisation__role="camhs-clinician")
    clinical_lead = ProfessionalFactory(
        username="clin.lead",
        display_name="Cleo Clinical",
        organisation=camhs,
        organisation__role="clinical-lead",
    )
    referral = referral_for(child, lead_professional, camhs)
    referral_decline(
        actor=clinician,
        referral=referral,
        reason="unstable_placement",
        explanation="MARKER-EXPLANATION: Sam has just moved placement.",
        alternatives=[ALTERNATIVE],
    )
    return referral, clinical_lead


def test_the_clinical_lead_sees_declines_to_agree_with_the_decline_itself(client, instability_decline):
    referral, clinical_lead = instability_decline
    sign_in(client, clinical_lead)
    assert client.get(HOME)["Location"] == DECLINES

    page = client.get(DECLINES).text

    assert "MARKER-EXPLANATION" in page
    assert "MARKER-ALTERNATIVE" in page
    assert (
        reverse("referrals:referral-senior-review", args=[referral.child.public_id, referral.public_id])
        in page
    )


def test_the_senior_review_page_shows_the_reason_and_the_alternatives(client, instability_decline):
    referral, clinical_lead = instability_decline
    sign_in(client, clinical_lead)

    page = client.get(
        reverse("referrals:referral-senior-review", args=[referral.child.public_id, referral.public_id])
    )

    assert page.status_code == 200
    assert "MARKER-EXPLANATION" in page.text
    assert "MARKER-ALTERNATIVE" in page.text
    assert "Placement" in page.text or "placement" in page.text


def test_another_services_clinical_lead_has_no_decline_to_agree(client, instability_decline):
    other_lead = ProfessionalFactory(
        organisation=camhs_organisation("Other CAMHS"), organisation__role="clinical-lead"
    )
    sign_in(client, other_lead)
    assert "MARKER-EXPLANATION" not in client.get(DECLINES).text


# --- The IRO and the designated teacher ----------------------------------------------------------------


def test_the_iro_sees_their_looked_after_children_only(client, social_care, lead_professional):
    iro = ProfessionalFactory(organisation=social_care, organisation__role="iro")
    looked_after = _held_child(lead_professional, given_name="Lookedafter")
    SocialWorkInvolvementFactory(child=looked_after, status=SocialWorkInvolvement.Status.LOOKED_AFTER)
    in_need = _held_child(lead_professional, given_name="Inneed")
    SocialWorkInvolvementFactory(child=in_need, status=SocialWorkInvolvement.Status.CHILD_IN_NEED)
    not_theirs = _held_child(lead_professional, given_name="Notgranted")
    SocialWorkInvolvementFactory(child=not_theirs, status=SocialWorkInvolvement.Status.LOOKED_AFTER)
    for child in (looked_after, in_need):
        _grant(child, iro)
    sign_in(client, iro)
    assert client.get(HOME)["Location"] == LOOKED_AFTER

    page = client.get(LOOKED_AFTER).text

    assert "Lookedafter" in page
    assert "Inneed" not in page
    assert "Notgranted" not in page
    assert AuditEvent.objects.filter(actor=iro, child=looked_after, action=AuditEvent.Action.LIST).exists()


def test_the_iro_list_pages_with_a_flat_query_count(client, social_care, lead_professional):
    iro = ProfessionalFactory(organisation=social_care, organisation__role="iro")

    def add(count):
        for _ in range(count):
            child = _held_child(lead_professional)
            SocialWorkInvolvementFactory(child=child, status=SocialWorkInvolvement.Status.LOOKED_AFTER)
            _grant(child, iro)

    sign_in(client, iro)
    add(2)
    small = _query_count(client, LOOKED_AFTER)
    add(25)
    assert _query_count(client, LOOKED_AFTER) == small


def test_the_designated_teacher_sees_children_whose_team_includes_their_school(client, lead_professional):
    school = OrganisationFactory(
        name="Synthetic Academy", type=OrganisationType.objects.get(code="school-or-college")
    )
    teacher = ProfessionalFactory(organisation=school, organisation__role="designated-teacher")
    pupil = _held_child(lead_professional, given_name="Pupilchild")
    team_member_add(
        actor=lead_professional,
        child=pupil,
        kind=TeamMembership.Kind.PROFESSIONAL,
        user=teacher,
        organisation=school,
        professional_role=ProfessionalRole.objects.get(code="designated-teacher"),
    )
    _held_child(lead_professional, given_name="Notapupil")
    sign_in(client, teacher)
    assert client.get(HOME)["Location"] == PUPILS

    page = client.get(PUPILS).text

    assert "Pupilchild" in page
    assert "Notapupil" not in page


# --- The team manager ---------------------------------------------------------------------------------


def test_the_team_figures_count_their_organisation_only_and_the_csv_matches_and_is_audited(
    client, social_care, lead_professional
):
    from apps.teams.services import action_add

    manager = ProfessionalFactory(
        display_name="Mina Manager", organisation=social_care, organisation__role="team-manager"
    )
    child = _held_child(lead_professional)
    _on_team(child, lead_professional, lead_professional)
    for days in (3, 5):
        action_add(
            actor=lead_professional,
            child=child,
            description="Ring the school",
            owner=lead_professional,
            due_on=timezone.localdate() - timedelta(days=days),
        )
    elsewhere = ProfessionalFactory(display_name="Eli Elsewhere")
    other_child = _held_child(elsewhere)
    _on_team(other_child, elsewhere, elsewhere)
    action_add(
        actor=elsewhere,
        child=other_child,
        description="Ring the school",
        owner=elsewhere,
        due_on=timezone.localdate() - timedelta(days=3),
    )
    sign_in(client, manager)

    page = client.get(TEAM)
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "Lena Lead" in page.text
    assert "Eli Elsewhere" not in page.text

    response = client.get(TEAM_CSV)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Worker"
    lena = next(row for row in rows if row and row[0] == "Lena Lead")
    assert lena[3] == "2"  # two overdue actions
    assert not any(row and row[0] == "Eli Elsewhere" for row in rows)
    assert AuditEvent.objects.filter(
        actor=manager, basis="team figures export", target_id=str(social_care.public_id)
    ).exists()


def test_the_team_figures_take_a_fixed_number_of_queries(client, social_care, lead_professional):
    from apps.teams.services import action_add

    manager = ProfessionalFactory(organisation=social_care, organisation__role="team-manager")
    sign_in(client, manager)

    def add(count):
        for _ in range(count):
            worker = ProfessionalFactory(organisation=social_care)
            child = _held_child(worker)
            _on_team(child, worker, worker)
            action_add(
                actor=worker,
                child=child,
                description="Visit",
                owner=worker,
                due_on=timezone.localdate() - timedelta(days=2),
            )

    add(1)
    small = _query_count(client, TEAM)
    add(8)
    assert _query_count(client, TEAM) == small


# --- The referrer -------------------------------------------------------------------------------------


def test_my_referrals_lists_what_i_referred_and_not_others(client, lead_professional, child):
    camhs = camhs_organisation()
    referral_for(child, lead_professional, camhs)
    colleague = ProfessionalFactory()
    other_child = _held_child(colleague, given_name="Otherreferred")
    referral_for(other_child, colleague, camhs)
    sign_in(client, lead_professional)

    page = client.get(MY_REFERRALS).text

    assert "Sam" in page
    assert "Synthetic NHS CAMHS" in page
    assert "Received" in page
    assert "Otherreferred" not in page
    assert AuditEvent.objects.filter(actor=lead_professional, child=child, basis="my referrals").exists()


def test_my_referrals_pages_with_a_flat_query_count(client, lead_professional):
    camhs = camhs_organisation()

    def add(count):
        for _ in range(count):
            referral_for(_held_child(lead_professional), lead_professional, camhs)

    sign_in(client, lead_professional)
    add(2)
    small = _query_count(client, MY_REFERRALS)
    add(25)
    assert _query_count(client, MY_REFERRALS) == small
