"""Link and merge: two records of one child made one, undone within 30 days if it was the wrong child (R2).

A duplicate that slipped through is merged into the record that survives: every row of every app that
belongs to the duplicate moves to the survivor in one transaction, and the duplicate stays as a tombstone
(``Child.merged_into``) that sends anyone who may see the survivor on to it. ``ChildMerge`` records who, why,
when, and every value the merge changed, so that ``child_merge_reverse`` puts exactly those back.

What happens to each kind of row is ``MERGE_RULES``, keyed by model label, for every model with a foreign
key to ``Child`` in any app. The models are found by walking ``Child``'s reverse relations (hidden ones too),
never by importing the apps above this one; a test fails when a model with a foreign key to a child has no
rule (tests/children/test_merging.py). The rules:

- move: the rows change child. Where a row of the duplicate would clash with one of the survivor's under a
  unique constraint (two current lead professionals, one current flag per type, one passport per child ...),
  the rule says how that is settled before it moves: the duplicate's row is ended (and kept in the history),
  left behind with the tombstone (the survivor holds the same), or the merge is refused with what to resolve
  first. Each settlement is listed on the preview before anyone confirms.
- recompute: rows derived from others (the permission tables, rebuilt from the grants and consents moved).
- keep: rows that must never be rewritten (the audit log, append-only and hash-chained; the merge records).

The apps above say what a merge means for them through two hooks: ``CHILD_MERGED`` (the team re-derives who
leads and what each member's grant gives) and ``CHILD_ACCESS_RECOMPUTE`` (sharing rebuilds the permissions).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child, ChildMerge, DifferentChildConfirmation, NhsNumberStatus
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.hooks import Hook
from apps.core.locking import lock_for_change

# How long a merge can be undone: long enough for anyone who knows the child to notice a wrong one.
REVERSIBLE_DAYS = 30

# The rows of the duplicate moved, or put back; takes the ``MergeRun``. The team re-derives its grants.
CHILD_MERGED = Hook("a child's rows moved to another record, or back")
# Rebuild every permission on a child from the reasons for access it now has; takes the child. Sharing.
CHILD_ACCESS_RECOMPUTE = Hook("the reasons for access to a child moved")


class Strategy(StrEnum):
    MOVE = "move"
    RECOMPUTE = "recompute"
    KEEP = "keep"


Value = Callable[["MergeRun"], Any]


def _today(run: "MergeRun") -> datetime.date:
    return run.today


def _now(run: "MergeRun") -> datetime.datetime:
    return run.now


def _actor(run: "MergeRun") -> int:
    return run.actor.pk


@dataclass(frozen=True)
class Clash:
    """How a duplicate's row that clashes with one of the survivor's, under one unique constraint, is
    settled before it moves: ``end`` sets these fields on it (so the constraint no longer applies) and it
    moves, ended; ``leave`` keeps it with the tombstone (the survivor holds the same); ``refuse`` stops the
    merge with what to resolve first. ``said`` is what the preview tells the person will happen."""

    said: str = ""
    end: Mapping[str, Value] = field(default_factory=dict)
    leave: bool = False
    refuse: str = ""


@dataclass(frozen=True)
class MergeRule:
    strategy: Strategy
    why: str
    # The category of the child's information the rows are: the preview counts them only for a person who
    # sees it on both records. None: not counted by name (the rows are of several categories, or are not
    # the child's information but Beacon's own, such as grants and notifications).
    category: Category | None = None
    clashes: Mapping[str, Clash] = field(default_factory=dict)


def _moved(why: str, category: Category | None = None, **clashes: Clash) -> MergeRule:
    return MergeRule(Strategy.MOVE, why, category, clashes)


ENDED_TODAY = {"ended_on": _today}

MERGE_RULES: dict[str, MergeRule] = {
    "accounts.YoungPersonInvite": _moved(
        "The young person's invitations to make their own account.",
        Category.CORE,
        one_open_invite_per_child=Clash(
            said="Both records have an open invitation for the young person to make an account: the "
            "duplicate's is withdrawn and the survivor's stands.",
            end={"revoked_at": _now, "revoked_by_id": _actor},
        ),
    ),
    "audit.AuditEvent": MergeRule(
        Strategy.KEEP,
        "The audit log is append-only and hash-chained: each row stays against the record it was written "
        "for, and the merge record links the two.",
    ),
    "children.Child": _moved("Records merged into the duplicate before now send people on to the survivor."),
    "children.ChildMerge": MergeRule(Strategy.KEEP, "Merge records are history: who merged what, and why."),
    "children.DifferentChildConfirmation": MergeRule(
        Strategy.KEEP, "What someone said when they judged two records to be different children is history."
    ),
    "children.ChildIdentifier": _moved("Each agency's identifiers.", Category.CORE),
    "children.SocialWorkInvolvement": _moved(
        "Social work involvement over time.",
        Category.CORE,
        one_current_social_work_status=Clash(
            said="Both records have a current social work status: the survivor's stays current, and the "
            "duplicate's ends today and stays in the history.",
            end=ENDED_TODAY,
        ),
    ),
    "children.VulnerabilityFlag": _moved(
        "Vulnerabilities, each in its own category.",
        None,  # Of several categories, sensitive ones among them: not counted by name.
        one_current_flag_per_type=Clash(
            said="Both records have the same vulnerability recorded as current: the survivor's stays "
            "current, and the duplicate's ends today and stays in the history.",
            end=ENDED_TODAY,
        ),
    ),
    "children.FamilyMember": _moved("The family and household.", Category.CORE),
    "children.ProtectedCharacteristics": _moved(
        "The young person's protected characteristics, as they told them (R7).",
        None,  # Core answers, with sexual orientation and gender identity sensitive: not counted by name.
        child=Clash(
            said="Both records hold the young person's protected characteristics: the survivor's stand, and "
            "the duplicate's stay with the old record (back again if the merge is reversed). Check them with "
            "the young person.",
            leave=True,
        ),
    ),
    "sharing.ChildUserObjectPermission": MergeRule(
        Strategy.RECOMPUTE, "People's permissions, rebuilt from the grants and consents that moved."
    ),
    "sharing.ChildGroupObjectPermission": MergeRule(
        Strategy.RECOMPUTE, "Organisations' and roles' permissions, rebuilt from what moved."
    ),
    "sharing.AccessGrant": _moved(
        "Each person's reasons for access: they now see the survivor.",
        one_active_grant_per_basis=Clash(
            said="Someone has access to both records for the same reason: their access to the survivor "
            "stands, and the duplicate's grant ends.",
            end={"revoked_at": _now, "revoked_by_id": _actor},
        ),
    ),
    "sharing.TaskAccessGrant": _moved(
        "Access given to people alerted to act on a task about the child (a follow-up, a review): it "
        "continues on the survivor until the task is done."
    ),
    "sharing.OrganisationAccessGrant": _moved(
        "Each service's reasons for access.",
        one_active_organisation_grant_per_basis=Clash(
            said="A service has access to both records for the same reason: its access to the survivor "
            "stands, and the duplicate's grant ends.",
            end={"revoked_at": _now},
        ),
    ),
    "teams.TeamMembership": _moved(
        "The team around the child.",
        Category.TEAM,
        one_current_membership_per_person=Clash(
            said="Someone is in the team around both records: their membership of the survivor's team "
            "continues, and the duplicate's ends today.",
            end=ENDED_TODAY,
        ),
        one_current_trusted_worker=Clash(
            said="Both records name a trusted worker: the survivor's stays the young person's trusted "
            "worker. Check with the young person.",
            end={"is_trusted_worker": lambda run: False},
        ),
    ),
    "teams.LeadProfessionalAppointment": _moved(
        "Lead professional appointments.",
        Category.TEAM,
        one_active_lead_professional=Clash(
            said="Both records have a current lead professional: the survivor's stays the lead, and the "
            "duplicate's appointment ends today. Tell the other lead professional.",
            end=ENDED_TODAY,
        ),
    ),
    "teams.Handover": _moved("Handovers between workers.", Category.TEAM),
    "teams.Meeting": _moved("Meetings and their decisions.", Category.PLANS),
    "teams.Action": _moved("Actions agreed for the child.", Category.PLANS),
    "teams.AccessRequest": _moved(
        "Requests for access to the record: they now ask about the survivor.",
        one_open_access_request_per_person=Clash(
            said="Someone asked for access to both records: their request about the survivor stands, and "
            "the one about the duplicate is withdrawn.",
            end={"status": lambda run: "withdrawn", "answered_at": _now},
        ),
    ),
    "chronology.SignificantEvent": _moved(
        "Significant events added to the chronology by hand.",
        None,  # In the chronology category or the sensitive one each describes: not counted by name.
    ),
    "notifications.Notification": _moved("Messages about the child: their links lead on to the survivor."),
    "notifications.Reminder": _moved("Reminders about the child still to be sent."),
    "consent.CompetenceAssessment": _moved("Assessments of the young person's competence to consent."),
    "consent.Consent": _moved("Consents given and withdrawn."),
    "consent.SafeguardingOverride": _moved("Safeguarding overrides."),
    "consent.ConsentReview": _moved(
        "Reviews of consent that are due.",
        one_review_per_reason_and_date=Clash(
            said="Both records have a consent review due on the same day for the same reason: the survivor's "
            "stands, and the duplicate's stays with the old record.",
            leave=True,
        ),
    ),
    "consent.Disclosure": _moved("Who has seen the young person's information (R75)."),
    "consent.ParentWithholding": _moved(
        "What the young person keeps from their parents and carers.",
        one_current_withholding=Clash(
            said="The young person asked on both records to keep the same information from their parents: "
            "the survivor's stands, and the duplicate's ends today and stays in the history.",
            end=ENDED_TODAY,
        ),
    ),
    "consent.CoordinationObjection": _moved(
        "What the young person objects to their lead professional seeing.",
        one_current_objection=Clash(
            said="The young person objected on both records to the same thing: the survivor's objection "
            "stands, and the duplicate's ends today and stays in the history.",
            end={"ended_on": _today, "ended_by_id": _actor},
        ),
    ),
    "referrals.Consultation": _moved("Consultations before referral.", Category.REFERRALS),
    "referrals.Referral": _moved("Referrals and their decisions.", Category.REFERRALS),
    "referrals.HelpRequest": _moved(
        "Requests for help the young person sent themselves.", Category.REFERRALS
    ),
    "referrals.WaitingListEntry": _moved("Places on waiting lists.", Category.REFERRALS),
    "appointments.Appointment": _moved("Appointments and attendance.", Category.APPOINTMENTS),
    "appointments.MissedAppointmentFollowUp": _moved(
        "Follow-ups of missed appointments.", Category.APPOINTMENTS
    ),
    "passport.Passport": _moved(
        "The young person's passport.",
        one_current_passport_per_child=Clash(
            refuse="Both records have a passport. A young person has one passport: with the young person, "
            "delete the one on the duplicate record (keeping anything they want from it) before merging."
        ),
    ),
}


# --- Finding every row of a child --------------------------------------------------------------------


@dataclass(frozen=True)
class ChildLink:
    """One foreign key (or one-to-one) from a model to ``Child``."""

    model: type[models.Model]
    field_name: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def attname(self) -> str:
        return cast(models.Field, self.model._meta.get_field(self.field_name)).attname


def child_links() -> list[ChildLink]:
    """Every foreign key to ``Child`` in every installed app, hidden ones (``related_name="+"``) included:
    walked from ``Child``'s reverse relations, so an app added later is found without being imported here."""
    links = []
    for relation in Child._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            reverse = cast(ForeignObjectRel, relation)
            links.append(ChildLink(model=reverse.related_model, field_name=reverse.field.name))
    return sorted(links, key=lambda link: (link.label, link.field_name))


