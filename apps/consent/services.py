"""Writes to the consent register, competence, overrides, reviews and the disclosure log.

Every change here ends by recomputing the permissions of the people it concerns, through the hooks
``apps.sharing`` (the only code that touches permissions) registers in ``ACCESS_CHANGED_HOOKS``, in the
same transaction: a withdrawal takes effect on the very next request.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, ProfessionalRole, User
from apps.accounts.selectors import user_primary_membership
from apps.audit.context import current_interface
from apps.audit.models import AuditEvent
from apps.audit.services import actor_organisation_id, audit_record
from apps.children.categories import Category
from apps.children.models import Child, FamilyMember
from apps.consent.models import (
    CompetenceAssessment,
    Consent,
    ConsentCategory,
    ConsentReview,
    CoordinationObjection,
    Disclosure,
    ParentWithholding,
    SafeguardingOverride,
)
from apps.consent.selectors import (
    PRESUMED_COMPETENT_AGE,
    age_on,
    competence_current,
    consents_naming,
    overrides_in_force,
    young_person_competent,
)
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change

SAFEGUARDING_LEAD_ROLE = "safeguarding-lead"

# What apps above consent do after a change to a reason for access, inside the same transaction: sharing
# recomputes the child's permissions (``child_access_resync``). Each registers from its AppConfig.ready(),
# so consent needs no import of them; a hook takes the child.
ACCESS_CHANGED_HOOKS: list[Callable[..., None]] = []

# What apps above consent do when a safeguarding override is opened, inside the same transaction:
# notifications alerts each safeguarding lead who must review it. A hook takes the override, the person
# who opened it and the leads to alert.
OVERRIDE_OPENED_HOOKS: list[Callable[..., None]] = []


def _access_changed(*, child: Child) -> None:
    for hook in ACCESS_CHANGED_HOOKS:
        hook(child=child)


def _today() -> date:
    return timezone.localdate()


def competence_assess(
    *,
    actor: User,
    child: Child,
    assessed_on: date,
    decision: str,
    outcome: str,
    scope: str = CompetenceAssessment.Scope.INFORMATION_SHARING,
    notes: str = "",
) -> CompetenceAssessment:
    """Record a Gillick competence assessment: assessor, date, the decision it covers, the outcome (R73)."""
    if assessed_on > _today():
        raise ValidationError({"assessed_on": "The assessment date must be today or in the past"})
    assessment = CompetenceAssessment(
        child=child,
        assessor=actor,
        assessed_on=assessed_on,
        decision=decision.strip(),
        outcome=outcome,
        scope=scope,
        notes=notes.strip(),
    )
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=assessment,
            child=child,
            detail={"outcome": outcome},
        )
    return assessment


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


def consent_review_schedule(*, child: Child, reason: str, due_on: date) -> tuple[ConsentReview, bool]:
    """Ask for consent and competence to be reviewed (R82). Until it is done, the safer setting holds.

    The safer setting: consents given by a parent alone are set aside, because the decision may now be
    the young person's. Scheduling the same review twice creates one.
    """
    try:
        with transaction.atomic():
            review = ConsentReview.objects.create(child=child, reason=reason, due_on=due_on)
    except IntegrityError:
        return ConsentReview.objects.get(child=child, reason=reason, due_on=due_on), False
    if due_on <= _today():
        _resync_everyone(child=child)
    return review, True


def placement_change_review_schedule(*, child: Child, started_on: date) -> None:
    """A looked-after child's placement changed: new people around them, so consent is looked at again
    from the day it began (R82). Registered with ``apps.children.services.PLACEMENT_CHANGE_HOOKS``."""
    consent_review_schedule(child=child, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=started_on)


def consent_review_complete(*, actor: User, review: ConsentReview, outcome_note: str) -> ConsentReview:
    """Record that consent and competence were reviewed with the young person; parental consents apply again
    where they are still valid."""
    if review.completed_on is not None:
        raise ApplicationError("This review is already done.")
    if not outcome_note.strip():
        raise ValidationError({"outcome_note": "Record what was decided with the young person"})
    with transaction.atomic():
        lock_for_change(review, "completed_on")
        if review.completed_on is not None:
            raise ApplicationError("This review is already done.")
        review.completed_on = _today()
        review.completed_by = actor
        review.outcome_note = outcome_note.strip()
        review.save(update_fields=["completed_on", "completed_by", "outcome_note"])
        _resync_everyone(child=review.child)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=review, child=review.child)
    return review


def consent_review_sweep(*, today: date | None = None) -> int:
    """Schedule a review for every child who turns 16 today or turned 16 since the last run (R82).

    Looks back a week so that a sweep missed for a few days still catches every birthday; the unique
    constraint on (child, reason, date) keeps it to one review each.
    """
    today = today or _today()
    created = 0
    for days_ago in range(7):
        day = today - timedelta(days=days_ago)
        try:
            birthdays = day.replace(year=day.year - PRESUMED_COMPETENT_AGE)
        except ValueError:  # 29 February: those born on it turn 16 on 28 February in other years.
            continue
        for child in Child.objects.filter(date_of_birth=birthdays):
            created += consent_review_schedule(
                child=child, reason=ConsentReview.Reason.SIXTEENTH_BIRTHDAY, due_on=day
            )[1]
    return created


def _resync_everyone(*, child: Child) -> None:
    """Recompute permissions for everyone with any reason to see the child."""
    _access_changed(child=child)


def _safeguarding_leads(*, organisation_ids: set[int]) -> list[User]:
    return [
        membership.user
        for membership in OrganisationMembership.objects.current()
        .filter(organisation_id__in=organisation_ids, role__code=SAFEGUARDING_LEAD_ROLE, user__is_active=True)
        .select_related("user")
    ]


def safeguarding_override_open(
    *,
    actor: User,
    child: Child,
    lawful_basis: str,
    justification: str,
    categories: Iterable[str],
) -> SafeguardingOverride:
    """See a child's information without consent to protect them (R76): break-glass.

    Only with a lawful basis and a justification in words; it lasts a limited time (72 hours unless
    configured), every safeguarding lead of the professional's organisation and of the organisation that
    holds the record is alerted to review it, and the young person is told later when that is judged safe.
    """
    categories = list(dict.fromkeys(categories)) or list(Category.values)
    errors = {}
    if lawful_basis not in SafeguardingOverride.LawfulBasis.values:
        errors["lawful_basis"] = "Choose the lawful basis for seeing the information without consent"
    if len(justification.strip()) < 20:
        errors["justification"] = "Explain why this cannot wait for consent, in a sentence or two"
    if any(c not in Category.values for c in categories):
        errors["categories"] = "Choose kinds of information from the list"
    if not actor.is_professional:
        raise ApplicationError("Only professionals can open a safeguarding override.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        override = SafeguardingOverride.objects.create(
            child=child,
            opened_by=actor,
            lawful_basis=lawful_basis,
            justification=justification.strip(),
            categories=categories,
            starts_at=now,
            expires_at=now + timedelta(hours=settings.BEACON_OVERRIDE_HOURS),
        )
        _access_changed(child=child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.GRANT,
            target=override,
            child=child,
            basis=override.get_lawful_basis_display(),
            detail={"categories": categories},
        )
        membership = user_primary_membership(user=actor)
        organisations = {
            org
            for org in (child.created_by_organisation_id, membership and membership.organisation_id)
            if org
        }
        leads = [lead for lead in _safeguarding_leads(organisation_ids=organisations) if lead.pk != actor.pk]
        for hook in OVERRIDE_OPENED_HOOKS:
            hook(override=override, actor=actor, reviewers=leads)
    return override


def _already_reviewed(override: SafeguardingOverride) -> str:
    return (
        f"This override has already been reviewed, on {timezone.localtime(override.reviewed_at):%-d %B %Y}: "
        "the first review stands."
    )


OVERRIDE_REVIEW_REFUSED = (
    "Only a safeguarding lead of the organisation that holds the record, or of the organisation of the "
    "person who opened the override, can review it."
)


def safeguarding_override_concerned_organisations(*, override: SafeguardingOverride) -> set[int]:
    """The organisations an override concerns: the one that holds the child's record and the opener's own
    (today's memberships). Their safeguarding leads are the ones alerted to it, and the ones who review it."""
    holder = override.child.created_by_organisation_id
    return ({holder} if holder is not None else set()) | set(
        OrganisationMembership.objects.current()
        .filter(user_id=override.opened_by_id)
        .values_list("organisation_id", flat=True)
    )


def safeguarding_override_check_may_review(*, actor: User, override: SafeguardingOverride) -> None:
    """Who may review an override (R76): a current safeguarding lead of an organisation it concerns, never
    the person who opened it. Anyone else gets ``NotPermitted``; the page and the API both ask this."""
    leads_at = OrganisationMembership.objects.current().filter(user=actor, role__code=SAFEGUARDING_LEAD_ROLE)
    if not leads_at.filter(
        organisation_id__in=safeguarding_override_concerned_organisations(override=override)
    ).exists():
        raise NotPermitted(OVERRIDE_REVIEW_REFUSED)


def safeguarding_override_review(
    *, actor: User, override: SafeguardingOverride, outcome: str, note: str, end_now: bool = False
) -> SafeguardingOverride:
    """The safeguarding lead reviews an override: justified or not, with a note; they may end it at once.

    Only a safeguarding lead of an organisation the override concerns
    (``safeguarding_override_check_may_review``)."""
    if override.reviewed_at is not None:
        raise ApplicationError(_already_reviewed(override))
    if actor.pk == override.opened_by_id:
        raise ApplicationError("Someone else must review an override: not the person who opened it.")
    safeguarding_override_check_may_review(actor=actor, override=override)
    if outcome not in SafeguardingOverride.ReviewOutcome.values:
        raise ValidationError({"outcome": "Say whether the override was justified"})
    if not note.strip():
        raise ValidationError({"note": "Record the reasons for your decision"})
    with transaction.atomic():
        # Under the override's lock: a second review a moment later must not overwrite the first.
        lock_for_change(override, "reviewed_at", "reviewed_by_id", "ended_at")
        if override.reviewed_at is not None:
            raise ApplicationError(_already_reviewed(override))
        override.reviewed_by = actor
        override.reviewed_at = timezone.now()
        override.review_outcome = outcome
        override.review_note = note.strip()
        fields = ["reviewed_by", "reviewed_at", "review_outcome", "review_note"]
        if end_now or outcome == SafeguardingOverride.ReviewOutcome.NOT_UPHELD:
            override.ended_at = timezone.now()
            fields.append("ended_at")
        override.save(update_fields=fields)
        _access_changed(child=override.child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=override,
            child=override.child,
            detail={"review_outcome": outcome},
        )
    return override


OVERRIDE_TOLD_REFUSED = (
    "Only the person who opened it, the safeguarding lead or the child's lead can record this."
)


def safeguarding_override_check_may_record_told(
    *, actor: User, override: SafeguardingOverride, may_change_record: bool
) -> None:
    """Who may record that the young person was told about an override (R76): the person who opened it,
    someone who may change the child's record (the lead professional), or a safeguarding lead. Anyone else
    gets ``NotPermitted``: whether and when to tell a young person is a safeguarding judgement.

    ``may_change_record`` is the access decision's answer for the actor and the child
    (``child_access(...).can_change``), asked by the page and the API, which sit above it."""
    if actor.pk == override.opened_by_id:
        return
    if (
        OrganisationMembership.objects.current()
        .filter(user=actor, role__code=SAFEGUARDING_LEAD_ROLE)
        .exists()
    ):
        return
    if not may_change_record:
        raise NotPermitted(OVERRIDE_TOLD_REFUSED)


def safeguarding_override_young_person_told(
    *, actor: User, override: SafeguardingOverride, told_on: date, may_change_record: bool
) -> SafeguardingOverride:
    """Record that the young person has been told about the override, once it was judged safe to (R76)."""
    safeguarding_override_check_may_record_told(
        actor=actor, override=override, may_change_record=may_change_record
    )
    if told_on > _today():
        raise ValidationError({"told_on": "The date must be today or in the past"})
    with transaction.atomic():
        lock_for_change(override, "young_person_told_on")
        if override.young_person_told_on is not None:
            told = f"{override.young_person_told_on:%-d %B %Y}"
            raise ApplicationError(
                f"Telling the young person was already recorded, on {told}.", field="told_on"
            )
        override.young_person_told_on = told_on
        override.young_person_told_by = actor
        override.save(update_fields=["young_person_told_on", "young_person_told_by"])
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=override, child=override.child)
    return override


