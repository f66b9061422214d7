"""The access and change audit (R150): every read and write of a child's information.

Rows are written in the same transaction as what they record, so a write that rolls back leaves no
audit row and no audited write goes unrecorded. Rows hold identifiers and field names, never values
such as names, dates of birth or NHS numbers.

The log is append-only: the application refuses to change or delete a row (below), and the database
refuses UPDATE and DELETE (row triggers, migrations 0003 and 0008) and TRUNCATE (a statement trigger,
migration 0005). The one change it lets through is the chainer's: a row appended with sequence 0 is given
its place in the chain, once. Each row carries an HMAC keyed from outside the database over its own
contents, and once chained one linking it to the row before it (apps/audit/chain.py), which
``manage.py verify_audit_chain`` checks.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Something tried to change or delete an audit row."""


APPEND_ONLY = "The audit log is append-only: its rows cannot be changed or deleted."


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        SEARCH = "search", "Matched in a search"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        GRANT = "grant", "Access granted"
        REVOKE = "revoke", "Access removed"
        # A signed-in person's request answered 404 (not found or not shared) or 403 (withheld, not
        # permitted): apps/audit/middleware.py. The row holds the method, path and status only.
        REFUSED = "refused", "Refused"

    class Interface(models.TextChoices):
        BROWSER = "browser", "Browser"
        API = "api", "API"
        ADMIN = "admin", "Admin"
        SYSTEM = "system", "System"

    # Set in Python before the row is hashed (apps.audit.services), so the hash covers the stored value.
    occurred_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interface = models.CharField(max_length=10, choices=Interface.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    # What was touched: a model label ("children.child") and that object's public id.
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64, blank=True)
    # On what basis the actor could do this: "creator", "administrator grant", later consent or override.
    basis = models.CharField(max_length=200, blank=True)
    # Field names changed, counts, search kinds: never the personal data itself.
    detail = models.JSONField(default=dict, blank=True)
    # HMAC-SHA256 over this row's contents alone, set when it is appended (apps.audit.chain.seal). NULL on
    # rows written before migration 0008, whose chain hash was written with them.
    row_hash = models.CharField(max_length=64, blank=True, null=True, editable=False)
    # The hash chain: 1, 2, 3... with no gaps, set by the chainer (apps.audit.chain.chain_extend); 0, with
    # empty hashes, until then. hash is HMAC-SHA256 over this row's contents, sequence and previous_hash.
    sequence = models.BigIntegerField(default=0, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-occurred_at"], name="audit_child_time"),
            # The chainer's queue: small, because rows leave it within a minute or so.
            models.Index(fields=["id"], condition=models.Q(sequence=0), name="audit_unchained"),
        ]
        constraints = [
            # Chained rows hold each place once; unchained rows all wait at 0.
            models.UniqueConstraint(
                fields=["sequence"], condition=models.Q(sequence__gt=0), name="audit_sequence_chained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.target_type}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)