def _rule(link: ChildLink) -> MergeRule:
    rule = MERGE_RULES.get(link.label)
    if rule is None:
        # The test that every model has a rule stops this reaching a release; refuse rather than leave rows.
        raise ApplicationError(
            f"Beacon does not yet know how to merge {link.model._meta.verbose_name_plural}: nothing was "
            "merged."
        )
    return rule


def _unique_sets(link: ChildLink) -> Iterable[tuple[str, list[str], Q]]:
    """Each unique constraint the link's child column is in: its name, its other fields, its condition."""
    meta = link.model._meta
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and link.field_name in (constraint.fields or ()):
            others = [name for name in constraint.fields if name != link.field_name]
            yield constraint.name, others, constraint.condition or Q()
    for together in meta.unique_together:
        if link.field_name in together:
            yield "unique_together", [name for name in together if name != link.field_name], Q()
    if cast(models.Field, meta.get_field(link.field_name)).unique:
        yield link.field_name, [], Q()


def _clashing_pks(link: ChildLink, others: list[str], condition: Q, *, survivor, duplicate) -> list[int]:
    """The duplicate's rows that would break the constraint if they moved to the survivor as they are."""
    rows = link.model._base_manager.filter(condition)
    theirs = rows.filter(**{link.field_name: duplicate})
    ours = rows.filter(**{link.field_name: survivor})
    if not others:
        return list(theirs.values_list("pk", flat=True)) if ours.exists() else []
    taken = {tuple(key) for key in ours.values_list(*others)}
    return [
        pk
        for pk, *key in theirs.values_list("pk", *others)
        if None not in key and tuple(key) in taken  # NULLs never clash in a PostgreSQL unique index.
    ]


