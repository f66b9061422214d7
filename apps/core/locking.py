"""Transitions under a row lock, with one lock order everywhere (house style 5).

A service that moves a row from one state to another reads the state it starts from *under a lock*, so two
requests at the same moment cannot both act on the state they each read: the second waits for the first to
commit, then sees the state it left and refuses with a clear message (nothing written, nothing sent).

The order is the same in every service, so no two transactions can wait for each other:

1. the row being changed, with ``FOR NO KEY UPDATE`` on that row only (``of=("self",)``: never the child's
   row pulled in by a join). Rows that merely reference it, such as audit events naming it, still insert;
2. the child, if at all, with a key-share lock only (an insert that names the child takes one by itself);
3. the audit log last (``audit_record`` is called after the writes it records).

A ``FOR UPDATE`` on a child's row (``select_for_update()`` with ``select_related("child")``) breaks the
order: an audited read of the same child holds the audit lock and waits for a key-share lock on that row,
while the writer holds the row and waits for the audit lock: a deadlock.
"""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock_for_change(instance: M, *fields: str) -> M:
    """Lock ``instance``'s row until the transaction ends and reload ``fields`` (attribute names, such as
    ``"status"`` or ``"decided_by_id"``) from it: the state a transition starts from, read under the lock.

    Call inside ``transaction.atomic()``, before anything is written, then check the state again.
    """
    model = type(instance)
    current = (
        model._base_manager.select_for_update(of=("self",), no_key=True)
        .filter(pk=instance.pk)
        .values(*fields)
        .get()
    )
    for name, value in current.items():
        setattr(instance, name, value)
    return instance
