"""Handovers, leaving, naming the trusted worker and completing actions at the same moment, on two PostgreSQL
connections: exactly one change is made, the other is refused with a clear message and writes nothing.

Each side gets its own copy of the rows, read before the race; only the service's lock can refuse the second.
(Two lead professional appointments at once: tests/teams/test_services.py.)
"""

import re

import pytest

from apps.core.exceptions import ApplicationError
from apps.notifications.models import Notification
from apps.teams.models import Action, Handover, LeadProfessionalAppointment, TeamMembership
from apps.teams.services import (
    action_complete,
    lead_professional_hand_over,
    team_member_end,
    trusted_worker_hand_over,
    trusted_worker_name,
)
from tests.concurrency import one_wins, run_together
from tests.factories import ProfessionalFactory
from tests.teams.factories import action_for, lead_for, professional_joins

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTE = "Sam likes to meet at the library. Her mum works shifts; call after 6pm."


def _fresh(row):
    return type(row).objects.get(pk=row.pk)


def test_two_lead_professional_handovers_at_once_make_one_successor(lead_professional, child):
    appointment = lead_for(child, lead_professional)
    successors = [professional_joins(child, ProfessionalFactory(), actor=lead_professional) for _ in range(2)]

    copies = [_fresh(appointment) for _ in successors]
    calls = [
        lambda copy=copy, successor=successor: lead_professional_hand_over(
            actor=lead_professional, appointment=copy, successor=successor, note=NOTE
        )
        for copy, successor in zip(copies, successors, strict=True)
    ]

    outcomes = run_together(*calls)

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "is no longer the lead professional: the role was handed over" in refusal.message
    active = LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True)
    assert active.membership == winner.to_membership
    assert Handover.objects.filter(child=child).count() == 1
    assert Action.objects.filter(child=child, handover__isnull=False).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.HANDOVER).count() == 1


def test_two_trusted_worker_handovers_at_once_make_one_trusted_worker(lead_professional, child):
    outgoing = professional_joins(child, lead_professional)
    trusted_worker_name(actor=lead_professional, membership=outgoing)
    successors = [professional_joins(child, ProfessionalFactory(), actor=lead_professional) for _ in range(2)]

    copies = [_fresh(outgoing) for _ in successors]
    calls = [
        lambda copy=copy, successor=successor: trusted_worker_hand_over(
            actor=lead_professional, outgoing=copy, successor=successor, note=NOTE
        )
        for copy, successor in zip(copies, successors, strict=True)
    ]

    outcomes = run_together(*calls)

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "is no longer the trusted worker" in refusal.message
    trusted = TeamMembership.objects.current().get(child=child, is_trusted_worker=True)
    assert trusted == winner.to_membership
    assert Handover.objects.filter(child=child).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.HANDOVER).count() == 1


def test_two_people_named_the_trusted_worker_at_once_leave_one(lead_professional, child):
    members = [professional_joins(child, ProfessionalFactory(), actor=lead_professional) for _ in range(2)]

    calls = [
        lambda member=member: trusted_worker_name(actor=lead_professional, membership=member)
        for member in members
    ]

    outcomes = run_together(*calls)

    _, refusal = one_wins(outcomes, refused=ApplicationError)
    # Refused under the lock ("has just been named") or, if the first had committed before the second
    # began, by the check before it ("is already"): either way, the same advice.
    assert re.search(r"(has just been named|is already) the trusted worker\. Use a handover", refusal.message)
    assert TeamMembership.objects.current().filter(child=child, is_trusted_worker=True).count() == 1


def test_a_member_named_trusted_worker_as_they_leave_is_not_left_as_a_leaver_holding_the_role(
    lead_professional, child
):
    member = professional_joins(child, ProfessionalFactory(), actor=lead_professional)

    naming, leaving = _fresh(member), _fresh(member)

    outcomes = run_together(
        lambda: trusted_worker_name(actor=lead_professional, membership=naming),
        lambda: team_member_end(actor=lead_professional, membership=leaving),
    )

    one_wins(outcomes, refused=ApplicationError)
    member.refresh_from_db()
    # Either they left (and were never named), or they were named (and the leaving was refused).
    assert (member.ended_on is None) == member.is_trusted_worker


def test_an_action_marked_done_twice_at_once_is_done_once(lead_professional, child):
    professional_joins(child, lead_professional)
    action = action_for(child, lead_professional)

    first, second = _fresh(action), _fresh(action)

    outcomes = run_together(
        lambda: action_complete(actor=lead_professional, action=first),
        lambda: action_complete(actor=lead_professional, action=second),
    )

    _, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "already marked as done" in refusal.message
