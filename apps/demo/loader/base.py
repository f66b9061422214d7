"""The demo loader's shared ground: the fixture's place, date helpers and the counting base class."""

from base64 import b32decode
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from apps.accounts.models import Organisation, User

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
# Before teams existed, demo children were shared with their team by administrator grants with this
# reason. A database loaded then gets teams instead, and those stand-in grants are revoked.
LEGACY_TEAM_GRANT_REASON = "Demo data: team member"


def birth_date(*, today: date, age_years: int, days_since_birthday: int) -> date:
    """The date of birth of someone ``age_years`` old whose last birthday was ``days_since_birthday`` ago."""
    if not 0 <= days_since_birthday <= 364:
        raise CommandError(f"days_since_birthday must be 0 to 364, not {days_since_birthday}")
    last_birthday = today - timedelta(days=days_since_birthday)
    try:
        return last_birthday.replace(year=last_birthday.year - age_years)
    except ValueError:  # 29 February, and the birth year is not a leap year.
        return last_birthday.replace(year=last_birthday.year - age_years, day=28)


def demo_totp_key_hex(data: dict) -> str:
    """The demo authenticator secret (base32 in demo.json, as people type it) as django-otp's hex key."""
    return b32decode(data["totp_secret"]).hex()


class DemoLoaderBase:
    """Creates whatever of the demo data is missing, counting what it created and what it found."""

    def __init__(self, data: dict, *, today: date) -> None:
        self.data = data
        self.today = today
        self.created: Counter[str] = Counter()
        self.present: Counter[str] = Counter()
        self.changed: Counter[str] = Counter()  # Changes to what was there, rather than new rows.
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, User] = {}
        self.person_records = {person["username"]: person for person in data["people"]}
        self._password_hash: str | None = None

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def day(self, item: dict, name: str, *, required: bool = True) -> date | None:
        """The date in a fixture item's ``<name>_days_ago`` or, for one still to come, ``<name>_in_days``."""
        if f"{name}_days_ago" in item:
            return self.days_ago(item[f"{name}_days_ago"])
        if f"{name}_in_days" in item:
            return self.today + timedelta(days=item[f"{name}_in_days"])
        if required:
            raise CommandError(f"{item} needs {name}_days_ago or {name}_in_days")
        return None

    @property
    def password_hash(self) -> str:
        # Hashing is deliberately slow (about 0.4 s); hash the shared demo password once, not per persona.
        if self._password_hash is None:
            self._password_hash = make_password(self.data["password"])
        return self._password_hash
