"""Print the current one-time code for the demo personas' shared authenticator secret.

Demo data only: the secret is published in fixtures/demo.json and the README, so this reveals nothing.
For trying Beacon under ``make run`` without adding the secret to a phone.
"""

import json
import time

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from apps.demo.loader import DEFAULT_FIXTURE, demo_totp_key_hex


class Command(BaseCommand):
    help = "Print the current 6-digit code for the demo personas (demo data only)."

    def handle(self, *args, **options) -> None:
        data = json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))
        key = bytes.fromhex(demo_totp_key_hex(data))
        seconds_left = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp(key):06d}")
        self.stderr.write(f"(valid for {seconds_left} more seconds; each code signs a person in once)")
