"""Check the audit log's hash chain and name the first broken link (apps/audit/chain.py)."""

from django.core.management.base import BaseCommand, CommandError

from apps.audit.chain import chain_verify
from apps.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Recompute every audit row's hash in sequence order and name the first row that does not match."

    def handle(self, *args, **options) -> None:
        check = chain_verify(AuditEvent)
        if check.first_break is not None:
            raise CommandError(str(check.first_break))
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {check.events} events"))
