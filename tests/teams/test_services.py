"""The team around the child: membership and access, the lead, handover, TAW, meetings and sweeps."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, ProfessionalRole
from apps.accounts.services import professional_deactivate
from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.notifications.models import Notification
from apps.sharing.models import AccessGrant
from apps.teams.models import Action, LeadProfessionalAppointment, TeamMembership
from apps.teams.selectors import child_continuity
from apps.teams.services import (
    action_add,
    action_complete,
    action_reminder_sweep,
    lead_professional_appoint,
    lead_professional_hand_over,
    meeting_record,
    team_member_add,
    team_member_direct_contact_give,
    team_member_end,
    trusted_worker_hand_over,
    trusted_worker_name,
)
from tests.auth import sign_in
from tests.concurrency import one_wins, run_together
from tests.factories import ChildFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db

ROUTE = LeadProfessionalAppointment.Route.SOCIAL_CARE


def _join(actor, child, user=None, **fields):
    if user is not None:
        return team_member_add(actor=actor, child=child, kind="professional", user=user, **fields)
    return team_member_add(actor=actor, child=child, **fields)


@pytest.fixture
def lead_membership(lead_professional, child):
    return _join(lead_professional, child, lead_professional)


@pytest.fixture
def clinician(child):
    return ProfessionalFactory(
        username="clinician", display_name="Cara Clinician", organisation__role="camhs-clinician"
    )


# --- Membership gives access; leaving ends it -----------------------------------------------------


def test_joining_the_team_shows_the_core_record_and_the_roster(lead_professional, child, clinician):
    assert not Child.objects.restrict(clinician, "view_child").exists()
    _join(lead_professional, child, clinician, offering="Weekly CBT sessions at school")
    assert list(Child.objects.restrict(clinician, "view_child")) == [child]
    assert list(Child.objects.restrict(clinician, "view_child_team")) == [child]
    assert not Child.objects.restrict(clinician, "change_child").exists()


def test_leaving_the_team_removes_access_at_once(lead_professional, child, clinician):
    membership = _join(lead_professional, child, clinician)
    team_member_end(actor=lead_professional, membership=membership)
    assert not Child.objects.restrict(clinician, "view_child").exists()
    assert not Child.objects.restrict(clinician, "view_child_team").exists()
    assert membership.ended_on == timezone.localdate()


def test_leaving_keeps_access_another_reason_justifies(lead_professional, child):
    # The creator is also a member; ending the membership leaves the creator's own grant.
    membership = _join(lead_professional, child, lead_professional)
    team_member_end(actor=lead_professional, membership=membership)
    assert Child.objects.restrict(lead_professional, "change_child").filter(pk=child.pk).exists()


def test_past_members_stay_in_the_history(lead_professional, child, clinician):
    membership = _join(lead_professional, child, clinician)
    team_member_end(actor=lead_professional, membership=membership)
    assert TeamMembership.objects.filter(child=child, user=clinician, ended_on__isnull=False).exists()


def test_a_membership_cannot_end_before_it_starts(lead_professional, child, clinician):
    membership = _join(lead_professional, child, clinician, started_on=datetime.date(2026, 1, 10))
    with pytest.raises(ValidationError) as error:
        team_member_end(actor=lead_professional, membership=membership, ended_on=datetime.date(2026, 1, 1))
    assert "ended_on" in error.value.message_dict
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert Child.objects.restrict(clinician, "view_child").exists()


def test_someone_already_in_the_team_cannot_join_twice(lead_professional, child, clinician):
    _join(lead_professional, child, clinician)
    with pytest.raises(ValidationError) as error:
        _join(lead_professional, child, clinician)
    assert "user" in error.value.message_dict


def test_a_trusted_adult_outside_every_service_joins_by_name(lead_professional, child):
    membership = _join(
        lead_professional,
        child,
        kind="trusted_adult",
        person_name="Dev Patel",
        role_description="youth worker at the boxing club",
        contact_details="07700 900123",
    )
    assert membership.name == "Dev Patel"
    assert membership.role_label == "youth worker at the boxing club"
    assert not AccessGrant.objects.filter(membership=membership).exists()


def test_a_professional_member_needs_an_account(lead_professional, child):
    with pytest.raises(ValidationError) as error:
        _join(lead_professional, child, kind="professional", person_name="Someone")
    assert "user" in error.value.message_dict


def test_the_members_organisation_and_role_come_from_where_they_work(lead_professional, child, clinician):
    membership = _join(lead_professional, child, clinician)
    work = OrganisationMembership.objects.get(user=clinician)
    assert (membership.organisation, membership.professional_role) == (work.organisation, work.role)


# --- One lead professional --------------------------------------------------------------------------


def test_the_lead_professional_may_change_the_record(lead_professional, child, clinician):
    membership = _join(lead_professional, child, clinician)
    lead_professional_appoint(actor=lead_professional, membership=membership, route=ROUTE)
    assert Child.objects.restrict(clinician, "change_child").filter(pk=child.pk).exists()


def test_a_second_lead_professional_is_refused_and_offered_a_handover(
    lead_professional, child, clinician, lead_membership
):
    lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    other = _join(lead_professional, child, clinician)
    with pytest.raises(ApplicationError) as error:
        lead_professional_appoint(actor=lead_professional, membership=other, route=ROUTE)
    assert "hand over" in error.value.message
    assert error.value.field == "membership"
    assert LeadProfessionalAppointment.objects.filter(child=child).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_lead_professional_holds_when_two_appointments_race():
    """Two requests on two PostgreSQL connections appoint at the same moment: exactly one wins."""
    manager = ProfessionalFactory()
    child = ChildFactory()
    AccessGrant.objects.create(child=child, user=manager, basis=AccessGrant.Basis.CREATOR)
    first = _join(manager, child, ProfessionalFactory())
    second = _join(manager, child, ProfessionalFactory())
    outcomes = run_together(
        *(
            lambda membership=membership: lead_professional_appoint(
                actor=manager, membership=membership, route=ROUTE
            )
            for membership in (first, second)
        )
    )

    _, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "already this child's lead professional" in refusal.message
    assert LeadProfessionalAppointment.objects.filter(child=child, ended_on__isnull=True).count() == 1


def test_the_lead_professional_cannot_simply_leave(lead_professional, child, lead_membership):
    lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    with pytest.raises(ApplicationError) as error:
        team_member_end(actor=lead_professional, membership=lead_membership)
    assert "Hand over" in error.value.message


def test_a_lead_professional_cannot_be_deactivated_while_children_would_be_left_without_one(
    lead_professional, child, lead_membership
):
    lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    with pytest.raises(ApplicationError) as error:
        professional_deactivate(actor=None, user=lead_professional)
    assert "1 child" in error.value.message
    lead_professional.refresh_from_db()
    assert lead_professional.is_active


def test_a_professional_who_leads_nobody_can_be_deactivated(clinician):
    professional_deactivate(actor=None, user=clinician)
    clinician.refresh_from_db()
    assert not clinician.is_active


# --- Handover ------------------------------------------------------------------------------------------


def test_handover_moves_the_lead_and_asks_the_successor_to_tell_the_family_in_person(
    lead_professional, child, clinician, lead_membership
):
    appointment = lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    successor = _join(lead_professional, child, clinician)
    handover = lead_professional_hand_over(
        actor=lead_professional,
        appointment=appointment,
        successor=successor,
        note="Sam likes to meet at the library. Her mum works shifts; call after 6pm.",
        overlap_until=timezone.localdate() + datetime.timedelta(days=14),
    )
    active = LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True)
    assert active.membership == successor
    task = Action.objects.get(handover=handover)
    assert task.owner == clinician
    assert "in person" in task.description
    assert task.due_on == handover.overlap_until
    # The outgoing lead stays in the team, now without change rights; the successor can change the record.
    assert Child.objects.restrict(clinician, "change_child").filter(pk=child.pk).exists()
    assert Notification.objects.filter(recipient=clinician, kind=Notification.Kind.HANDOVER).exists()


def test_a_handover_without_a_successor_or_note_changes_nothing(lead_professional, child, lead_membership):
    appointment = lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    with pytest.raises(ValidationError) as error:
        lead_professional_hand_over(actor=lead_professional, appointment=appointment, successor=None, note="")
    assert {"successor", "note"} <= set(error.value.message_dict)
    appointment.refresh_from_db()
    assert appointment.ended_on is None


def test_trusted_worker_handover(lead_professional, child, clinician, lead_membership):
    trusted_worker_name(actor=lead_professional, membership=lead_membership)
    successor = _join(lead_professional, child, clinician)
    trusted_worker_hand_over(
        actor=lead_professional, outgoing=lead_membership, successor=successor, note="Notes"
    )
    successor.refresh_from_db()
    assert successor.is_trusted_worker
    assert successor.has_direct_contact


# --- Team around the worker ---------------------------------------------------------------------------


def test_naming_the_worker_makes_everyone_else_supporting(
    lead_professional, child, clinician, lead_membership
):
    other = _join(lead_professional, child, clinician)
    trusted_worker_name(actor=lead_professional, membership=lead_membership)
    other.refresh_from_db()
    assert not other.has_direct_contact
    newcomer = _join(lead_professional, child, ProfessionalFactory())
    assert not newcomer.has_direct_contact  # joins as a supporting member


def test_direct_contact_in_team_around_the_worker_mode_needs_confirmation_and_a_reason(
    lead_professional, child, clinician, lead_membership
):
    other = _join(lead_professional, child, clinician)
    trusted_worker_name(actor=lead_professional, membership=lead_membership)
    with pytest.raises(ValidationError) as error:
        team_member_direct_contact_give(
            actor=lead_professional, membership=other, reason="Therapy", confirmed=False
        )
    assert "confirmed" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        team_member_direct_contact_give(actor=lead_professional, membership=other, reason=" ", confirmed=True)
    assert "reason" in error.value.message_dict
    other.refresh_from_db()
    assert not other.has_direct_contact

    team_member_direct_contact_give(
        actor=lead_professional,
        membership=other,
        reason="Trauma-focused therapy she asked for",
        confirmed=True,
    )
    other.refresh_from_db()
    assert other.has_direct_contact
    assert other.direct_contact_reason == "Trauma-focused therapy she asked for"


def test_without_a_trusted_worker_direct_contact_needs_no_confirmation(lead_professional, child, clinician):
    other = _join(lead_professional, child, clinician)
    team_member_direct_contact_give(actor=lead_professional, membership=other)
    other.refresh_from_db()
    assert other.has_direct_contact


def test_lead_professional_and_trusted_worker_may_be_the_same_person(
    lead_professional, child, lead_membership
):
    lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    trusted_worker_name(actor=lead_professional, membership=lead_membership)
    lead_membership.refresh_from_db()
    assert lead_membership.is_trusted_worker


# --- Continuity ---------------------------------------------------------------------------------------


def test_continuity_counts_social_workers_and_alerts_the_team_manager_at_the_threshold(
    lead_professional, child
):
    council = lead_professional.memberships.get().organisation
    manager = ProfessionalFactory(organisation=council, organisation__role="team-manager")
    membership = _join(lead_professional, child, lead_professional)
    lead_professional_appoint(actor=lead_professional, membership=membership, route=ROUTE)
    for _ in range(2):
        former = ProfessionalFactory(organisation=council)
        old = _join(lead_professional, child, former, started_on=datetime.date(2026, 1, 5))
        team_member_end(actor=lead_professional, membership=old)
    assert child_continuity(child=child).social_workers == 3
    # The team manager's alert carries no child: oversight by role, whether or not the record is shared.
    alerts = Notification.objects.filter(kind=Notification.Kind.CONTINUITY)
    assert set(alerts.values_list("recipient", flat=True)) == {manager.pk, lead_professional.pk}
    # The same level never alerts twice.
    before = alerts.count()
    _join(lead_professional, child, kind="caregiver", person_name="Pat Carer", caregiver_role="foster_carer")
    assert alerts.count() == before


def test_people_who_left_over_a_year_ago_do_not_count(lead_professional, child):
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)):
        old = _join(lead_professional, child, ProfessionalFactory())
        team_member_end(actor=lead_professional, membership=old)
    assert child_continuity(child=child).social_workers == 0


# --- Meetings and actions -----------------------------------------------------------------------------


def _meeting(actor, child, **overrides):
    fields = {
        "kind": "team_around_child",
        "held_at": timezone.now() - datetime.timedelta(hours=2),
        "young_person_views": "I want to stay at my school and see my brother more.",
    }
    return meeting_record(actor=actor, child=child, **{**fields, **overrides})


def test_a_meeting_records_attendance_views_decisions_and_actions(lead_professional, child, lead_membership):
    meeting = _meeting(
        lead_professional,
        child,
        decisions="Refer to the young carers project.",
        participants=[
            {"membership": lead_membership, "attended": True},
            {"name": "Grace (mum)", "attended": False},
        ],
        actions=[
            {
                "description": "Call the young carers project",
                "owner": lead_professional,
                "due_on": timezone.localdate() + datetime.timedelta(days=5),
            }
        ],
    )
    assert meeting.participants.count() == 2
    assert meeting.actions.get().owner == lead_professional


def test_a_past_meeting_needs_the_young_persons_views_or_why_not(lead_professional, child):
    with pytest.raises(ValidationError) as error:
        _meeting(lead_professional, child, young_person_views="")
    assert "young_person_views" in error.value.message_dict
    _meeting(
        lead_professional, child, young_person_views="", young_person_views_not_given_reason="Sam was ill"
    )


def test_a_planned_meeting_needs_no_views_yet(lead_professional, child):
    _meeting(
        lead_professional, child, young_person_views="", held_at=timezone.now() + datetime.timedelta(days=3)
    )


def test_an_action_without_an_owner_is_refused_and_the_meeting_is_not_saved(lead_professional, child):
    with pytest.raises(ValidationError) as error:
        _meeting(
            lead_professional,
            child,
            actions=[{"description": "Something", "owner": None, "due_on": timezone.localdate()}],
        )
    assert "actions.0.owner" in error.value.message_dict
    assert not child.meetings.exists()


def test_an_action_owner_must_be_in_the_team(lead_professional, child, outsider, lead_membership):
    with pytest.raises(ValidationError) as error:
        action_add(
            actor=lead_professional, child=child, description="x", owner=outsider, due_on=timezone.localdate()
        )
    assert "owner" in error.value.message_dict


# --- The reminder sweep -----------------------------------------------------------------------------


@pytest.fixture
def actions(lead_professional, child, clinician, lead_membership):
    lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    _join(lead_professional, child, clinician)
    clinician.email = "clinician@example.invalid"
    clinician.save()
    today = timezone.localdate()
    return {
        "due_soon": action_add(
            actor=lead_professional,
            child=child,
            description="Book the assessment",
            owner=clinician,
            due_on=today + datetime.timedelta(days=1),
        ),
        "overdue": action_add(
            actor=lead_professional,
            child=child,
            description="Send the school report",
            owner=clinician,
            due_on=today - datetime.timedelta(days=3),
        ),
        "later": action_add(
            actor=lead_professional,
            child=child,
            description="Review in a month",
            owner=clinician,
            due_on=today + datetime.timedelta(days=30),
        ),
    }


def test_the_sweep_reminds_owners_and_escalates_overdue_actions_to_the_lead(
    actions, lead_professional, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        counts = action_reminder_sweep()
    assert counts == {"due_soon": 1, "overdue": 1}
    assert Notification.objects.get(kind=Notification.Kind.ACTION_DUE_SOON).recipient == clinician
    assert Notification.objects.get(kind=Notification.Kind.ACTION_OVERDUE).recipient == lead_professional
    assert len(mail.outbox) == 2
    for email in mail.outbox:  # an email may be read on a shared screen: no child's name in it
        assert "Samira" not in email.body + email.subject
        assert "Okafor" not in email.body + email.subject


def test_running_the_sweep_twice_sends_nothing_twice(actions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action_reminder_sweep()
        second = action_reminder_sweep()
    assert second == {"due_soon": 0, "overdue": 0}
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_completed_actions_are_not_chased(actions, lead_professional):
    action_complete(actor=lead_professional, action=actions["overdue"])
    assert action_reminder_sweep()["overdue"] == 0


def test_an_overdue_action_for_a_child_without_a_lead_goes_to_its_owner(lead_professional, child, clinician):
    _join(lead_professional, child, clinician)
    action_add(
        actor=lead_professional,
        child=child,
        description="x",
        owner=clinician,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    action_reminder_sweep()
    assert Notification.objects.get(kind=Notification.Kind.ACTION_OVERDUE).recipient == clinician


def test_role_codes_the_rules_rely_on_exist():
    assert (
        ProfessionalRole.objects.filter(code__in=["social-worker", "team-manager", "yot-worker"]).count() == 3
    )


def test_the_admin_refuses_to_deactivate_a_lead_professional(
    client, lead_professional, child, lead_membership
):
    from django.urls import reverse

    lead_professional_appoint(actor=lead_professional, membership=lead_membership, route=ROUTE)
    sign_in(client, ProfessionalFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_user_change", args=[lead_professional.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        is_active="", date_joined_0="2026-01-01", date_joined_1="09:00:00", last_login_0="", last_login_1=""
    )
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Hand each one over to a successor first" in response.content.decode()
    lead_professional.refresh_from_db()
    assert lead_professional.is_active


def test_an_owner_completes_their_own_action_and_only_once(
    lead_professional, child, clinician, lead_membership
):
    _join(lead_professional, child, clinician)
    action = action_add(
        actor=lead_professional, child=child, description="x", owner=clinician, due_on=timezone.localdate()
    )
    action_complete(actor=clinician, action=action)
    with pytest.raises(ApplicationError):
        action_complete(actor=clinician, action=action, completed_on=datetime.date(2026, 1, 1))
    action.refresh_from_db()
    assert action.completed_on == timezone.localdate()


def test_a_team_member_who_does_not_own_an_action_cannot_complete_it(
    lead_professional, child, clinician, lead_membership
):
    from apps.core.exceptions import NotPermitted

    _join(lead_professional, child, clinician)
    action = action_add(
        actor=lead_professional,
        child=child,
        description="x",
        owner=lead_professional,
        due_on=timezone.localdate(),
    )
    with pytest.raises(NotPermitted):
        action_complete(actor=clinician, action=action)


def test_caregivers_and_trusted_adults_keep_direct_contact_in_team_around_the_worker_mode(
    lead_professional, child, lead_membership
):
    carer = _join(
        lead_professional, child, kind="caregiver", person_name="Ruth Mensah", caregiver_role="foster_carer"
    )
    trusted_worker_name(actor=lead_professional, membership=lead_membership)
    grandparent = _join(lead_professional, child, kind="trusted_adult", person_name="Nan")
    carer.refresh_from_db()
    assert carer.has_direct_contact
    assert grandparent.has_direct_contact
