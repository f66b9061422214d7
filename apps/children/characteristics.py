"""A young person's protected characteristics (R7): recording them, clearing them, and reading them in words.

All optional and self-declared, each question in the words of the 2021 census of England and Wales with
"prefer not to say" always an answer of its own (an empty answer is "not asked or not recorded", which a
report counts apart). Sexual orientation and gender identity are the sensitive category
``Category.SEXUALITY_GENDER`` (R80): only the young person may tell them, and callers show them only where
the access decision lets the viewer see that category, passing its answer in (``sees_sexuality_gender``).

Kept beside ``services.py`` rather than in it: that module is past the size at which the house style splits
one, and these rules are a whole of their own.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import (
    CHARACTERISTIC_CHOICES,
    ETHNIC_GROUPS,
    OWN_WORDS,
    PREFER_NOT_TO_SAY,
    SEXUALITY_GENDER_FIELDS,
    Child,
    DeclaredBy,
    GenderIdentity,
    ProtectedCharacteristics,
)
from apps.children.services import child_update
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change

# Every answer a caller may give: the questions, their own-words fields, first language's "prefer not to say".
ANSWER_FIELDS = (
    *CHARACTERISTIC_CHOICES,
    *(words for words, _ in OWN_WORDS.values()),
    "first_language_prefer_not_to_say",
)
# The questions in words, as the messages and pages name them.
QUESTIONS = {
    "ethnicity": "Ethnic group",
    "sex": "Sex",
    "gender_identity": "Gender identity",
    "sexual_orientation": "Sexual orientation",
    "disability": "Disability",
    "religion": "Religion",
}
SEXUALITY_GENDER_ONLY_THEIRS = (
    "Only the young person can tell us their sexual orientation or gender identity: record what they told "
    "you themselves, or leave these questions as they are"
)


def protected_characteristics_of(child: Child) -> ProtectedCharacteristics | None:
    """The child's answers, or None where none are recorded (read from ``select_related`` where it was)."""
    try:
        return child.protected_characteristics
    except ObjectDoesNotExist:
        return None


def _own_words_errors(row: ProtectedCharacteristics, given: dict) -> dict[str, str]:
    """Each question's own words go with its "any other" (or "different") answer only. Words not given for a
    question whose answer changed away from one that takes them are cleared, as they no longer apply."""
    errors = {}
    for question, (words, takes_words) in OWN_WORDS.items():
        if words not in given and question in given and given[question] not in takes_words:
            setattr(row, words, "")
        if getattr(row, words) and getattr(row, question) not in takes_words:
            choices = CHARACTERISTIC_CHOICES[question]
            answers = " or ".join(f"“{choices(value).label}”" for value in sorted(takes_words))
            errors[words] = (
                f"Words of their own about their {QUESTIONS[question].lower()} go with {answers}: choose "
                "it, or leave the words out"
            )
    return errors


