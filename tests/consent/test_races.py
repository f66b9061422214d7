"""Two changes to one consent, override or review at the same moment, on two PostgreSQL connections.

Each side gets its own copy of the row, read before the race; only the service's lock can refuse the second.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.consent.models import Consent, ConsentReview, SafeguardingOverride
from apps.consent.services import (
    consent_record,
    consent_review_complete,
    consent_review_schedule,
    consent_withdraw,
    safeguarding_override_open,
    safeguarding_override_review,
    safeguarding_override_young_person_told,
)
from apps.core.exceptions import ApplicationError
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.concurrency import one_wins, run_together
from tests.factories import ChildFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _audited(row, action) -> int:
    return AuditEvent.objects.filter(target_id=str(row.public_id), action=action).count()


def test_two_withdrawals_at_once_record_one_and_keep_its_reason(lead_professional):
    sixteen = timezone.localdate().replace(year=timezone.localdate().year - 16) - timedelta(days=10)
    teenager = ChildFactory(date_of_birth=sixteen)  # Able to consent for themselves.
    child_access_grant(
        child=teenager, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None
    )
    clinician = ProfessionalFactory(organisation__role="camhs-clinician")
    consent = consent_record(
        actor=lead_professional,
        child=teenager,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=["assessments"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=clinician,
        purpose="So CAMHS can plan support with school",
        valid_from=timezone.localdate(),
        form=Consent.Form.VERBAL,
        evidence="Jay agreed in our meeting; his foster carer was present.",
    )
    first, second = Consent.objects.get(pk=consent.pk), Consent.objects.get(pk=consent.pk)

    outcomes = run_together(
        lambda: consent_withdraw(actor=lead_professional, consent=first, reason="Jay changed his mind"),
        lambda: consent_withdraw(actor=lead_professional, consent=second, reason="Asked again by phone"),
    )

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "already withdrawn" in refusal.message
    consent.refresh_from_db()
    assert consent.withdrawn_reason == winner.withdrawn_reason
    assert _audited(consent, AuditEvent.Action.REVOKE) == 1


def test_a_second_override_review_at_the_same_moment_does_not_overwrite_the_first(lead_professional, child):
    council = lead_professional.memberships.get().organisation
    reviewers = [
        ProfessionalFactory(organisation=council, organisation__role="safeguarding-lead") for _ in range(2)
    ]
    override = safeguarding_override_open(
        actor=lead_professional,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
        justification="Section 47 enquiry opened today after a disclosure at school.",
        categories=["assessments"],
    )
    first, second = (SafeguardingOverride.objects.get(pk=override.pk) for _ in range(2))

    outcomes = run_together(
        lambda: safeguarding_override_review(
            actor=reviewers[0], override=first, outcome="upheld", note="Justified: risk of harm."
        ),
        lambda: safeguarding_override_review(
            actor=reviewers[1], override=second, outcome="not_upheld", note="Consent could have been sought."
        ),
    )

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "already been reviewed" in refusal.message
    assert "the first review stands" in refusal.message
    override.refresh_from_db()
    assert (override.reviewed_by_id, override.review_outcome, override.review_note) == (
        winner.reviewed_by_id,
        winner.review_outcome,
        winner.review_note,
    )
    assert (override.ended_at is not None) == (winner.review_outcome == "not_upheld")
    assert _audited(override, AuditEvent.Action.UPDATE) == 1


def test_a_consent_review_completed_twice_at_once_is_done_once(lead_professional, child):
    review, _ = consent_review_schedule(
        child=child, reason=ConsentReview.Reason.CONSENT_EXPIRED, due_on=timezone.localdate()
    )
    first, second = (ConsentReview.objects.get(pk=review.pk) for _ in range(2))

    outcomes = run_together(
        lambda: consent_review_complete(actor=lead_professional, review=first, outcome_note="Keep sharing."),
        lambda: consent_review_complete(actor=lead_professional, review=second, outcome_note="Stop sharing."),
    )

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert refusal.message == "This review is already done."
    review.refresh_from_db()
    assert review.outcome_note == winner.outcome_note


def test_telling_the_young_person_is_recorded_once_when_two_record_it_at_once(lead_professional, child):
    override = safeguarding_override_open(
        actor=lead_professional,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
        justification="Section 47 enquiry opened today after a disclosure at school.",
        categories=["assessments"],
    )
    first, second = (SafeguardingOverride.objects.get(pk=override.pk) for _ in range(2))
    today = timezone.localdate()

    outcomes = run_together(
        lambda: safeguarding_override_young_person_told(
            actor=lead_professional, override=first, told_on=today, may_change_record=True
        ),
        lambda: safeguarding_override_young_person_told(
            actor=lead_professional,
            override=second,
            told_on=today - timedelta(days=1),
            may_change_record=True,
        ),
    )

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert refusal.message.startswith("Telling the young person was already recorded, on ")
    override.refresh_from_db()
    assert override.young_person_told_on == winner.young_person_told_on
    assert _audited(override, AuditEvent.Action.UPDATE) == 1
