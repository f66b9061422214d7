"""Two saves of a young person's protected characteristics at the same moment, on two connections."""

import pytest

from apps.children.characteristics import protected_characteristics_record
from apps.children.models import Child, ProtectedCharacteristics
from apps.core.exceptions import ApplicationError
from tests.concurrency import one_wins, run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_first_saves_at_once_keep_one_row_and_tell_the_other_to_look_again(child, lead_professional):
    first, second = Child.objects.get(pk=child.pk), Child.objects.get(pk=child.pk)

    outcomes = run_together(
        lambda: protected_characteristics_record(
            actor=lead_professional, child=first, declared_by="young_person", religion="muslim"
        ),
        lambda: protected_characteristics_record(
            actor=lead_professional, child=second, declared_by="young_person", religion="sikh"
        ),
    )

    winner, refusal = one_wins(outcomes, refused=ApplicationError)
    assert "at the same moment" in refusal.message
    assert ProtectedCharacteristics.objects.get(child=child).religion == winner.religion


def test_two_changes_at_once_to_different_answers_both_hold(child, lead_professional):
    protected_characteristics_record(
        actor=lead_professional, child=child, declared_by="young_person", sex="male"
    )
    first, second = Child.objects.get(pk=child.pk), Child.objects.get(pk=child.pk)

    outcomes = run_together(
        lambda: protected_characteristics_record(
            actor=lead_professional, child=first, declared_by="young_person", religion="none"
        ),
        lambda: protected_characteristics_record(
            actor=lead_professional, child=second, declared_by="young_person", disability="no"
        ),
    )

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    row = ProtectedCharacteristics.objects.get(child=child)
    assert (row.sex, row.religion, row.disability) == ("male", "none", "no")