# --- The preview -------------------------------------------------------------------------------------


@dataclass
class MergePreview:
    """What a merge of ``duplicate`` into ``survivor`` would do, for the person to check before confirming."""

    survivor: Child
    duplicate: Child
    # (what, how many) for rows of categories the person sees on both records, and the count of the rest.
    moving: list[tuple[str, int]] = field(default_factory=list)
    moving_other: int = 0
    settled: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def may_merge(self) -> bool:
        return not self.refusals


def _identity_problems(*, survivor: Child, duplicate: Child) -> tuple[list[str], list[str], list[str]]:
    """What the record-level fields mean for a merge: refusals, settlements and warnings."""
    refusals, settled, warnings = [], [], []
    if survivor.nhs_number and duplicate.nhs_number and survivor.nhs_number != duplicate.nhs_number:
        refusals.append(
            "The two records have different NHS numbers, and a child has one. Check the number against the "
            "national register and correct the wrong one (change the record's details) before merging."
        )
    elif duplicate.nhs_number and not survivor.nhs_number:
        settled.append("The duplicate's NHS number, and whether it was verified, moves to the survivor.")
    if survivor.account_id and duplicate.account_id:
        refusals.append(
            "Both records have a young person's Beacon account. Ask the Beacon administrator which account "
            "the young person uses and to close the other before merging."
        )
    elif duplicate.account_id:
        settled.append("The young person's Beacon account moves to the survivor: they sign in as before.")
    differences = [
        label
        for label, ours, theirs in (
            ("first name", survivor.given_name.casefold(), duplicate.given_name.casefold()),
            ("last name", survivor.family_name.casefold(), duplicate.family_name.casefold()),
            ("date of birth", survivor.date_of_birth, duplicate.date_of_birth),
        )
        if ours != theirs
    ]
    if differences:
        warnings.append(
            f"The records differ in {', '.join(differences)}. The survivor's details are kept: make sure "
            "they are right, and that these really are the same child."
        )
    confirmations = DifferentChildConfirmation.objects.filter(
        Q(child=survivor, matched_child=duplicate) | Q(child=duplicate, matched_child=survivor)
    ).select_related("confirmed_by")
    for confirmation in confirmations:
        warnings.append(
            f"{confirmation.confirmed_by} said on {timezone.localtime(confirmation.confirmed_at):%-d %B %Y} "
            f"that these are different children: “{confirmation.reason}”."
        )
    return refusals, settled, warnings


