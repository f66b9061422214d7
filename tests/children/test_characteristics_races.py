"""Two saves of a young person's protected characteristics at the same moment, on two connections."""

import pytest

from apps.audit.models import AuditEvent
from apps.children.characteristics import protected_characteristics_record
from apps.children.models import Child, ProtectedCharacteristics
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_first_saves_at_once_keep_one_row_and_the_second_changes_the_first(child, lead_professional):
    first, second = Child.objects.get(pk=child.pk), Child.objects.get(pk=child.pk)

    outcomes = run_together(
        lambda: protected_characteristics_record(
            actor=lead_professional, child=first, declared_by="young_person", religion="muslim", sex="male"
        ),
        lambda: protected_characteristics_record(
            actor=lead_professional,
            child=second,
            declared_by="young_person",
            religion="sikh",
            disability="no",
        ),
    )

    # They queue on the child's row: neither fails, whichever comes second changes what the first saved.
    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    row = ProtectedCharacteristics.objects.get(child=child)
    assert (row.sex, row.disability) == ("male", "no")  # Different questions: both answers hold.
    assert row.religion in {"muslim", "sikh"}
    actions = AuditEvent.objects.filter(child=child, detail__has_key="declared_by").values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted([AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE])


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