def protected_characteristics_record(
    *,
    actor: User,
    child: Child,
    declared_by: str,
    first_language: str | None = None,
    interpreter_needed: bool | None = None,
    **answers,
) -> ProtectedCharacteristics:
    """Record or change the young person's protected characteristics (R7); only the answers given change.

    Each answer is one from its census list, "prefer not to say", or empty (not recorded); a young person's
    own words go with an "any other" answer only. Sexual orientation and gender identity are theirs alone to
    tell (declared by them, or by a professional as they told it, never by a parent or carer). First language
    and the need for an interpreter are the child's record's own fields, changed here too; "prefer not to
    say" about the first language clears any language recorded. Who told us, and when, is kept for each part
    (the core answers; orientation and gender identity). The audit row names the questions changed, never
    the answers. Nothing is saved unless everything is valid.
    """
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise TypeError(f"protected_characteristics_record() got unexpected answers: {sorted(unknown)}")
    given = {
        field: value.strip() if isinstance(value, str) else bool(value)
        for field, value in answers.items()
        if value is not None
    }
    errors: dict[str, str] = {}
    if declared_by not in DeclaredBy.values:
        errors["declared_by"] = (
            "Say who told us: the young person themselves, a professional as the young person told them, "
            "or a parent or carer"
        )
    for question, choices in CHARACTERISTIC_CHOICES.items():
        value = given.get(question, "")
        if value and value not in choices.values:
            errors[question] = (
                f"“{value}” is not an answer to the question about {QUESTIONS[question].lower()}: choose one "
                "from the list, or “Prefer not to say”"
            )
    if first_language is not None:
        first_language = first_language.strip()
        if first_language and given.get("first_language_prefer_not_to_say"):
            errors["first_language"] = "Give their first language, or “Prefer not to say”, not both"
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # The child's row first: two first answers at once queue here, so the second finds the first's row
        # and changes it (answers to different questions both hold) rather than failing on the unique row.
        lock_for_change(child, "first_language", "interpreter_needed")
        row = ProtectedCharacteristics.objects.select_for_update(of=("self",)).filter(child=child).first()
        created = row is None
        row = row or ProtectedCharacteristics(child=child)
        changed = [field for field in ANSWER_FIELDS if field in given and getattr(row, field) != given[field]]
        sensitive = [field for field in changed if field in SEXUALITY_GENDER_FIELDS]
        if sensitive and declared_by == DeclaredBy.PARENT_CARER:
            raise ValidationError({sensitive[0]: SEXUALITY_GENDER_ONLY_THEIRS})
        for field in changed:
            setattr(row, field, given[field])
        errors = _own_words_errors(row, given)
        if first_language:
            row.first_language_prefer_not_to_say = False
        try:
            row.full_clean(exclude=["child", *errors], validate_constraints=False, validate_unique=False)
        except ValidationError as error:
            errors.update({field: messages[0] for field, messages in error.message_dict.items()})
        if errors:
            raise ValidationError(errors)

        record_changes: dict[str, object] = {}
        if first_language is not None and first_language != child.first_language:
            record_changes["first_language"] = first_language
        if row.first_language_prefer_not_to_say and child.first_language:
            record_changes["first_language"] = ""
        if interpreter_needed is not None and interpreter_needed != child.interpreter_needed:
            record_changes["interpreter_needed"] = interpreter_needed
        if not changed and not record_changes:
            return row  # Nothing new to record.
        now = timezone.now()
        if record_changes or any(field not in SEXUALITY_GENDER_FIELDS for field in changed):
            row.declared_by, row.declared_at = declared_by, now
        if sensitive:
            row.sexuality_gender_declared_by, row.sexuality_gender_declared_at = declared_by, now
        row.recorded_by = actor
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as error:  # A first answer saved by another request at the same moment.
            raise ApplicationError(
                "These answers were saved by someone else at the same moment: look at them again, then save"
            ) from error
        if record_changes:
            child_update(actor=actor, child=child, **record_changes)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            target=row,
            child=child,
            # The questions, never the answers.
            detail={"fields": changed, "declared_by": declared_by},
        )
    return row


def protected_characteristics_clear(*, actor: User, child: Child) -> bool:
    """Remove every answer: the young person changed their mind about telling us (R7). Their first language
    and interpreter need stay on the record, where the team needs them to talk with them. True if there
    were answers to remove."""
    with transaction.atomic():
        # The child's row first: two first answers at once queue here, so the second finds the first's row
        # and changes it (answers to different questions both hold) rather than failing on the unique row.
        lock_for_change(child, "first_language", "interpreter_needed")
        row = ProtectedCharacteristics.objects.select_for_update(of=("self",)).filter(child=child).first()
        if row is None:
            return False
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=child,
            child=child,
            detail={"removed": "protected_characteristics"},
        )
        row.delete()
    return True


# --- Reading the answers in words ---------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One question and its answer in words; ``withheld`` where the viewer may not see it."""

    question: str
    field: str
    answer: str
    withheld: bool = False

    @property
    def recorded(self) -> bool:
        return self.answer != NOT_RECORDED


NOT_RECORDED = "Not recorded"


def answer_words(row: ProtectedCharacteristics | None, question: str) -> str:
    """An answer as a page shows it: its label with any words of their own, "Prefers not to say", or "Not
    recorded"."""
    value = getattr(row, question, "") if row is not None else ""
    if not value:
        return NOT_RECORDED
    if value == PREFER_NOT_TO_SAY:
        return "Prefers not to say"
    label = CHARACTERISTIC_CHOICES[question](value).label
    if question == "gender_identity":
        label = {
            GenderIdentity.SAME: "The same as their sex registered at birth",
            GenderIdentity.DIFFERENT: "Different from their sex registered at birth",
        }[GenderIdentity(value)]
    if question == "ethnicity":
        heading = next(heading for heading, groups in ETHNIC_GROUPS if value in groups)
        label = f"{heading}: {label}"
    words = OWN_WORDS.get(question, ("", frozenset()))[0]
    own = getattr(row, words, "") if words else ""
    return f"{label} ({own})" if own else label


def characteristics_answers(
    row: ProtectedCharacteristics | None, *, sees_sexuality_gender: bool
) -> list[Answer]:
    """Every question with its answer in words, sexual orientation and gender identity withheld unless the
    caller's access decision lets the viewer see ``Category.SEXUALITY_GENDER`` (``sees_text``)."""
    return [
        Answer(question=label, field=question, answer="", withheld=True)
        if question in SEXUALITY_GENDER_FIELDS and not sees_sexuality_gender
        else Answer(question=label, field=question, answer=answer_words(row, question))
        for question, label in QUESTIONS.items()
    ]
