"""Every alert reaches a person who can act, and the means to act (issue 14).

One routing rule per kind with its fallbacks (the organisation's safeguarding lead, then its team manager,
then the record holder's safeguarding lead, then Beacon's administrator), the access the task needs given on a
recorded basis while it is open and ended when it is done, the alert's link followed by the person alerted,
and no page claiming an alert that was not sent.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.appointments.models import MissedAppointmentFollowUp
from apps.appointments.services import follow_up_complete, follow_up_overdue_sweep
from apps.caseload.consent_views.overrides import override_opened_message
from apps.children.services import social_work_status_record
from apps.consent.models import SafeguardingOverride
from apps.consent.services import safeguarding_override_open, safeguarding_override_review
from apps.core.exceptions import NotPermitted
from apps.notifications.models import Notification
from apps.notifications.routing import AlertKind, Step, alert_route
from apps.referrals.models import Referral
from apps.referrals.services import referral_decline, referral_senior_review
from apps.sharing.access import child_access
from apps.sharing.models import LawfulBasis, TaskAccessGrant
from tests.appointments.factories import missed
from tests.auth import sign_in
from tests.factories import ChildFactory, OrganisationFactory, ProfessionalFactory
from tests.referrals.factories import camhs_organisation, referral_for
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

FollowUp = MissedAppointmentFollowUp
JUSTIFICATION = "Police called tonight: Sam is missing and we need her plans to find her."


def _person(organisation, role, username, **fields):
    return ProfessionalFactory(
        username=username,
        display_name=username.title(),
        organisation=organisation,
        organisation__role=role,
        **fields,
    )


def _opens(user, url) -> int:
    """The status the person gets following ``url`` (signed in with both factors)."""
    return sign_in(Client(), user).get(url).status_code


@pytest.fixture
def holder():
    return OrganisationFactory(name="Synthetic Record Holder Council")


@pytest.fixture
def held_child(holder, lead_professional):
    """A child whose record ``holder`` holds, with ``lead_professional`` (of another council) as lead."""
    child = ChildFactory(given_name="Samira", family_name="Okafor", created_by_organisation=holder)
    lead_for(child, lead_professional)
    return child


@pytest.fixture
def administrator():
    return ProfessionalFactory(username="beacon.admin", display_name="Ada Admin", is_staff=True)


# --- The rule, step by step --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [AlertKind.ESCALATION, AlertKind.OVERRIDE_REVIEW])
def test_each_fallback_step_in_turn(kind, social_care, holder, held_child, administrator):
    # The organisation's safeguarding lead first.
    manager = _person(social_care, "team-manager", "manager")
    lead = _person(social_care, "safeguarding-lead", "sg.lead")
    route = alert_route(kind=kind, organisation=social_care, child=held_child)
    assert (route.people, route.step, route.organisation) == ((lead,), Step.SAFEGUARDING_LEAD, social_care)
    # No safeguarding lead there: its team manager.
    lead.memberships.update(ended_on=timezone.localdate())
    route = alert_route(kind=kind, organisation=social_care, child=held_child)
    assert (route.people, route.step) == ((manager,), Step.TEAM_MANAGER)
    # Neither: any safeguarding lead of the organisation holding the record.
    manager.memberships.update(ended_on=timezone.localdate())
    holder_lead = _person(holder, "safeguarding-lead", "holder.lead")
    route = alert_route(kind=kind, organisation=social_care, child=held_child)
    assert (route.people, route.step, route.organisation) == (
        (holder_lead,),
        Step.HOLDER_SAFEGUARDING_LEAD,
        holder,
    )
    assert "holds the record" in route.described
    # None of those: Beacon's administrator (an active professional with is_staff).
    holder_lead.is_active = False
    holder_lead.save()
    route = alert_route(kind=kind, organisation=social_care, child=held_child)
    assert (route.people, route.step) == ((administrator,), Step.ADMINISTRATOR)
    assert route.described.startswith("Ada Admin (Beacon administrator")


def test_the_overdue_follow_up_goes_to_the_team_manager_first_and_the_decline_to_a_senior(
    social_care, held_child
):
    lead = _person(social_care, "safeguarding-lead", "sg.lead")
    manager = _person(social_care, "team-manager", "manager")
    clinical = _person(social_care, "clinical-lead", "clinical")
    overdue = alert_route(kind=AlertKind.FOLLOW_UP_OVERDUE, organisation=social_care, child=held_child)
    assert (overdue.people, overdue.step) == ((manager,), Step.TEAM_MANAGER)
    decline = alert_route(kind=AlertKind.DECLINE_REVIEW, organisation=social_care, child=held_child)
    assert (set(decline.people), decline.step) == ({manager, clinical}, Step.SENIOR_REVIEWER)
    # Never the person excluded (the decider), and the next step answers when they were the only one.
    only = alert_route(
        kind=AlertKind.OVERRIDE_REVIEW, organisation=social_care, child=held_child, exclude=[lead]
    )
    assert (only.people, only.step) == ((manager,), Step.TEAM_MANAGER)


def test_with_nobody_at_all_the_route_is_empty_and_says_so(social_care, held_child):
    route = alert_route(kind=AlertKind.ESCALATION, organisation=social_care, child=held_child)
    assert not route
    assert route.step == Step.NOBODY
    assert "Nobody could be alerted" in route.described


# --- Escalation of a looked-after child's missed appointment ----------------------------------------


def _looked_after(child, actor):
    social_work_status_record(
        actor=actor,
        child=child,
        status="looked_after",
        legal_status="in_care",
        placement_type="foster_care",
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def test_the_escalation_link_opens_for_the_safeguarding_lead_until_the_follow_up_is_done(
    social_care, lead_professional, held_child
):
    sg_lead = _person(social_care, "safeguarding-lead", "sg.lead")
    _looked_after(held_child, lead_professional)
    follow_up = FollowUp.objects.get(appointment=missed(held_child, lead_professional))
    alert = Notification.objects.get(kind=Notification.Kind.SAFEGUARDING_ESCALATION)
    assert alert.recipient == sg_lead
    assert alert.is_urgent
    assert alert.task_key == f"follow-up:{follow_up.pk}"
    # Her access rests on a recorded basis: the task, on a legal duty, the core record and the appointments.
    grant = TaskAccessGrant.objects.get(user=sg_lead, revoked_at__isnull=True)
    assert (grant.task_key, grant.categories, grant.lawful_basis) == (
        alert.task_key,
        ["appointments"],
        LawfulBasis.LEGAL_DUTY,
    )
    access = child_access(user=sg_lead, child=held_child)
    assert access.sees("appointments")
    assert not access.sees("plans")
    assert not access.can_change
    assert access.basis("appointments") == LawfulBasis.LEGAL_DUTY
    assert _opens(sg_lead, alert.link) == 200

    follow_up_complete(
        actor=lead_professional,
        follow_up=follow_up,
        reason=FollowUp.Reason.TRANSPORT_COST,
        child_safe=True,
        safety_check=FollowUp.SafetyCheck.SPOKE_TO_YOUNG_PERSON,
        alternative=FollowUp.Alternative.DIFFERENT_PLACE,
    )
    # Done: her alert clears, her access ends (the page is a 404 to her again), the lead's alert clears too.
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert alert.read_at is not None
    assert not Notification.objects.filter(task_key=alert.task_key, cleared_at__isnull=True).exists()
    assert not child_access(user=sg_lead, child=held_child).can_see_child
    assert _opens(sg_lead, alert.link) == 404
    assert _opens(lead_professional, alert.link) == 200


def test_an_organisation_without_a_safeguarding_lead_escalates_to_its_team_manager_who_can_open_it(
    social_care, lead_professional, held_child
):
    manager = _person(social_care, "team-manager", "manager")
    _looked_after(held_child, lead_professional)
    missed(held_child, lead_professional)
    alert = Notification.objects.get(kind=Notification.Kind.SAFEGUARDING_ESCALATION)
    assert alert.recipient == manager
    assert _opens(manager, alert.link) == 200
    # The follow-up page says who was actually told, not "the safeguarding lead".
    page = sign_in(Client(), lead_professional).get(alert.link).content.decode()
    assert "Told: Manager" in page


def test_with_no_one_nearer_the_record_holders_lead_then_the_administrator_can_open_it(
    holder, lead_professional, held_child, administrator
):
    _looked_after(held_child, lead_professional)
    missed(held_child, lead_professional)
    alert = Notification.objects.get(kind=Notification.Kind.SAFEGUARDING_ESCALATION)
    assert alert.recipient == administrator
    assert _opens(administrator, alert.link) == 200

    # A second child, and now the record holder has a safeguarding lead: she is told, and it opens for her.
    holder_lead = _person(holder, "safeguarding-lead", "holder.lead")
    other = ChildFactory(given_name="Ola", family_name="Other", created_by_organisation=holder)
    lead_for(other, lead_professional)
    _looked_after(other, lead_professional)
    missed(other, lead_professional)
    alert = Notification.objects.get(kind=Notification.Kind.SAFEGUARDING_ESCALATION, child=other)
    assert alert.recipient == holder_lead
    assert _opens(holder_lead, alert.link) == 200


def test_an_overdue_follow_up_reaches_the_team_manager_who_can_open_it(
    social_care, lead_professional, held_child
):
    manager = _person(social_care, "team-manager", "manager")
    follow_up = FollowUp.objects.get(appointment=missed(held_child, lead_professional))
    counts = follow_up_overdue_sweep(today=follow_up.due_on + datetime.timedelta(days=1))
    assert counts == {"overdue": 1, "escalated": 1}
    alert = Notification.objects.get(recipient=manager, kind=Notification.Kind.FOLLOW_UP_OVERDUE)
    assert _opens(manager, alert.link) == 200
    # Running it again sends nothing twice.
    assert follow_up_overdue_sweep(today=follow_up.due_on + datetime.timedelta(days=1)) == {
        "overdue": 0,
        "escalated": 0,
    }


# --- A safeguarding override's review ----------------------------------------------------------------


def _open_override(child, actor, categories=("plans",)):
    return safeguarding_override_open(
        actor=actor,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.values[0],
        justification=JUSTIFICATION,
        categories=list(categories),
    )


def test_an_override_where_there_is_no_safeguarding_lead_reaches_the_team_manager_who_can_act(
    social_care, lead_professional, held_child
):
    manager = _person(social_care, "team-manager", "manager")
    override = _open_override(held_child, lead_professional)
    alert = Notification.objects.get(kind=Notification.Kind.OVERRIDE)
    assert alert.recipient == manager
    assert alert.is_urgent
    # The review page and the child's record open for him; the override's categories do not (core only).
    assert _opens(manager, alert.link) == 200
    assert _opens(manager, reverse("children:detail", args=[held_child.public_id])) == 200
    assert not child_access(user=manager, child=held_child).sees("plans")
    # The page names who was told, truthfully.
    assert (
        override_opened_message(override) == "The safeguarding override is open. Asked to review it: Manager"
    )
    # He may review it (the task grant is the recorded basis), and then his alert and access end.
    safeguarding_override_review(actor=manager, override=override, outcome="upheld", note="Right call.")
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert not child_access(user=manager, child=held_child).can_see_child
    assert _opens(manager, reverse("children:detail", args=[held_child.public_id])) == 404


def test_an_override_routed_to_a_team_manager_is_on_a_home_of_his_until_it_is_reviewed(
    social_care, lead_professional, held_child
):
    """The routing rule's work has a home: the safeguarding queue opens for the person it was routed to for
    as long as the review is open, although he is no safeguarding lead, and lists the override."""
    manager = _person(social_care, "team-manager", "manager")
    safeguarding_home = reverse("caseload:home-safeguarding")
    override = _open_override(held_child, lead_professional)
    client = sign_in(Client(), manager)
    page = client.get(safeguarding_home)
    assert page.status_code == 200
    assert "Samira" in page.content.decode()
    # It is a home of his now: the start page returns him to it, the one he chose last.
    assert client.get(reverse("caseload:home")).url == safeguarding_home
    safeguarding_override_review(actor=manager, override=override, outcome="upheld", note="Right call.")
    assert client.get(safeguarding_home).status_code == 403


def test_someone_not_alerted_still_may_not_review(social_care, lead_professional, held_child, outsider):
    _person(social_care, "team-manager", "manager")
    override = _open_override(held_child, lead_professional)
    with pytest.raises(NotPermitted):
        safeguarding_override_review(actor=outsider, override=override, outcome="upheld", note="x")


def test_the_override_page_never_claims_an_alert_that_was_not_sent(lead_professional, held_child):
    # Nobody anywhere to send it to (no lead, no manager, no administrator): the page says so.
    client = sign_in(Client(), lead_professional)
    response = client.post(
        reverse("consent:override-open", args=[held_child.public_id]),
        {
            "lawful_basis": SafeguardingOverride.LawfulBasis.values[0],
            "justification": JUSTIFICATION,
            "categories": ["plans"],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "has been asked to review it" not in page
    assert "nobody could be alerted to review it" in page
    assert not Notification.objects.filter(kind=Notification.Kind.OVERRIDE).exists()


def test_the_api_names_who_was_asked_to_review(api_client, social_care, lead_professional, held_child):
    manager = _person(social_care, "team-manager", "manager")
    sign_in(api_client, lead_professional)
    response = api_client.post(
        f"/api/v1/children/{held_child.public_id}/safeguarding-overrides/",
        {
            "lawful_basis": SafeguardingOverride.LawfulBasis.values[0],
            "justification": JUSTIFICATION,
            "categories": ["plans"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["review_requested_from"] == [
        {"public_id": str(manager.public_id), "name": "Manager"}
    ]


# --- Override categories start empty and must be chosen ----------------------------------------------


def test_an_override_with_no_categories_is_refused_everywhere(api_client, lead_professional, held_child):
    with pytest.raises(ValidationError) as error:
        _open_override(held_child, lead_professional, categories=())
    assert "Choose the information you need to see" in str(error.value)
    client = sign_in(Client(), lead_professional)
    url = reverse("consent:override-open", args=[held_child.public_id])
    form = client.get(url).content.decode()
    assert "checked" not in form.split('name="categories"')[1].split(">")[0]
    response = client.post(
        url, {"lawful_basis": SafeguardingOverride.LawfulBasis.values[0], "justification": JUSTIFICATION}
    )
    assert response.status_code == 200
    assert "Choose the information you need to see" in response.content.decode()
    sign_in(api_client, lead_professional)
    response = api_client.post(
        f"/api/v1/children/{held_child.public_id}/safeguarding-overrides/",
        {
            "lawful_basis": SafeguardingOverride.LawfulBasis.values[0],
            "justification": JUSTIFICATION,
            "categories": [],
        },
        format="json",
    )
    assert response.status_code == 400
    assert not SafeguardingOverride.objects.exists()


# --- A decline for an unstable placement -------------------------------------------------------------


def test_a_decline_at_a_service_without_seniors_reaches_the_record_holders_lead_who_can_review_it(
    holder, lead_professional, held_child
):
    camhs = camhs_organisation()
    clinician = _person(camhs, "camhs-clinician", "clinician")
    holder_lead = _person(holder, "safeguarding-lead", "holder.lead")
    referral = referral_for(held_child, lead_professional, camhs)
    referral_decline(
        actor=clinician,
        referral=referral,
        reason="unstable_placement",
        explanation="Sam has just moved placement.",
        alternatives=[
            {
                "kind": "named_service",
                "service_name": "Open Door youth counselling",
                "detail": "Open Door can see Sam next week, near her new placement.",
            }
        ],
    )
    alert = Notification.objects.get(kind=Notification.Kind.DECLINE_REVIEW)
    assert alert.recipient == holder_lead
    assert _opens(holder_lead, alert.link) == 200
    review = reverse("referrals:referral-senior-review", args=[held_child.public_id, referral.public_id])
    assert _opens(holder_lead, review) == 200
    referral_senior_review(actor=holder_lead, referral=referral, outcome="agreed", note="Agreed for now.")
    assert Referral.objects.get().status == Referral.Status.DECLINED
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert not TaskAccessGrant.objects.filter(revoked_at__isnull=True).exists()
    assert _opens(holder_lead, alert.link) == 404