def disclosure_record(*, child: Child, viewer: User, access) -> Disclosure | None:
    """Log a view of the child's information by someone outside the organisation that holds the record (R75).

    Records what was seen (the categories the access decision allows), who, when, through which interface,
    and on what lawful basis: the override if one is in use; else consent, with the consent, where any
    category is seen because the young person (or a parent) agreed; else the basis the decision gives the
    core record (direct care, coordination, a legal duty).
    """
    viewer_organisation_id = actor_organisation_id(viewer)
    if viewer_organisation_id is not None and viewer_organisation_id == child.created_by_organisation_id:
        return None
    override = overrides_in_force(child=child, user=viewer).first()
    if override:
        basis = Disclosure.Basis.SAFEGUARDING
    elif any(access.basis(category) == Disclosure.Basis.CONSENT for category in access.categories):
        basis = Disclosure.Basis.CONSENT
    else:
        basis = access.basis() or Disclosure.Basis.DIRECT_CARE
    consent = consents_naming(child=child, user=viewer).first() if basis == Disclosure.Basis.CONSENT else None
    return Disclosure.objects.create(
        child=child,
        viewer=viewer,
        viewer_organisation_id=viewer_organisation_id,
        categories=sorted(access.categories),
        interface=current_interface(),
        basis=basis,
        consent=consent,
        override=override,
    )


