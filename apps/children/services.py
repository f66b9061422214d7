"""Writes to children's records. Each validates first, writes in one transaction, and audits the write.

Callers (browser views, API views, the demo loader) have already fetched the child through
``access_child(..., perm="change_child")``; these functions trust that and own everything after it.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.accounts.selectors import OrganisationUse, organisation_type_problem, user_primary_membership
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import (
    CREATOR_BASIS,
    Child,
    ChildIdentifier,
    DifferentChildConfirmation,
    FamilyMember,
    NhsNumberStatus,
    SocialWorkInvolvement,
    VulnerabilityFlag,
    VulnerabilityType,
)
from apps.children.selectors import (
    HIDDEN_MATCH_CLEARED,
    SAME_NHS_NUMBER,
    SAME_NHS_NUMBER_UNVERIFIED,
    FoundMatch,
    PossibleMatch,
    child_matches_found,
    hidden_matches_cleared,
    possible_matches_shown,
)
from apps.core.exceptions import ApplicationError, DuplicateRecord
from apps.core.hooks import Hook
from apps.core.nhs_number import normalise_nhs_number

# The fields of the core record a professional may set or change.
CHILD_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "strengths",
    "interests",
    "what_helps",
    "what_does_not_help",
    "communication_needs",
    "first_language",
    "interpreter_needed",
    "prefers_easy_read",
    "deprivation_decile",
)

DUPLICATE_NHS_NUMBER = (
    "A child with this NHS number already has a record in Beacon. Search for them and ask for access "
    "instead of creating a second record."
)


HIDDEN_MATCH_BLOCKS = (
    "A record may already exist for this child, but it has not been shared with you. Ask for access to it "
    "instead of adding a second record: the professional responsible for it can check whether it is the same "
    "child."
)
VISIBLE_MATCH_NEEDS_CONFIRMING = (
    "This child may already have a record in Beacon. Check the records shown: if one is this child, use it. "
    "If none is, confirm that this is a different child and say how you know."
)
SAY_WHY_DIFFERENT = "Say how you know this is a different child from the record that matched"


class PossibleDuplicate(ApplicationError):
    """The record being added may already exist (R2). ``matches`` is what the person may be shown of it
    (``PossibleMatch``: a hidden record as a reason only); ``hidden`` says a record not shared with them
    matched, which only a request for access can settle, never a confirmation."""

    def __init__(self, message: str, *, matches: list[PossibleMatch], hidden: bool) -> None:
        super().__init__(message, field="different_child_reason", code="possible_duplicate")
        self.matches = matches
        self.hidden = hidden


# A looked-after child's placement changed: consent schedules a review (R82). Takes the child and the day
# the new placement began. Registered from AppConfig.ready() (apps/core/hooks.py).
PLACEMENT_CHANGED = Hook("a looked-after child's placement changed")

# A child's record was created: sharing gives the creator their grant, so the person who creates the
# record can see and change it. Takes the child and the person who created the record.
CHILD_CREATED = Hook("a child's record was created")


def _today() -> date:
    return timezone.localdate()


def _check_not_in_future(value: date | None, *, field: str, what: str) -> None:
    if value and value > _today():
        raise ValidationError({field: f"{what} must be today or in the past"})


def _child_validate(child: Child) -> None:
    """Full model validation plus the rules that need today's date, as one set of field errors.

    Errors keep their codes (``check_digit``, ``length`` ...) so that API clients can act on them.
    """
    errors: dict[str, list[ValidationError]] = {}
    try:
        child.full_clean()
    except ValidationError as error:
        errors.update(error.error_dict)
    if child.date_of_birth and child.date_of_birth > _today():
        errors.setdefault("date_of_birth", []).append(
            ValidationError("Date of birth must be today or in the past", code="in_future")
        )
    if any(error.code == "unique" for error in errors.get("nhs_number", [])):
        errors["nhs_number"] = [ValidationError(DUPLICATE_NHS_NUMBER, code="duplicate")]
    if errors:
        raise ValidationError(errors)


def _save_unique(instance, *, field: str, message: str) -> None:
    """Save, turning a uniqueness race lost to another request into a clear error on ``field``."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise DuplicateRecord(message, field=field) from error