def child_merge_preview(*, survivor: Child, duplicate: Child) -> MergePreview:
    """What merging ``duplicate`` into ``survivor`` would move, settle and refuse, before anyone confirms.

    Counts are shown only of rows in categories the person sees on both records (``child.access``, set by
    ``access_child``); the rest are one number, so that the preview tells nobody more than the records do.
    """
    preview = MergePreview(survivor=survivor, duplicate=duplicate)
    preview.refusals, preview.settled, preview.warnings = _identity_problems(
        survivor=survivor, duplicate=duplicate
    )
    said: dict[str, None] = {}
    for link in child_links():
        rule = _rule(link)
        if rule.strategy != Strategy.MOVE or link.label == "children.Child":
            continue
        count = link.model._base_manager.filter(**{link.field_name: duplicate}).count()
        if not count:
            continue
        if rule.category is not None and all(
            getattr(record, "access", None) is not None and record.access.sees(rule.category)
            for record in (survivor, duplicate)
        ):
            preview.moving.append((str(link.model._meta.verbose_name_plural), count))
        else:
            preview.moving_other += count
        for name, others, condition in _unique_sets(link):
            if not _clashing_pks(link, others, condition, survivor=survivor, duplicate=duplicate):
                continue
            clash = rule.clashes.get(name)
            if clash is None:
                preview.refusals.append(
                    f"Both records hold {link.model._meta.verbose_name_plural} that cannot be on one "
                    "record, and Beacon does not know how to combine them. Ask the Beacon administrator."
                )
            elif clash.refuse:
                preview.refusals.append(clash.refuse)
            else:
                said[clash.said] = None
    preview.settled += list(said)
    return preview


