"""The records a child's chronology is read from, one ``Source`` each, and how each becomes an entry (R12).

Nothing here is copied: each source says which of its rows are events (an appointment with an outcome, a
referral with a decision), when each happened, which agency it came from and which rows the reader holds
themselves, as SQL the selectors put together into one ``UNION ALL``; then, for the few rows on the page
the reader may see, it reads the rows' details (one query per source) and says what happened, for a
professional and in plain words for the young person.

The category of each entry is its source's: referrals, appointments (and their follow-ups), plans (meetings),
the team (the lead professional and who joined or left), the core record (social-work status and
placement), the chronology itself or the sensitive category a significant event describes. Consents and
safeguarding overrides follow the consent register's own rule (``apps.caseload.consent_views``): every
professional who may see the child reads the register, a sensitive consent's purpose and evidence only
with that category (``consent_detail_visible``); parents and carers are not shown the register.
"""

from apps.chronology.sources.care import AppointmentSource, FollowUpSource, ReferralSource
from apps.chronology.sources.common import COLUMNS, Description, Member, Reader, Source
from apps.chronology.sources.events import SignificantEventSource
from apps.chronology.sources.register import ConsentSource, OverrideSource
from apps.chronology.sources.team import (
    LeadProfessionalSource,
    MeetingSource,
    SocialWorkSource,
    TeamMembershipSource,
)

# Every source, in the order their kinds are offered.
SOURCES: tuple[Source, ...] = (
    ReferralSource(),
    AppointmentSource(),
    FollowUpSource(),
    MeetingSource(),
    LeadProfessionalSource(),
    TeamMembershipSource(),
    SocialWorkSource(),
    ConsentSource(),
    OverrideSource(),
    SignificantEventSource(),
)

__all__ = ["COLUMNS", "SOURCES", "Description", "Member", "Reader", "Source"]