def disclosures_record_listed(*, children, viewer: User, access_by_child: dict) -> None:
    """Log, in one query, that a list showed these children's core details to someone from elsewhere, each on
    the lawful basis the access decision gives (``apps.sharing.access.children_access``)."""
    viewer_organisation_id = actor_organisation_id(viewer)
    Disclosure.objects.bulk_create(
        Disclosure(
            child=child,
            viewer=viewer,
            viewer_organisation_id=viewer_organisation_id,
            categories=[Category.CORE],
            interface=current_interface(),
            basis=access_by_child[child.pk].basis() or Disclosure.Basis.DIRECT_CARE,
        )
        for child in children
        if viewer_organisation_id is None or child.created_by_organisation_id != viewer_organisation_id
    )


def parent_withholding_record(
    *, actor: User, child: Child, category: str, judgement: str
) -> ParentWithholding:
    """A competent young person asks that a kind of information is kept from their parents or carers (R74).

    Only a young person able to decide (16 or over, or Gillick competent) can ask; staff record the judgement
    they made. From the next request no parent or carer sees that category, whatever consent says.
    """
    errors = {}
    if category not in Category.values:
        errors["category"] = "Choose the kind of information to keep from parents and carers"
    if not judgement.strip():
        errors["judgement"] = "Record the judgement you made with the young person"
    if not young_person_competent(child=child):
        errors["category"] = (
            f"{child.known_as} is under 16 and has not been assessed as competent to decide about sharing "
            "their information, so cannot ask for this yet"
        )
    if errors:
        raise ValidationError(errors)
    if ParentWithholding.objects.filter(child=child, category=category, ended_on__isnull=True).exists():
        raise ValidationError({"category": "This is already kept from parents and carers"})
    with transaction.atomic():
        withholding = ParentWithholding.objects.create(
            child=child,
            category=category,
            judgement=judgement.strip(),
            recorded_by=actor,
            recorded_on=_today(),
        )
        _access_changed(child=child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=withholding,
            child=child,
            detail={"category": category},
        )
    return withholding


