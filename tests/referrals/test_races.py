"""Two decisions on one referral at the same moment, on two PostgreSQL connections: exactly one is made.

Each side gets its own copy of the referral, read before the race, so both start from the same state, as two
people with the page open would; only the lock the service takes can refuse the second.
"""

import pytest

from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.notifications.models import Notification
from apps.referrals.models import Consultation, DeclineAlternative, Referral, WaitingListEntry
from apps.referrals.services import (
    consultation_advise,
    consultation_request,
    referral_accept,
    referral_decline,
    referral_senior_review,
    referral_triage,
)
from tests.concurrency import one_wins, run_together
from tests.factories import ProfessionalFactory, UserFactory
from tests.referrals.factories import referral_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ALTERNATIVE = {
    "kind": "named_service",
    "service_name": "Kooth online counselling",
    "detail": "Kooth, free online counselling, can talk with Sam this week.",
}


def _copies(referral: Referral) -> tuple[Referral, Referral]:
    return Referral.objects.get(pk=referral.pk), Referral.objects.get(pk=referral.pk)


def _decline(actor, referral, reason="not_specialist_need"):
    return lambda: referral_decline(
        actor=actor,
        referral=referral,
        reason=reason,
        explanation="Needs met nearer home.",
        alternatives=[ALTERNATIVE],
    )


@pytest.fixture
def young_person(child):
    person = UserFactory(kind="young_person")
    Child.objects.filter(pk=child.pk).update(account=person)
    return person


@pytest.fixture
def triaged(lead_professional, child, camhs, spa_clinician):
    referral = referral_for(child, lead_professional, camhs)
    referral_triage(actor=spa_clinician, referral=referral, urgency="routine")
    return referral


def test_two_declines_at_once_write_one_decision_one_set_of_alternatives_and_tell_the_family_once(
    triaged, spa_clinician, young_person
):
    first, second = _copies(triaged)
    colleague = ProfessionalFactory(organisation=triaged.receiving_organisation)

    outcomes = run_together(_decline(spa_clinician, first), _decline(colleague, second))

    _, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "it cannot be declined now" in refusal.message
    assert DeclineAlternative.objects.filter(referral=triaged).count() == 1
    assert (
        Notification.objects.filter(recipient=young_person, kind=Notification.Kind.REFERRAL_DECLINED).count()
        == 1
    )


def test_an_accept_and_a_decline_at_once_leave_the_referral_one_or_the_other_never_both(
    triaged, spa_clinician, young_person
):
    first, second = _copies(triaged)
    colleague = ProfessionalFactory(organisation=triaged.receiving_organisation)

    outcomes = run_together(
        lambda: referral_accept(actor=spa_clinician, referral=first), _decline(colleague, second)
    )

    one_wins(outcomes, refused=ApplicationError)
    triaged.refresh_from_db()
    accepted = triaged.status == Referral.Status.ACCEPTED
    assert triaged.status in (Referral.Status.ACCEPTED, Referral.Status.DECLINED)
    assert WaitingListEntry.objects.filter(referral=triaged).count() == (1 if accepted else 0)
    assert DeclineAlternative.objects.filter(referral=triaged).count() == (0 if accepted else 1)
    family_news = Notification.objects.filter(recipient=young_person).values_list("kind", flat=True)
    assert list(family_news) == [
        Notification.Kind.REFERRAL_ACCEPTED if accepted else Notification.Kind.REFERRAL_DECLINED
    ]


def test_two_accepts_at_once_put_the_child_on_the_waiting_list_once(triaged, spa_clinician):
    first, second = _copies(triaged)
    colleague = ProfessionalFactory(organisation=triaged.receiving_organisation)

    outcomes = run_together(
        lambda: referral_accept(actor=spa_clinician, referral=first),
        lambda: referral_accept(actor=colleague, referral=second),
    )

    _, refusal = one_wins(outcomes, refused=ApplicationError)
    assert refusal.message == "This referral is accepted: it cannot be accepted now."
    assert WaitingListEntry.objects.filter(referral=triaged).count() == 1