def _identifiers_validate(child: Child, identifiers: Iterable[Mapping]) -> list[ChildIdentifier]:
    """Build identifier rows, reporting each problem against ``identifiers.<n>.<field>``."""
    rows, errors = [], {}
    seen = set()
    for index, item in enumerate(identifiers):
        row = ChildIdentifier(
            child=child,
            kind=item.get("kind", ""),
            value=(item.get("value") or "").strip(),
            issuer=item.get("issuer"),
        )
        try:
            row.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"identifiers.{index}.{field}"] = messages
            continue
        key = (row.issuer_id, row.kind, row.value.upper())
        duplicate = (
            key in seen
            or ChildIdentifier.objects.filter(issuer_id=row.issuer_id, kind=row.kind, value__iexact=row.value)
            .exclude(child_id=child.pk)
            .exists()
        )
        if duplicate:
            errors[f"identifiers.{index}.value"] = [
                f"{row.issuer} has already issued {row.get_kind_display()} {row.value} to another child"
            ]
        seen.add(key)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


def _possible_duplicates_check(
    *, actor: User, found: list[FoundMatch], different_child_reason: str
) -> list[tuple[Child, str, str]]:
    """Refuse a record that may already exist, unless the person has settled each match; return the matches
    settled, each with what matched and the words that settled it, to record with the new record.

    - the same NHS number: never a second record (the database's unique constraint says so too);
    - a record not shared with the person: only a request for access settles it, by the record's lead
      professional answering that it is a different child (``HIDDEN_MATCH_CLEARED``); never a confirmation,
      which would be a way round the record's protection;
    - a record shared with them: they confirm it is a different child and say how they know.
    """
    if any(match.reason in (SAME_NHS_NUMBER, SAME_NHS_NUMBER_UNVERIFIED) for match in found):
        raise ValidationError({"nhs_number": [ValidationError(DUPLICATE_NHS_NUMBER, code="duplicate")]})
    cleared = hidden_matches_cleared(user=actor, found=found)
    shown = possible_matches_shown(found, cleared=cleared)
    if any(not match.visible and match.child.pk not in cleared for match in found):
        raise PossibleDuplicate(HIDDEN_MATCH_BLOCKS, matches=shown, hidden=True)
    visible = [match for match in found if match.visible]
    if visible and not different_child_reason.strip():
        raise PossibleDuplicate(VISIBLE_MATCH_NEEDS_CONFIRMING, matches=shown, hidden=False)
    settled = [(match.child, match.reason, different_child_reason.strip()) for match in visible]
    for match in found:
        if match.child.pk in cleared:
            answer = HIDDEN_MATCH_CLEARED.first_answer(user=actor, child=match.child)
            settled.append((match.child, match.reason, f"The record's lead professional answered: {answer}"))
    return settled


def child_create(
    *,
    actor: User,
    identifiers: Iterable[Mapping] = (),
    different_child_reason: str = "",
    **fields,
) -> Child:
    """Create a child's record; the person who creates it can see and change it.

    The NHS number is stored as ten digits after its check digit passes, not yet verified; a date of birth
    cannot be in the future; each local identifier is unique within the organisation that issued it.

    One child, one record (R1, R2): the possible-match check runs here, on what is about to be saved, on
    every route (the details page, the API, a data load), whatever was searched before. A record with the
    same NHS number refuses it; one not shared with the person refuses it until its lead professional has
    answered their request for access; one shared with them needs ``different_child_reason``, recorded as
    a ``DifferentChildConfirmation`` beside the new record.
    """
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"child_create() got unexpected fields: {sorted(unknown)}")
    if fields.get("nhs_number") is not None:
        fields["nhs_number"] = normalise_nhs_number(fields["nhs_number"]) or None
    membership = user_primary_membership(user=actor)
    child = Child(
        **fields,
        created_by=actor,
        created_by_organisation=membership.organisation if membership else None,
    )
    _child_validate(child)
    identifier_rows = _identifiers_validate(child, identifiers)
    found = child_matches_found(
        user=actor,
        nhs_number=child.nhs_number or "",
        given_name=child.given_name,
        family_name=child.family_name,
        preferred_name=child.preferred_name,
        date_of_birth=child.date_of_birth,
    )
    settled = _possible_duplicates_check(
        actor=actor, found=found, different_child_reason=different_child_reason
    )
    with transaction.atomic():
        _save_unique(child, field="nhs_number", message=DUPLICATE_NHS_NUMBER)
        for row in identifier_rows:
            row.child = child
        ChildIdentifier.objects.bulk_create(identifier_rows)
        DifferentChildConfirmation.objects.bulk_create(
            DifferentChildConfirmation(
                child=child, matched_child=matched, matched_on=matched_on, reason=reason, confirmed_by=actor
            )
            for matched, matched_on, reason in settled
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=child,
            child=child,
            basis=CREATOR_BASIS,
            detail={
                "fields": sorted(k for k, v in fields.items() if v not in ("", None)),
                "identifiers": len(identifier_rows),
                # The records it was said to differ from, by public id (the reasons are in the rows).
                "different_from": [str(matched.public_id) for matched, _, _ in settled],
            },
        )
        CHILD_CREATED(child=child, actor=actor)
    return child