def parent_withholding_end(*, actor: User, withholding: ParentWithholding) -> ParentWithholding:
    """The young person lets their parents or carers see this category again, where consent allows."""
    if withholding.ended_on is not None:
        raise ApplicationError("This has already ended.")
    with transaction.atomic():
        lock_for_change(withholding, "ended_on")
        if withholding.ended_on is not None:
            raise ApplicationError("This has already ended.")
        withholding.ended_on = _today()
        withholding.save(update_fields=["ended_on"])
        _access_changed(child=withholding.child)
        audit_record(
            actor=actor, action=AuditEvent.Action.UPDATE, target=withholding, child=withholding.child
        )
    return withholding


def coordination_objection_record(
    *, actor: User, child: Child, category: str, judgement: str, in_their_words: str = ""
) -> CoordinationObjection:
    """A competent young person objects to their lead professional seeing a category without their consent.

    The lead professional sees what they coordinate (team, appointments, referrals, plans) on a coordination
    basis, not consent; the young person's voice still holds. Only a young person able to decide (16 or over,
    or Gillick competent) can object, themselves or through a professional who records it with the judgement
    they made. From the next request the lead sees that category only with consent or a safeguarding override.
    """
    from apps.children.categories import COORDINATED

    if actor.is_young_person and child.account_id != actor.pk:
        raise NotPermitted("Only the young person themselves can object to who sees their information.")
    if not (actor.is_young_person or actor.is_professional):
        raise NotPermitted("A young person's objection is theirs: a parent or carer cannot make it for them.")
    errors = {}
    if category not in COORDINATED:
        errors["category"] = (
            "Choose what the lead professional coordinates: the team, appointments, referrals, or plans and "
            "meetings"
        )
    if not judgement.strip():
        errors["judgement"] = "Record the professional judgement you made with the young person"
    if not young_person_competent(child=child):
        errors["category"] = (
            f"{child.known_as} is under 16 and has not been assessed as competent to decide about sharing "
            "their information, so cannot object yet. Record a competence assessment first"
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            objection = CoordinationObjection.objects.create(
                child=child,
                category=category,
                in_their_words=in_their_words.strip(),
                judgement=judgement.strip(),
                recorded_by=actor,
                recorded_on=_today(),
            )
            _access_changed(child=child)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                target=objection,
                child=child,
                detail={"category": category},
            )
    except IntegrityError:  # Another request recorded the same objection at the same moment.
        raise ValidationError({"category": "The young person has already objected to this"}) from None
    return objection


def coordination_objection_end(*, actor: User, objection: CoordinationObjection) -> CoordinationObjection:
    """The young person lets their lead professional see this category again on a coordination basis."""
    if actor.is_young_person and objection.child.account_id != actor.pk:
        raise NotPermitted("Only the young person themselves can end their objection.")
    with transaction.atomic():
        ended = CoordinationObjection.objects.filter(pk=objection.pk, ended_on__isnull=True).update(
            ended_on=_today(), ended_by=actor
        )
        if not ended:
            raise ApplicationError("This objection has already ended.")
        objection.refresh_from_db()
        _access_changed(child=objection.child)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=objection, child=objection.child)
    return objection
