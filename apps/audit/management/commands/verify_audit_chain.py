"""Check the audit log's hash chain and name the first broken link (apps/audit/chain.py)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit.chain import UNCHAINED_TOLERANCE, ChainHead, chain_verify
from apps.audit.models import AuditEvent
from apps.audit.services import audit_head_read


class Command(BaseCommand):
    help = (
        "Recompute every audit row's keyed hash in sequence order and name the first row that does not "
        "match; with a head exported earlier, also report rows cut from the end of the chain. Rows not "
        "yet chained are checked against their own hash, and fail the check once older than the tolerance."
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

        parser.add_argument(
            "--unchained-minutes",
            type=int,
            default=int(UNCHAINED_TOLERANCE.total_seconds() // 60),
            metavar="MINUTES",
            help="How long a row may wait to be chained before it counts as a failure (default %(default)s).",
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
        tolerance = datetime.timedelta(minutes=options["unchained_minutes"])
        check = chain_verify(AuditEvent, head=head, unchained_tolerance=tolerance)
        if check.first_break is not None:
            raise CommandError(str(check.first_break))
        against = f", reaching the exported head (event {head.sequence})" if head else ""
        waiting = (
            f"; {check.unchained} events not chained yet, each matching its own hash"
            if check.unchained
            else ""
        )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {check.events} events{against}{waiting}"))
