"""Writes to the young person's passport. Each validates first, writes in one transaction, audits, returns.

The rules (R83-R87):
- the owner (the young person, or a parent or carer for a young child) writes their own sections; each
  write is a new version and every version is kept;
- professionals can only propose changes; the owner accepts or rejects each one. Accepting makes a new
  version in the professional's words; a proposal written against an older version of the section must be
  confirmed by the owner as still wanted;
- the owner shares each section with a professional in their team or with an organisation, optionally
  until an end date, and can revoke any share at once. Sharing never touches django-guardian or the
  consent register (see ``apps.passport.selectors``);
- one step shares the passport with a new team (new placement, area or adult services);
- nothing is deleted when the case closes or at 18; only the owner deletes the passport, which removes
  every text and keeps only a minimal record that it existed.

Errors name the field to fix and are raised before anything is written: nothing is half-saved.
"""

from apps.passport.services.common import CARER_RELATIONSHIPS, NOT_YOUR_PASSPORT, ONLY_PROFESSIONALS
from apps.passport.services.lifecycle import passport_create, passport_delete, passport_owner_hand_over
from apps.passport.services.sections import (
    passport_change_propose,
    passport_proposal_accept,
    passport_proposal_reject,
    passport_proposal_withdraw,
    passport_section_write,
)
from apps.passport.services.sharing import (
    passport_recipient_revoke,
    passport_share,
    passport_share_revoke,
    passport_share_with_new_team,
)

__all__ = [
    "CARER_RELATIONSHIPS",
    "NOT_YOUR_PASSPORT",
    "ONLY_PROFESSIONALS",
    "passport_change_propose",
    "passport_create",
    "passport_delete",
    "passport_owner_hand_over",
    "passport_proposal_accept",
    "passport_proposal_reject",
    "passport_proposal_withdraw",
    "passport_recipient_revoke",
    "passport_section_write",
    "passport_share",
    "passport_share_revoke",
    "passport_share_with_new_team",
]