_NHS_NUMBER_NOT_VERIFIED = {
    "nhs_number_status": NhsNumberStatus.UNVERIFIED,
    "nhs_number_verified_on": None,
    "nhs_number_verified_by": None,
    "nhs_number_unavailable_reason": "",
}


def child_update(*, actor: User, child: Child, **fields) -> Child:
    """Change the core record. Only the fields given change; the audit row names them (not their values).

    A changed NHS number is no longer verified: whoever checks it against the national register says so
    again (``child_nhs_number_status_record``).
    """
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"child_update() got unexpected fields: {sorted(unknown)}")
    if "nhs_number" in fields:
        fields["nhs_number"] = normalise_nhs_number(fields["nhs_number"] or "") or None
    changed = sorted(name for name, value in fields.items() if getattr(child, name) != value)
    if not changed:
        return child
    if "nhs_number" in changed:
        # A different number (or none) is not the one that was verified: it is checked afresh.
        fields.update(_NHS_NUMBER_NOT_VERIFIED)
        changed = sorted(
            {*changed, *(n for n, v in _NHS_NUMBER_NOT_VERIFIED.items() if getattr(child, n) != v)}
        )
    original = {name: getattr(child, name) for name in changed}
    for name in changed:
        setattr(child, name, fields[name])
    try:
        _child_validate(child)
        with transaction.atomic():
            _save_unique(child, field="nhs_number", message=DUPLICATE_NHS_NUMBER)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=child,
                child=child,
                detail={"fields": changed},
            )
    except (ValidationError, ApplicationError):
        for name, value in original.items():  # Leave the caller's object as it was: nothing half-changed.
            setattr(child, name, value)
        raise
    return child


def child_identifier_add(
    *, actor: User, child: Child, kind: str, value: str, issuer: Organisation | None
) -> ChildIdentifier:
    """Add an agency's identifier for the child; unique within the issuing organisation (R1)."""
    try:
        (row,) = _identifiers_validate(child, [{"kind": kind, "value": value, "issuer": issuer}])
    except ValidationError as error:
        # Single form: name the plain field, not the position in a list.
        raise ValidationError(
            {key.rsplit(".", 1)[-1]: messages for key, messages in error.message_dict.items()}
        ) from None
    with transaction.atomic():
        _save_unique(row, field="value", message="This organisation has already issued this identifier.")
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=row,
            child=child,
            detail={"kind": kind},
        )
    return row