def test_a_triage_at_the_moment_of_a_decline_never_undoes_the_decline(
    lead_professional, child, camhs, spa_clinician
):
    referral = referral_for(child, lead_professional, camhs)
    first, second = _copies(referral)
    colleague = ProfessionalFactory(organisation=camhs)

    outcomes = run_together(
        _decline(spa_clinician, first),
        lambda: referral_triage(actor=colleague, referral=second, urgency="urgent"),
    )

    # The triage first: the decline then declines a triaged referral. The decline first: the triage is
    # refused. Either way the referral ends declined, never "triaged" over a decision the family was told.
    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert all(isinstance(refusal, ApplicationError) for refusal in refusals)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED


def test_two_senior_reviews_at_once_make_one_decision(
    lead_professional, child, camhs, spa_clinician, spa_manager, young_person
):
    referral = referral_for(child, lead_professional, camhs)
    referral_triage(actor=spa_clinician, referral=referral, urgency="routine")
    _decline(spa_clinician, referral, reason="unstable_placement")()
    first, second = _copies(referral)
    clinical_lead = ProfessionalFactory(organisation=camhs, organisation__role="clinical-lead")

    outcomes = run_together(
        lambda: referral_senior_review(actor=spa_manager, referral=first, outcome="agreed", note="Agreed."),
        lambda: referral_senior_review(
            actor=clinical_lead, referral=second, outcome="overturned", note="Offer outreach."
        ),
    )

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "already been reviewed" in refusal.message
    referral.refresh_from_db()
    assert referral.senior_reviewer_id == winner.senior_reviewer_id
    assert referral.senior_review_outcome == winner.senior_review_outcome
    told = Notification.objects.filter(
        recipient=young_person, kind=Notification.Kind.REFERRAL_DECLINED
    ).count()
    assert told == (1 if winner.senior_review_outcome == "agreed" else 0)


def test_two_referrals_from_one_consultation_at_once_make_one(lead_professional, child, camhs):
    consultation = consultation_request(
        actor=lead_professional,
        receiving_organisation=camhs,
        route="social_care",
        channel="phone",
        concern="Year 9 pupil self-harming, parents unsure what to do.",
        child_description="Year 9 girl at Hillside Academy",
    )
    copies = [Consultation.objects.get(pk=consultation.pk) for _ in range(2)]

    outcomes = run_together(
        *(
            lambda copy=copy: referral_for(child, lead_professional, camhs, consultation=copy)
            for copy in copies
        )
    )

    _, refusal = one_wins(outcomes, refused=ApplicationError)
    assert refusal.message == "This consultation has already become a referral."
    assert Referral.objects.filter(consultation=consultation).count() == 1


def test_advice_is_never_written_on_a_consultation_that_became_a_referral_at_the_same_moment(
    lead_professional, child, camhs, spa_clinician
):
    consultation = consultation_request(
        actor=lead_professional,
        receiving_organisation=camhs,
        route="social_care",
        channel="phone",
        concern="Year 9 pupil self-harming, parents unsure what to do.",
        child_description="Year 9 girl at Hillside Academy",
    )
    for_advice, for_referral = (Consultation.objects.get(pk=consultation.pk) for _ in range(2))

    advice, referral = run_together(
        lambda: consultation_advise(
            actor=spa_clinician,
            consultation=for_advice,
            advice="Refer for an assessment.",
            outcome="formal_referral",
        ),
        lambda: referral_for(child, lead_professional, camhs, consultation=for_referral),
    )

    assert isinstance(referral, Referral)
    consultation.refresh_from_db()
    if isinstance(advice, Exception):
        # The referral took the consultation first: the advice is refused and nothing of it is written.
        assert isinstance(advice, ApplicationError)
        assert advice.message == "This consultation has already become a referral."
        assert (consultation.advice, consultation.advised_by_id) == ("", None)
    else:
        # The advice took it first and the referral followed it, as in the ordinary journey.
        assert consultation.advice == "Refer for an assessment."
