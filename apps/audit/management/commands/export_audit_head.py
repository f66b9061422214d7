"""Export the audit chain's newest (sequence, hash) outside the database, as the periodic task does."""

from django.core.management.base import BaseCommand

from apps.audit.services import audit_head_export


class Command(BaseCommand):
    help = "Append the audit chain's head to BEACON_AUDIT_HEAD_DIR/audit-head.jsonl and the JSON log."

    def handle(self, *args, **options) -> None:
        head = audit_head_export()
        if head is None:
            self.stdout.write("The audit log is empty: nothing to export")
            return
        self.stdout.write(f"Audit chain head: {head['sequence']}:{head['hash']}")
