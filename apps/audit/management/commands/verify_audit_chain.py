"""Check the audit log's hash chain and name the first broken link (apps/audit/chain.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit.chain import ChainHead, chain_verify
from apps.audit.models import AuditEvent
from apps.audit.services import audit_head_read


class Command(BaseCommand):
    help = (
        "Recompute every audit row's keyed hash in sequence order and name the first row that does not "
        "match; with a head exported earlier, also report rows cut from the end of the chain."
    )

    def add_arguments(self, parser) -> None:
        heads = parser.add_mutually_exclusive_group()
        heads.add_argument(
            "--head",
            metavar="SEQUENCE:HASH",
            help="A head exported earlier (export_audit_head prints it): the chain must still reach it.",
        )
        heads.add_argument(
            "--head-file",
            type=Path,
            metavar="PATH",
            help="An export file (BEACON_AUDIT_HEAD_DIR/audit-head.jsonl): check against its newest head.",
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["head"]:
                head = ChainHead.parse(options["head"])
            elif options["head_file"]:
                head = audit_head_read(path=options["head_file"])
            else:
                head = None
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        check = chain_verify(AuditEvent, head=head)
        if check.first_break is not None:
            raise CommandError(str(check.first_break))
        against = f", reaching the exported head (event {head.sequence})" if head else ""
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {check.events} events{against}"))