def child_identifier_remove(*, actor: User, identifier: ChildIdentifier) -> None:
    """Remove an identifier entered in error."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=identifier.child,
            child=identifier.child,
            detail={"removed_identifier_kind": identifier.kind},
        )
        identifier.delete()


def social_work_status_record(
    *,
    actor: User,
    child: Child,
    status: str,
    started_on: date,
    legal_status: str = "",
    placement_type: str = "",
    responsible_authority: Organisation | None = None,
) -> SocialWorkInvolvement:
    """Record a change in social-work involvement (R3, R4); the previous period ends the day before.

    Legal status and placement type describe looked-after children and care leavers only. The history is
    kept whole, because equity reporting needs the status at the time of each referral.
    """
    _check_not_in_future(started_on, field="started_on", what="The start date")
    looked_after = status in (
        SocialWorkInvolvement.Status.LOOKED_AFTER,
        SocialWorkInvolvement.Status.CARE_LEAVER,
    )
    if not looked_after and (legal_status or placement_type):
        message = "Legal status and placement type are only for looked-after children or care leavers"
        raise ValidationError({"legal_status": message})
    if status == SocialWorkInvolvement.Status.LOOKED_AFTER and not legal_status:
        raise ValidationError({"legal_status": "Select the legal status of a looked-after child"})
    wrong_authority = organisation_type_problem(responsible_authority, OrganisationUse.RESPONSIBLE_AUTHORITY)
    if wrong_authority:
        raise ValidationError({"responsible_authority": wrong_authority})
    with transaction.atomic():
        current = (
            SocialWorkInvolvement.objects.select_for_update()
            .filter(child=child, ended_on__isnull=True)
            .first()
        )
        if current and started_on < current.started_on:
            raise ValidationError(
                {
                    "started_on": f"The start date must be on or after {current.started_on:%-d %B %Y}, "
                    "when the current status began"
                }
            )
        period = SocialWorkInvolvement(
            child=child,
            status=status,
            legal_status=legal_status,
            placement_type=placement_type,
            responsible_authority=responsible_authority,
            started_on=started_on,
            recorded_by=actor,
        )
        period.full_clean(validate_constraints=False)
        if current:
            current.ended_on = started_on
            current.save(update_fields=["ended_on"])
        period.save()
        if current and placement_type and current.placement_type and placement_type != current.placement_type:
            # A new placement means new people around the child: consent registers its review (R82).
            PLACEMENT_CHANGED(child=child, started_on=started_on)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=period,
            child=child,
            detail={"status": status},
        )
    return period


def vulnerability_flag_add(
    *,
    actor: User,
    child: Child,
    type: VulnerabilityType,
    source: str,
    identified_on: date,
    note: str = "",
) -> VulnerabilityFlag:
    """Record a vulnerability with its source and date (R6). Flags build up; none gates the record."""
    _check_not_in_future(identified_on, field="identified_on", what="The date identified")
    flag = VulnerabilityFlag(
        child=child,
        type=type,
        source=source.strip(),
        identified_on=identified_on,
        note=note,
        recorded_by=actor,
    )
    flag.full_clean(validate_constraints=False)
    if VulnerabilityFlag.objects.filter(child=child, type=type, ended_on__isnull=True).exists():
        message = f"{type} is already recorded as current for this child"
        raise ValidationError({"type": ValidationError(message, code="duplicate")})
    with transaction.atomic():
        _save_unique(
            flag, field="type", message="This child already has this vulnerability recorded as current."
        )
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, target=flag, child=child, detail={"type": type.code}
        )
    return flag


def vulnerability_flag_end(*, actor: User, flag: VulnerabilityFlag, ended_on: date) -> VulnerabilityFlag:
    """Mark a vulnerability as no longer current; it stays in the history."""
    _check_not_in_future(ended_on, field="ended_on", what="The end date")
    if ended_on < flag.identified_on:
        raise ValidationError({"ended_on": "The end date must be on or after the date it was identified"})
    with transaction.atomic():
        flag.ended_on = ended_on
        flag.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=flag,
            child=flag.child,
            detail={"fields": ["ended_on"]},
        )
    return flag


FAMILY_MEMBER_FIELDS = (
    "name",
    "relationship",
    "has_parental_responsibility",
    "lives_in_household",
    "phone",
    "services_received",
    "notes",
)


def family_member_add(*, actor: User, child: Child, **fields) -> FamilyMember:
    """Add a parent, carer, sibling or relative to the child's family network (R9)."""
    member = FamilyMember(child=child, **{k: v for k, v in fields.items() if k in FAMILY_MEMBER_FIELDS})
    member.full_clean()
    with transaction.atomic():
        member.save()
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=member, child=child)
    return member


def family_member_update(*, actor: User, member: FamilyMember, **fields) -> FamilyMember:
    """Change what is known about a family member; the audit row names the fields changed."""
    changed = sorted(k for k, v in fields.items() if k in FAMILY_MEMBER_FIELDS and getattr(member, k) != v)
    for name in changed:
        setattr(member, name, fields[name])
    member.full_clean()
    with transaction.atomic():
        member.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=member,
            child=member.child,
            detail={"fields": changed},
        )
    return member


def family_member_remove(*, actor: User, member: FamilyMember) -> None:
    """Remove a family member entered in error."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=member.child,
            child=member.child,
            detail={"removed_family_member": str(member.public_id)},
        )
        member.delete()