# --- The merge and its reversal ----------------------------------------------------------------------


def _to_the_millisecond(moment: datetime.datetime) -> datetime.datetime:
    """The JSON the changes are kept in holds times to the millisecond, and a reversal compares them."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@dataclass
class MergeRun:
    """One merge (or reversal) as it runs: who, when, and every value changed so far, in order."""

    actor: User
    survivor: Child
    duplicate: Child
    reversing: bool = False
    today: datetime.date = field(default_factory=timezone.localdate)
    now: datetime.datetime = field(default_factory=lambda: _to_the_millisecond(timezone.now()))
    changes: list[dict] = field(default_factory=list)

    def change(self, queryset: models.QuerySet, **values: Any) -> int:
        """Set ``values`` (column attnames) on every row of ``queryset``, keeping each row's old values so a
        reversal can put them back: one UPDATE per group of rows that held the same old values."""
        model = queryset.model
        groups: dict[tuple, list[int]] = defaultdict(list)
        for row in queryset.values("pk", *values):
            groups[tuple(row[name] for name in values)].append(row["pk"])
        for old, pks in groups.items():
            model._base_manager.filter(pk__in=pks).update(**values)
            self.changes.append(
                {
                    "model": model._meta.label,
                    "pks": sorted(pks),
                    "fields": {
                        name: [before, values[name]] for name, before in zip(values, old, strict=True)
                    },
                }
            )
        return sum(len(pks) for pks in groups.values())


def _check_may_merge(*, survivor: Child, duplicate: Child) -> None:
    """Bad input, refused before anything is read or written: one record, a record the person may not change,
    a record already merged."""
    if survivor.pk == duplicate.pk:
        raise ApplicationError(
            "A record cannot be merged into itself. Choose the other record of this child.", field="duplicate"
        )
    for record in (survivor, duplicate):
        access = getattr(record, "access", None)
        if access is None or not access.can_change:
            raise NotPermitted(
                f"You can only merge records you can change, and you cannot change {record.known_as}'s "
                "record."
            )
    if duplicate.merged_into_id is not None:
        raise ApplicationError("That record has already been merged into another.", field="duplicate")
    if survivor.merged_into_id is not None:
        raise ApplicationError(
            "This record has been merged into another: merge into the record it was merged into."
        )


def _lock_both(first: Child, second: Child) -> None:
    """Lock the two children's rows, lowest id first, so two merges of the same pair (either way round) take
    turns instead of deadlocking; reload whether each has been merged meanwhile."""
    for record in sorted((first, second), key=lambda record: record.pk):
        lock_for_change(record, "merged_into_id", "nhs_number", "account_id")


_NHS_NUMBER_FIELDS = (
    "nhs_number",
    "nhs_number_status",
    "nhs_number_verified_on",
    "nhs_number_verified_by_id",
    "nhs_number_unavailable_reason",
)
_NO_NHS_NUMBER = {
    "nhs_number": None,
    "nhs_number_status": NhsNumberStatus.UNVERIFIED.value,
    "nhs_number_verified_on": None,
    "nhs_number_verified_by_id": None,
    "nhs_number_unavailable_reason": "",
}


def _move_identity(run: MergeRun) -> None:
    """The record-level fields that belong to the child, not the record: the NHS number (with whether it was
    verified) and the young person's account, where only the duplicate has them. Cleared on the duplicate
    first: each is unique across records."""
    children = Child.objects.filter(pk__in=[run.duplicate.pk, run.survivor.pk]).values(
        "pk", *_NHS_NUMBER_FIELDS, "account_id"
    )
    values = {row["pk"]: row for row in children}
    theirs, ours = values[run.duplicate.pk], values[run.survivor.pk]
    if theirs["nhs_number"] and not ours["nhs_number"]:
        run.change(Child.objects.filter(pk=run.duplicate.pk), **_NO_NHS_NUMBER)
        run.change(
            Child.objects.filter(pk=run.survivor.pk), **{name: theirs[name] for name in _NHS_NUMBER_FIELDS}
        )
    if theirs["account_id"] and not ours["account_id"]:
        run.change(Child.objects.filter(pk=run.duplicate.pk), account_id=None)
        run.change(Child.objects.filter(pk=run.survivor.pk), account_id=theirs["account_id"])


def _move_rows(run: MergeRun) -> None:
    """Every row of the duplicate under a move rule, each clash settled first as its rule says."""
    for link in child_links():
        rule = _rule(link)
        if rule.strategy != Strategy.MOVE:
            continue
        left: set[int] = set()
        for name, others, condition in _unique_sets(link):
            clashing = _clashing_pks(link, others, condition, survivor=run.survivor, duplicate=run.duplicate)
            if not clashing:
                continue
            clash = rule.clashes.get(name)
            if clash is None or clash.refuse:
                what = link.model._meta.verbose_name_plural
                raise ApplicationError(
                    clash.refuse if clash else f"Both records hold {what} that cannot be on one record."
                )
            if clash.leave:
                left.update(clashing)
            else:
                run.change(
                    link.model._base_manager.filter(pk__in=clashing),
                    **{column: value(run) for column, value in clash.end.items()},
                )
        rows = link.model._base_manager.filter(**{link.field_name: run.duplicate}).exclude(pk__in=left)
        if link.label == "children.Child":
            rows = rows.exclude(pk=run.survivor.pk)
        run.change(rows, **{link.attname: run.survivor.pk})


def child_merge(*, actor: User, survivor: Child, duplicate: Child, reason: str) -> ChildMerge:
    """Merge ``duplicate`` into ``survivor``: two records of one child become one (R2).

    Both must be records the person may change (``child.access``, set by ``access_child(perm=change)``),
    neither already merged, and the preview's refusals resolved. In one transaction, with both children
    locked: every row of the duplicate moves (``MERGE_RULES``), the NHS number and the young person's account
    move if only the duplicate has them, the duplicate becomes a tombstone redirecting to the survivor, the
    team re-derives its grants, every permission on both is rebuilt, and the merge and its reason are audited.
    Reversible for ``REVERSIBLE_DAYS`` (``child_merge_reverse``).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say how you know these two records are the same child"})
    _check_may_merge(survivor=survivor, duplicate=duplicate)
    run = MergeRun(actor=actor, survivor=survivor, duplicate=duplicate)
    try:
        with transaction.atomic():
            _lock_both(survivor, duplicate)
            _check_may_merge(survivor=survivor, duplicate=duplicate)  # Again, on what the lock read.
            refusals = _identity_problems(survivor=survivor, duplicate=duplicate)[0]
            if refusals:
                raise ApplicationError(refusals[0])
            _move_identity(run)
            _move_rows(run)
            run.change(Child.objects.filter(pk=duplicate.pk), merged_into_id=survivor.pk)
            # The apps above settle what the move means for them first: what they change is recorded too.
            CHILD_MERGED(run=run)
            merge = ChildMerge.objects.create(
                survivor=survivor,
                duplicate=duplicate,
                reason=reason,
                merged_by=actor,
                merged_at=run.now,
                moved=run.changes,
            )
            for record in (survivor, duplicate):
                CHILD_ACCESS_RECOMPUTE(child=record)
            detail = {"merge": str(merge.public_id), "rows_changed": _count_by_model(run.changes)}
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=survivor,
                child=survivor,
                detail={**detail, "merged_from": str(duplicate.public_id)},
            )
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=duplicate,
                child=duplicate,
                detail={**detail, "merged_into": str(survivor.public_id)},
            )
    except IntegrityError as error:
        # Another request merged one of them at the same moment (one live merge per duplicate), or a settled
        # row still clashed: nothing was saved.
        raise ApplicationError(
            "One of these records changed while it was being merged (perhaps someone else merged it). "
            "Nothing was merged: look at both records again."
        ) from error
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return merge


