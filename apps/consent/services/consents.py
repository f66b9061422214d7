"""The consent register: recording consent, withdrawing it, and letting it expire (R71, R73)."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, ProfessionalRole, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child, FamilyMember
from apps.consent.models import (
    CompetenceAssessment,
    Consent,
    ConsentCategory,
    ConsentReview,
)
from apps.consent.selectors import (
    PRESUMED_COMPETENT_AGE,
    age_on,
    competence_current,
    young_person_competent,
)
from apps.consent.services.common import _access_changed, _today
from apps.consent.services.reviews import consent_review_schedule
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change


def _grantor_errors(*, child: Child, grantor: str, parent: FamilyMember | None, on: date) -> dict[str, str]:
    """Whose consent is valid (R73): 16 and over, the young person's; under 16, theirs if Gillick competent,
    otherwise a person with parental responsibility's."""
    errors = {}
    age = age_on(child.date_of_birth, on)
    competent = young_person_competent(child=child, today=on)
    young_person_consents = grantor in (Consent.Grantor.YOUNG_PERSON, Consent.Grantor.BOTH)
    if young_person_consents and not competent:
        errors["grantor"] = (
            f"{child.known_as} is {age} and has not been assessed as competent to decide about sharing "
            "their information. Record a competence assessment, or consent from a person with parental "
            "responsibility"
        )
    if grantor == Consent.Grantor.PARENT and competent:
        errors["grantor"] = (
            f"{child.known_as} can decide for themselves"
            + (" at 16 or over" if age >= PRESUMED_COMPETENT_AGE else ", as they were assessed as competent")
            + ": record their own consent"
        )
    if grantor in (Consent.Grantor.PARENT, Consent.Grantor.BOTH):
        if parent is None:
            errors["parent"] = "Choose the person with parental responsibility who gave consent"
        elif parent.child_id != child.pk or not parent.has_parental_responsibility:
            errors["parent"] = f"{parent.name} does not have parental responsibility for {child.known_as}"
    return errors


def consent_record(
    *,
    actor: User,
    child: Child,
    grantor: str,
    categories: Iterable[str],
    recipient_kind: str,
    purpose: str,
    valid_from: date,
    form: str,
    evidence: str,
    recipient_organisation: Organisation | None = None,
    recipient_role: ProfessionalRole | None = None,
    recipient_user: User | None = None,
    valid_until: date | None = None,
    parent: FamilyMember | None = None,
) -> Consent:
    """Record consent to share categories of a child's information with someone, for a purpose (R71).

    Permissions follow at once for everyone the consent names. Sensitive categories are shared only when
    named one by one here (never by default), and never reach a parent or carer.
    """
    categories = list(dict.fromkeys(categories))
    errors: dict[str, str] = {}
    unknown = [c for c in categories if c not in Category.values]
    if not categories:
        errors["categories"] = "Choose at least one kind of information to share"
    elif unknown:
        errors["categories"] = f"Unknown kind of information: {', '.join(unknown)}"
    if valid_until and valid_until < valid_from:
        errors["valid_until"] = "The end date must be on or after the start date"
    if valid_until and valid_until < _today():
        errors["valid_until"] = "The end date must be today or later"
    if recipient_kind == Consent.RecipientKind.PERSON:
        if recipient_user is None or not recipient_user.is_active or recipient_user.is_young_person:
            errors["recipient_user"] = "Choose the professional, or the parent or carer, it is shared with"
        recipient_organisation = recipient_role = None
    elif recipient_kind in (Consent.RecipientKind.ORGANISATION, Consent.RecipientKind.ROLE):
        if recipient_organisation is None:
            errors["recipient_organisation"] = "Choose the organisation it is shared with"
        if recipient_kind == Consent.RecipientKind.ROLE and recipient_role is None:
            errors["recipient_role"] = "Choose the role within the organisation"
        recipient_user = None
    else:
        errors["recipient_kind"] = "Choose who it is shared with: an organisation, a role, or a named person"
    errors.update(_grantor_errors(child=child, grantor=grantor, parent=parent, on=valid_from))
    consent = Consent(
        child=child,
        grantor=grantor,
        parent=parent if grantor != Consent.Grantor.YOUNG_PERSON else None,
        recipient_kind=recipient_kind,
        recipient_organisation=recipient_organisation,
        recipient_role=recipient_role,
        recipient_user=recipient_user,
        purpose=purpose.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        form=form,
        evidence=evidence.strip(),
        recorded_by=actor,
        competence_assessment=competence_current(
            child=child, scope=CompetenceAssessment.Scope.INFORMATION_SHARING
        ),
    )
    try:
        consent.full_clean(exclude=[*errors], validate_constraints=False)
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent.save()
        ConsentCategory.objects.bulk_create(ConsentCategory(consent=consent, category=c) for c in categories)
        _access_changed(child=child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=consent,
            child=child,
            detail={"categories": categories, "recipient_kind": recipient_kind},
        )
    return consent


def consent_withdraw(*, actor: User, consent: Consent, reason: str) -> Consent:
    """Withdraw consent. From the very next request, nobody it named sees what it shared (R71)."""
    if consent.withdrawn_at is not None:
        raise ApplicationError(f"This consent was already withdrawn on {consent.withdrawn_at:%-d %B %Y}.")
    if not reason.strip():
        raise ValidationError({"reason": "Record why consent was withdrawn, in the words used"})
    with transaction.atomic():
        # Under the consent's lock: a withdrawal recorded a moment ago is not overwritten by a second one.
        lock_for_change(consent, "withdrawn_at")
        if consent.withdrawn_at is not None:
            raise ApplicationError(f"This consent was already withdrawn on {consent.withdrawn_at:%-d %B %Y}.")
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_reason = reason.strip()
        consent.withdrawn_by = actor
        consent.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by"])
        _access_changed(child=consent.child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.REVOKE,
            target=consent,
            child=consent.child,
            detail={"fields": ["withdrawn_at"]},
        )
    return consent


def consent_expiry_sweep(*, today: date | None = None) -> int:
    """Apply consents that have started, remove the permissions of those that ran out, and schedule a
    consent review for each that ran out (R82).

    Reads already ignore an expired permission (restrict() checks its end), so a late sweep leaks nothing;
    this tidies the rows and asks someone to look again. Safe to run any number of times.
    """
    today = today or _today()
    # Consents that started in the last week: apply them (a late start fails closed, so a sweep is safe).
    for consent in Consent.objects.filter(
        valid_from__gt=today - timedelta(days=7), valid_from__lte=today, withdrawn_at__isnull=True
    ).select_related("child"):
        with transaction.atomic():
            _access_changed(child=consent.child)
    expired = Consent.objects.filter(
        valid_until__lt=today, withdrawn_at__isnull=True, expiry_applied_at__isnull=True
    ).select_related("child")
    count = 0
    for consent in expired:
        with transaction.atomic():
            claimed = Consent.objects.filter(pk=consent.pk, expiry_applied_at__isnull=True).update(
                expiry_applied_at=timezone.now()
            )
            if not claimed:
                continue
            _access_changed(child=consent.child)
            consent_review_schedule(
                child=consent.child, reason=ConsentReview.Reason.CONSENT_EXPIRED, due_on=today
            )
            count += 1
    return count
