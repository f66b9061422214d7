"""Reads of consultations, referrals and the waiting list. Each is permission-scoped and audited.

A referral is read through the child: ``Child.objects.restrict(user, "view_child_referrals")``, which
the referrer and the receiving service's staff hold by their referral grant (apps/sharing) and others
only by consent. Queues and lists are also narrowed to the organisations the person works for.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_record_reads
from apps.children.categories import PERMISSION, Category
from apps.children.models import Child, SocialWorkInvolvement
from apps.referrals.models import Consultation, DeclineAlternative, Referral, WaitingContact, WaitingListEntry
from apps.referrals.services import SENIOR_REVIEWER_ROLES, may_senior_review, works_at
from apps.sharing.selectors import access_child

VIEW_REFERRALS = PERMISSION[Category.REFERRALS]
QUEUE_STATUSES = (Referral.Status.RECEIVED, Referral.Status.TRIAGED, Referral.Status.DECLINE_PENDING_REVIEW)


def _uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("Not found") from None


def user_organisation_ids(*, user: User, roles=None) -> list[int]:
    memberships = OrganisationMembership.objects.current().filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__code__in=list(roles))
    return list(memberships.values_list("organisation_id", flat=True))


def _referral_queryset() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "child",
        "receiving_organisation",
        "made_by",
        "triaged_by",
        "decided_by",
        "senior_reviewer",
        "consultation",
    ).prefetch_related(
        Prefetch("alternatives", queryset=DeclineAlternative.objects.select_related("organisation"))
    )


def access_referral(user: User, public_id, referral_id) -> tuple[Child, Referral]:
    """The child and one of their referrals, for someone who may see the child's referrals.

    404 when the child is not shared or the referral is not theirs; ``Withheld`` (403) when the child is
    shared but not their referrals. The read is audited against the child.
    """
    child = access_child(user, public_id, perm=VIEW_REFERRALS)
    referral = _referral_queryset().filter(child=child, public_id=_uuid(referral_id)).first()
    if referral is None:
        raise Http404("No such referral")
    return child, referral


def referral_refetch(*, referral: Referral) -> Referral:
    """The referral as it is now, after a service changed it (already read and audited by the caller)."""
    return _referral_queryset().get(pk=referral.pk)


def child_referrals(*, child: Child) -> list[Referral]:
    """Every referral for the child, newest first: earlier declines show deterioration after them (R41)."""
    return list(_referral_queryset().filter(child=child))


def referral_history_for_triage(*, referral: Referral) -> list[Referral]:
    """The child's other referrals, for the triager (R41): earlier declines and closures are shown first."""
    return list(_referral_queryset().filter(child_id=referral.child_id).exclude(pk=referral.pk))


