"""Alerts that ask someone to act on a task: sent to whom the routing rule chooses, with the access the task
needs, and cleared (that access ended) when the task is done (issue 14).

How other apps use it::

    route = alert_route(kind=AlertKind.ESCALATION, organisation=organisation, child=child)
    task_alert(
        route=route, kind=Notification.Kind.SAFEGUARDING_ESCALATION, task_key=f"follow-up:{follow_up.pk}",
        dedupe_key="missed-appointment:12:escalation", child=child, categories=[Category.APPOINTMENTS],
        lawful_basis=LawfulBasis.LEGAL_DUTY, subject=..., subject_for_email=..., body=..., link=...,
    )
    ...
    task_done(task_key=f"follow-up:{follow_up.pk}", actor=actor)   # in the service that completes it

``task_key`` names the task; every alert about it carries the key, and so does the access it gave
(``apps.sharing.models.TaskAccessGrant``), so the one ``task_done`` call clears both.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import Category
from apps.children.models import Child
from apps.notifications.models import Notification
from apps.notifications.routing import Route
from apps.notifications.services.sending import notification_send
from apps.sharing.services import task_access_end, task_access_grant


def task_alert(
    *,
    route: Route,
    kind: str,
    task_key: str,
    dedupe_key: str,
    child: Child,
    categories: Sequence[str],
    lawful_basis: str,
    subject: str,
    subject_for_email: str,
    body: str = "",
    link: str = "",
    expires_at: datetime | None = None,
) -> list[User]:
    """Give each person ``route`` chose what the task needs of ``child`` and alert them, once each.

    The access first (the core record and ``categories``, on ``lawful_basis``, recorded with the step that
    chose them, until the task is done or ``expires_at``), so the alert's link opens for them; then the
    notification, about the first of ``categories`` and carrying ``task_key``. ``dedupe_key`` names the
    event; each person's key adds their id, so calling again sends nothing twice. Returns the people told
    now (those told by an earlier call with the same key are not counted again).
    """
    category = categories[0] if categories else Category.CORE
    told = []
    with transaction.atomic():
        for person in route.people:
            if person.is_active and person.is_professional:
                task_access_grant(
                    child=child,
                    user=person,
                    task_key=task_key,
                    categories=list(categories),
                    lawful_basis=lawful_basis,
                    reason=f"Alerted to act ({route.kind.replace('_', ' ')}) as {route.why}",
                    expires_at=expires_at,
                )
            _, created = notification_send(
                recipient=person,
                kind=kind,
                dedupe_key=f"{dedupe_key}:{person.pk}",
                subject=subject,
                subject_for_email=subject_for_email,
                body=body,
                child=child,
                category=category,
                involved=True,  # The task is theirs.
                link=link,
                task_key=task_key,
            )
            if created:
                told.append(person)
    return told


def task_done(*, task_key: str, actor: User | None = None) -> int:
    """The task ``task_key`` is done: clear every notification about it (marked done, and read) and end
    the access its alerts gave. Returns how many notifications it cleared; doing it again clears nothing."""
    now = timezone.now()
    with transaction.atomic():
        cleared = Notification.objects.filter(task_key=task_key, cleared_at__isnull=True).update(
            cleared_at=now, read_at=Coalesce("read_at", now)
        )
        task_access_end(task_key=task_key, ended_by=actor)
    return cleared
