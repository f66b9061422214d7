"""``manage.py load_demo_data``: load the synthetic demo data (``apps.demo.loader``)."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.demo.loader import DEFAULT_FIXTURE, DemoLoader


class Command(BaseCommand):
    help = (
        "Load the synthetic demo organisations, people, children, teams and consents "
        "(development and demos only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off and this is not the demo's settings (the personas share a "
            "published password: never live).",
        )
        parser.add_argument("--fixture", default=str(DEFAULT_FIXTURE), help="The demo data file to load.")

    def handle(self, *args, force: bool, fixture: str, **options) -> None:
        if not (settings.DEBUG or settings.BEACON_DEMO_SITE) and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live system. The demo personas share a published "
                "password; pass --force only if you are sure this is a throwaway environment."
            )
        try:
            data = json.loads(Path(fixture).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the demo data from {fixture}: {error}") from error

        started = time.monotonic()
        loader = DemoLoader(data, today=timezone.localdate())
        try:
            with transaction.atomic():  # All or nothing: a failure leaves no half-loaded demo behind.
                loader.load()
        except KeyError as error:
            raise CommandError(f"{fixture} names something it does not define: {error}") from error
        except (ValidationError, ApplicationError) as error:
            raise CommandError(f"The demo data did not load and nothing was saved: {error}") from error
        elapsed = time.monotonic() - started

        if not (loader.created or loader.changed):
            self.stdout.write(f"Demo data already loaded; nothing changed ({elapsed:.1f} s).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded from {fixture} in {elapsed:.1f} s:"))
        for what in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(
                f"  {what}: {loader.created[what]} created, {loader.present[what]} already there"
            )
        for what, count in sorted(loader.changed.items()):
            self.stdout.write(f"  {what}: {count}")
        personas = ", ".join(person["username"] for person in data["people"] if person.get("active", True))
        self.stdout.write(
            f"Personas: {personas}. Password: {data['password']}. Professionals' authenticator secret: "
            f"{data['totp_secret']} (`python manage.py demo_code` prints the current code)."
        )
