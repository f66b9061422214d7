""" "Tried, could not reach them" under concurrency, on two PostgreSQL connections at once.

A try takes the follow-up's row lock and checks it is still open; a completion is a conditional update on
"still open". So a try and a completion at once never leave a try recorded after the follow-up was done
(nor its reminder still scheduled), and two tries at once are numbered one after the other.
"""

import pytest

from apps.appointments.models import Appointment, FollowUpAttempt, MissedAppointmentFollowUp
from apps.appointments.services import (
    appointment_outcome_record,
    follow_up_attempt_record,
    follow_up_complete,
)
from apps.core.exceptions import ApplicationError
from apps.notifications.models import Reminder
from tests.appointments.factories import booked
from tests.concurrency import run_together
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FollowUp = MissedAppointmentFollowUp
ROUNDS = 6


@pytest.fixture
def lead(lead_professional, child):
    lead_for(child, lead_professional)
    return lead_professional


def _follow_up(child, lead, days_ago: int) -> FollowUp:
    appointment = booked(child, lead, days_from_now=-days_ago)
    appointment_outcome_record(
        actor=lead, appointment=appointment, outcome=Appointment.Outcome.DID_NOT_ATTEND
    )
    return FollowUp.objects.get(appointment=appointment)


def _try(follow_up, lead, what="Rang, no answer"):
    return follow_up_attempt_record(
        actor=lead, follow_up=follow_up, method=FollowUpAttempt.Method.PHONE, what_was_tried=what
    )


def _complete(follow_up, lead):
    return follow_up_complete(
        actor=lead,
        follow_up=follow_up,
        reason=FollowUp.Reason.UNWELL,
        child_safe=True,
        safety_check=FollowUp.SafetyCheck.SPOKE_TO_PARENT_CARER,
        alternative=FollowUp.Alternative.DIFFERENT_TIME,
    )


def test_a_try_and_a_completion_at_once_never_leave_a_try_after_done(lead, child):
    for day in range(1, ROUNDS + 1):
        follow_up = _follow_up(child, lead, day)
        for_try, for_completion = (FollowUp.objects.get(pk=follow_up.pk) for _ in range(2))

        tried, completed = run_together(
            lambda for_try=for_try: _try(for_try, lead),
            lambda for_completion=for_completion: _complete(for_completion, lead),
        )

        assert not isinstance(completed, Exception), completed
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.COMPLETED
        attempts = list(follow_up.attempts.all())
        if isinstance(tried, Exception):
            # The completion came first: the try was refused and nothing of it was written.
            assert isinstance(tried, ApplicationError), tried
            assert attempts == []
        else:
            # The try came first, under the lock; the completion (waiting on that lock) then closed it.
            assert [attempt.number for attempt in attempts] == [1]
            assert follow_up.due_on == attempts[0].due_again_on
        # Either way nobody is reminded to try again a follow-up that is done.
        assert not Reminder.objects.filter(
            dedupe_key__startswith=f"missed-follow-up:{follow_up.pk}:", status=Reminder.Status.SCHEDULED
        ).exists()


def test_two_tries_at_once_are_numbered_one_after_the_other(lead, child, settings):
    settings.BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS = 2
    for day in range(1, ROUNDS + 1):
        follow_up = _follow_up(child, lead, day)
        copies = [FollowUp.objects.get(pk=follow_up.pk) for _ in range(2)]

        outcomes = run_together(*(lambda copy=copy: _try(copy, lead) for copy in copies))

        assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
        assert sorted(attempt.number for attempt in outcomes) == [1, 2]
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.OPEN
        assert follow_up.escalated_at is not None
        # One reminder left to try again: the second try's; the first's was cancelled.
        assert (
            Reminder.objects.filter(
                dedupe_key__startswith=f"missed-follow-up:{follow_up.pk}:", status=Reminder.Status.SCHEDULED
            ).count()
            == 1
        )
