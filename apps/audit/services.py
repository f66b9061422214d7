"""Writing the audit log. Call these inside the transaction of what they record.

Each write locks the chain head (apps/audit/chain.py) until its transaction commits, so concurrent
writers append one after another and the chain never forks.
"""

from collections.abc import Iterable

from django.db import models, transaction

from apps.accounts.models import User
from apps.accounts.selectors import user_primary_membership
from apps.audit.chain import canonical_json, chain_head, link
from apps.audit.context import current_interface
from apps.audit.models import AuditEvent


def actor_organisation_id(actor: User | None) -> int | None:
    """The organisation a person acts for, looked up once per request and kept on the user object."""
    if actor is None or not actor.is_authenticated:
        return None
    if not hasattr(actor, "_audit_organisation_id"):
        membership = user_primary_membership(user=actor)
        actor._audit_organisation_id = membership.organisation_id if membership else None
    return actor._audit_organisation_id


def _event(*, actor, action, child, target, basis, detail) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_organisation_id=actor_organisation_id(actor),
        interface=current_interface(),
        action=action,
        child=child,
        target_type=target._meta.label_lower,
        target_id=str(getattr(target, "public_id", "") or target.pk),
        basis=basis[:200],
        detail=canonical_json(detail or {}),
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    child=None,
    basis: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Record one read or write of a child's information (R150)."""
    event = _event(actor=actor, action=action, child=child, target=target, basis=basis, detail=detail)
    # savepoint=False: inside the caller's transaction this adds no query; outside one it opens a
    # transaction, so the chain lock is held until the row is committed.
    with transaction.atomic(savepoint=False):
        link([event], head=chain_head(AuditEvent))
        event.save(force_insert=True)
    return event


def audit_record_reads(
    *, actor: User, action: str, children: Iterable, basis: str = "", detail: dict | None = None
) -> None:
    """Record that each of these children was shown to ``actor`` (a list page or a search).

    A fixed number of queries however many children: lock the chain, read its head, one bulk insert.
    """
    events = [
        _event(actor=actor, action=action, child=child, target=child, basis=basis, detail=detail)
        for child in children
    ]
    if not events:
        return
    with transaction.atomic(savepoint=False):
        link(events, head=chain_head(AuditEvent))
        AuditEvent.objects.bulk_create(events)
