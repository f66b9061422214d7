"""Forms for the team around the child, laid out with GOV.UK Frontend through crispy-forms-gds.

They only parse what was typed: a choice of person becomes the membership or user it names, a date and
a time become an aware datetime. Every rule (one lead professional, a membership cannot end before it
starts, an action needs an owner) belongs to ``apps.teams.services``; the views put the services'
errors back onto these forms. People are named in choices by their public id, never a database id.
"""

from apps.teams.forms.actions import ActionCompleteForm, ActionForm
from apps.teams.forms.lead_professional import HandoverForm, LeadAppointForm
from apps.teams.forms.meetings import MEETING_ACTION_ROWS, MeetingForm
from apps.teams.forms.membership import (
    ConfirmForm,
    DirectContactForm,
    MemberAddForm,
    MemberEndForm,
    MemberOfferForm,
)

__all__ = [
    "MEETING_ACTION_ROWS",
    "ActionCompleteForm",
    "ActionForm",
    "ConfirmForm",
    "DirectContactForm",
    "HandoverForm",
    "LeadAppointForm",
    "MeetingForm",
    "MemberAddForm",
    "MemberEndForm",
    "MemberOfferForm",
]
