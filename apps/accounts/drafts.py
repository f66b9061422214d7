"""Drafts of long forms: what someone typed and has not sent survives the session ending (issue 14).

A worker writing up a meeting, a referral, a missed-appointment follow-up or a part of a passport may type for
longer than the idle limit, or be called away mid-sentence. While the form has unsaved changes the page sends
the typed fields with its keep-alive (``accounts:session-keep-alive``, at most every
``BEACON_KEEP_ALIVE_SECONDS``), and they are kept here as a ``FormDraft``. If the session still ends, signing
in again returns to the form (the sign-in ``next``), which shows them again with a banner saying when they
were typed.

Why on the server, not in the browser's localStorage: Beacon runs on shared council, school and clinic
computers. Anything in localStorage stays on that computer after signing out, readable by the next person to
use the browser and by any script on the origin, and outlives the account, the record and the access decision.
A server-side draft is:

- shown only to its author (looked up by the signed-in user, never by an id someone could send);
- shown only on its own page, drawn by that page's own view after the access decision
  (``apps.sharing``) has let the author open it: a worker whose access to the child has ended gets the page's
  404, never the draft;
- deleted when the form is sent (``DraftDiscardMiddleware``) and ``BEACON_FORM_DRAFT_HOURS`` after it was
  last saved (``drafts_purge_expired``, hourly; an expired draft is never shown even before it is purged),
  so what was typed about a child does not outlive the access it was typed under by more than that;
- never a password, a one-time code or a token (names refused below; the page does not send such inputs);
- kept per page path, so it is not a child-scoped row: a record merged away sends the author to the
  survivor's page, where the draft is not offered, and the expiry removes it.

Only the forms named in ``DRAFT_FORMS`` keep drafts: long free text typed about a child, where losing it loses
a record of what was said.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from apps.accounts.models import FormDraft, User

# URL names of the pages whose form keeps a draft, and what the form is (for the reader; not shown).
DRAFT_FORMS = {
    "teams:meeting-record": "a team meeting",
    "referrals:referral-create": "a referral",
    "appointments:follow-up": "a missed-appointment follow-up",
    "passport:proposal-create": "a suggested change to a passport",
    "portal:section": "a part of the young person's own passport",
}

# Field names that are never kept, whatever a page sends: secrets, and the form's own CSRF token.
REFUSED_NAMES = re.compile(r"password|passwd|otp|token|secret|csrf", re.IGNORECASE)
# Bounds on what one draft holds: a long form's text, not a store for anything else.
MAX_FIELDS = 200
MAX_CHARACTERS = 100_000


class DraftRefused(ValueError):
    """The page sent a draft that is not for a draft form, or not one a form would send."""


def draft_form_name(path: str) -> str | None:
    """The URL name of the draft form at ``path``, or None if that page keeps no draft."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.view_name in DRAFT_FORMS else None


def _cleaned_fields(fields: Any) -> dict[str, list[str]]:
    if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise DraftRefused("A draft is a mapping of up to 200 field names to their values")
    cleaned: dict[str, list[str]] = {}
    characters = 0
    for name, values in fields.items():
        if not isinstance(name, str) or not isinstance(values, list):
            raise DraftRefused("Each field of a draft is a list of values")
        if not all(isinstance(value, str) for value in values):
            raise DraftRefused("Each value in a draft is text")
        if REFUSED_NAMES.search(name):
            continue
        characters += len(name) + sum(len(value) for value in values)
        cleaned[name] = values
    if characters > MAX_CHARACTERS:
        raise DraftRefused("A draft holds at most 100,000 characters")
    return cleaned


def draft_save(*, user: User, key: str, fields: Any) -> FormDraft:
    """Keep ``fields`` (name to list of values) as ``user``'s draft of the form at path ``key``.

    Raises ``DraftRefused`` for a page that keeps no draft or fields no form would send. Saving again
    replaces the draft; two saves at once (two tabs) leave one of them whole, never a mixture.
    """
    if draft_form_name(key) is None:
        raise DraftRefused("That page does not keep drafts")
    cleaned = _cleaned_fields(fields)
    with transaction.atomic():
        draft, _created = FormDraft.objects.update_or_create(
            user=user, key=key, defaults={"fields": cleaned, "updated_at": timezone.now()}
        )
    return draft


def _fresh_since() -> datetime:
    return timezone.now() - timedelta(hours=settings.BEACON_FORM_DRAFT_HOURS)


def draft_for(*, user: User, key: str) -> FormDraft | None:
    """``user``'s own unexpired draft of the form at ``key``; never anyone else's."""
    if not user.is_authenticated:
        return None
    return FormDraft.objects.filter(user=user, key=key, updated_at__gte=_fresh_since()).first()


def draft_discard(*, user: User, key: str) -> int:
    """Delete ``user``'s draft of the form at ``key`` (it has been sent). Returns how many went (0 or 1)."""
    deleted, _ = FormDraft.objects.filter(user=user, key=key).delete()
    return deleted


def drafts_purge_expired(*, now: datetime | None = None) -> int:
    """Delete every draft last saved more than ``BEACON_FORM_DRAFT_HOURS`` ago. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.BEACON_FORM_DRAFT_HOURS)
    deleted, _ = FormDraft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