def _count_by_model(changes: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for group in changes:
        counts[group["model"]] += len(group["pks"])
    return dict(counts)


def merge_reversible_until(merge: ChildMerge) -> datetime.date:
    """The last day a merge can be reversed."""
    return timezone.localtime(merge.merged_at).date() + datetime.timedelta(days=REVERSIBLE_DAYS)


def _restore(run: MergeRun, changes: list[dict]) -> int:
    """Put back what a merge changed, last change first. A row changed again since (or deleted) is left as it
    is now: the later change is someone's work. Returns how many rows were left."""
    from django.apps import apps

    left = 0
    for group in reversed(changes):
        model = apps.get_model(group["model"])
        fields = {
            name: [model._meta.get_field(name).to_python(value) for value in pair]
            for name, pair in group["fields"].items()
        }
        still = model._base_manager.filter(
            pk__in=group["pks"], **{name: new for name, (_, new) in fields.items()}
        )
        put_back = still.update(**{name: old for name, (old, _) in fields.items()})
        left += len(group["pks"]) - put_back
    return left


def child_merge_reverse(*, actor: User, merge: ChildMerge, reason: str) -> ChildMerge:
    """Undo a merge of the wrong child, within ``REVERSIBLE_DAYS``: every value the merge changed goes back,
    the duplicate is a record again, and the permissions on both are rebuilt.

    Rows added to the survivor since the merge stay with it: nobody can know which child they were about.
    Only once; only by someone who may change the survivor (``child.access`` on ``merge.survivor``); and not
    while the survivor is itself merged into another record (reverse that merge first).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this merge was wrong"})
    survivor, duplicate = merge.survivor, merge.duplicate
    access = getattr(survivor, "access", None)
    if access is None or not access.can_change:
        raise NotPermitted("Only someone who can change the record can reverse its merge.")
    with transaction.atomic():
        lock_for_change(merge, "reversed_at", "reversed_by_id")
        if merge.reversed_at is not None:
            raise ApplicationError(
                f"This merge was already reversed on {timezone.localtime(merge.reversed_at):%-d %B %Y}."
            )
        if timezone.localdate() > merge_reversible_until(merge):
            raise ApplicationError(
                f"A merge can be reversed for {REVERSIBLE_DAYS} days, and this one was on "
                f"{timezone.localtime(merge.merged_at):%-d %B %Y}. Ask the Beacon administrator to separate "
                "the records by hand."
            )
        _lock_both(survivor, duplicate)
        if survivor.merged_into_id is not None:
            raise ApplicationError(
                "The surviving record has since been merged into another. Reverse that merge first."
            )
        run = MergeRun(actor=actor, survivor=survivor, duplicate=duplicate, reversing=True)
        try:
            with transaction.atomic():
                left = _restore(run, merge.moved)
        except IntegrityError as error:
            raise ApplicationError(
                "The records have changed since the merge in a way that stops it being reversed (for "
                "example, a second current lead professional). Nothing was changed: ask the Beacon "
                "administrator."
            ) from error
        merge.reversed_at = run.now
        merge.reversed_by = actor
        merge.reversal_reason = reason
        merge.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        CHILD_MERGED(run=run)
        for record in (survivor, duplicate):
            CHILD_ACCESS_RECOMPUTE(child=record)
        for record in (survivor, duplicate):
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=record,
                child=record,
                detail={"merge_reversed": str(merge.public_id), "rows_left_as_changed_since": left},
            )
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return merge


def merges_of(*, child: Child) -> models.QuerySet[ChildMerge]:
    """The merges a record took part in, newest first: into it, or of it into another."""
    return (
        ChildMerge.objects.filter(Q(survivor=child) | Q(duplicate=child))
        .select_related("survivor", "duplicate", "merged_by", "reversed_by")
        .order_by("-merged_at", "-pk")
    )