def _with_queue_columns(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    current_status = SocialWorkInvolvement.objects.filter(child=OuterRef("child_id"), ended_on__isnull=True)
    earlier_declines = (
        Referral.objects.filter(child=OuterRef("child_id"), status=Referral.Status.DECLINED)
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return referrals.annotate(
        current_social_work_status=Subquery(current_status.values("status")[:1]),
        earlier_decline_count=Subquery(earlier_declines[:1]),
    )


def triage_queue(*, user: User) -> list[Referral]:
    """The single point of access queue for the services ``user`` works at, risk first (R34, R38).

    Waiting for triage, triaged but not decided, waiting for a senior review, and accepted children
    flagged for re-triage because things got worse. Ordered: re-triage flags, then urgency (crisis
    first), then the longest wait. Each child shown is audited in one query.
    """
    organisation_ids = user_organisation_ids(user=user)
    referrals = _with_queue_columns(
        _referral_queryset()
        .filter(receiving_organisation_id__in=organisation_ids)
        .filter(Q(status__in=QUEUE_STATUSES) | Q(status=Referral.Status.ACCEPTED, needs_retriage=True))
        .filter(child__in=Child.objects.restrict(user, VIEW_REFERRALS))
        .order_by("-needs_retriage", "-urgency_rank", "received_at", "pk")
    )
    rows = list(referrals)
    audit_record_reads(
        actor=user,
        action=AuditEvent.Action.LIST,
        children=[row.child for row in rows],
        basis="single point of access queue",
    )
    return rows


def senior_review_queue(*, user: User) -> list[Referral]:
    """Declines for an instability reason waiting for this senior reviewer's agreement (R40)."""
    organisation_ids = user_organisation_ids(user=user, roles=SENIOR_REVIEWER_ROLES)
    rows = list(
        _with_queue_columns(
            _referral_queryset()
            .filter(
                receiving_organisation_id__in=organisation_ids, status=Referral.Status.DECLINE_PENDING_REVIEW
            )
            .exclude(decided_by=user)
            .filter(child__in=Child.objects.restrict(user, VIEW_REFERRALS))
            .order_by("decided_at", "pk")
        )
    )
    audit_record_reads(
        actor=user, action=AuditEvent.Action.LIST, children=[row.child for row in rows], basis="senior review"
    )
    return rows


def can_decide(*, user: User, referral: Referral) -> bool:
    return works_at(user=user, organisation_id=referral.receiving_organisation_id)


def can_senior_review(*, user: User, referral: Referral) -> bool:
    return (
        referral.status == Referral.Status.DECLINE_PENDING_REVIEW
        and referral.decided_by_id != user.pk
        and may_senior_review(user=user, referral=referral)
    )


@dataclass(frozen=True)
class WaitingRow:
    entry: WaitingListEntry
    today: date

    @property
    def contact_overdue(self) -> bool:
        return self.entry.next_contact_due_on < self.today

    @property
    def contact_due(self) -> bool:
        return self.entry.next_contact_due_on <= self.today

    @property
    def days_waiting(self) -> int:
        return (self.today - timezone.localdate(self.entry.started_at)).days


def waiting_list(*, user: User, only_due: bool = False) -> list[WaitingRow]:
    """The children waiting at the services ``user`` works at, next contact due first (R63-R65).

    One query for the list however long it is, with the last contact and whether the trust-building
    contact has happened; each child shown is audited.
    """
    today = timezone.localdate()
    last_contact = (
        WaitingContact.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(last=Max("contacted_at"))
        .values("last")
    )
    last_risk = WaitingContact.objects.filter(entry=OuterRef("pk")).order_by("-contacted_at", "-pk")
    trust_built = WaitingContact.objects.filter(entry=OuterRef("pk"), kind=WaitingContact.Kind.TRUST_BUILDING)
    current_status = SocialWorkInvolvement.objects.filter(child=OuterRef("child_id"), ended_on__isnull=True)
    entries = (
        WaitingListEntry.objects.filter(
            ended_at__isnull=True,
            organisation_id__in=user_organisation_ids(user=user),
            child__in=Child.objects.restrict(user, VIEW_REFERRALS),
        )
        .select_related("child", "referral", "organisation")
        .annotate(
            last_contact_at=Subquery(last_contact[:1]),
            last_risk_check=Subquery(last_risk.values("risk_check")[:1]),
            trust_built=Exists(trust_built),
            current_social_work_status=Subquery(current_status.values("status")[:1]),
        )
        .order_by("next_contact_due_on", "-is_priority", "started_at", "pk")
    )
    if only_due:
        entries = entries.filter(next_contact_due_on__lte=today)
    rows = [WaitingRow(entry=entry, today=today) for entry in entries]
    audit_record_reads(
        actor=user,
        action=AuditEvent.Action.LIST,
        children=[row.entry.child for row in rows],
        basis="waiting list",
    )
    return rows


def access_waiting_entry(user: User, public_id, entry_id) -> tuple[Child, WaitingListEntry]:
    """A child's waiting-list entry, for someone who may see the child's referrals."""
    child = access_child(user, public_id, perm=VIEW_REFERRALS)
    entry = (
        WaitingListEntry.objects.select_related("referral", "organisation", "child")
        .filter(child=child, public_id=_uuid(entry_id))
        .first()
    )
    if entry is None:
        raise Http404("No such waiting-list entry")
    return child, entry


def waiting_contacts(*, entry: WaitingListEntry) -> list[WaitingContact]:
    return list(entry.contacts.select_related("recorded_by"))


# --- Consultations ------------------------------------------------------------------------------


def consultation_list(*, user: User) -> QuerySet[Consultation]:
    """Consultations ``user`` asked for, or that came to a service they work at, newest first."""
    return (
        Consultation.objects.filter(
            Q(requested_by=user) | Q(receiving_organisation_id__in=user_organisation_ids(user=user))
        )
        .select_related("child", "receiving_organisation", "requested_by", "advised_by")
        .annotate(has_referral=Exists(Referral.objects.filter(consultation=OuterRef("pk"))))
    )


def consultation_list_audit(*, user: User, consultations) -> None:
    audit_record_reads(
        actor=user,
        action=AuditEvent.Action.LIST,
        children=[c.child for c in consultations if c.child_id],
        basis="consultations",
    )


def access_consultation(user: User, consultation_id) -> Consultation:
    """A consultation for the person who asked or the receiving service's staff; 404 for anyone else.

    About a named child, the receiving service's staff must also be able to see the child's referrals
    (their grant does that); a read of a named child's consultation is audited.
    """
    consultation = (
        consultation_list(user=user).filter(public_id=_uuid(consultation_id)).select_related("child").first()
    )
    if consultation is None:
        raise Http404("No such consultation")
    if (
        consultation.child_id
        and consultation.requested_by_id != user.pk
        and not Child.objects.restrict(user, VIEW_REFERRALS).filter(pk=consultation.child_id).exists()
    ):
        raise Http404("No such consultation")
    if consultation.child_id:
        audit_record(actor=user, action=AuditEvent.Action.VIEW, target=consultation, child=consultation.child)
    return consultation


def consultation_referral(*, consultation: Consultation) -> Referral | None:
    return Referral.objects.filter(consultation=consultation).select_related("child").first()


def waiting_status_for_children(*, children) -> dict[int, WaitingListEntry]:
    """The open waiting-list entry of each child (for pages that list children)."""
    return {
        entry.child_id: entry
        for entry in WaitingListEntry.objects.filter(
            child__in=children, ended_at__isnull=True
        ).select_related("organisation")
    }


def caseload_waiting_annotations(*, user: User) -> dict:
    """Annotations for the caseload, each a correlated subquery so the caseload stays one query (R63).

    - ``can_see_referrals``: whether ``user`` may see the child's referrals (the page says "withheld"
      otherwise, since being on a waiting list says which service the child was referred to);
    - ``waiting_since``, ``waiting_service`` and ``waiting_next_contact_due``: the child's open
      waiting-list entry (the earliest, if there are several), and ``waiting_needs_retriage``.
    """
    entry = WaitingListEntry.objects.filter(child=OuterRef("pk"), ended_at__isnull=True).order_by(
        "started_at"
    )
    return {
        "can_see_referrals": Exists(Child.objects.restrict(user, VIEW_REFERRALS).filter(pk=OuterRef("pk"))),
        "waiting_since": Subquery(entry.values("started_at")[:1]),
        "waiting_service": Subquery(entry.values("organisation__name")[:1]),
        "waiting_next_contact_due": Subquery(entry.values("next_contact_due_on")[:1]),
        "waiting_needs_retriage": Subquery(entry.values("referral__needs_retriage")[:1]),
    }
