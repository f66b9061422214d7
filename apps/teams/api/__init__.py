"""The team around the child over the REST API: members, the lead professional, handovers, meetings, actions.

Each view reads top to bottom: ``access_child`` (404 for a child not shared with the caller, 403 for a
write by someone who may only look), then anything else named in the path or body is looked up *through
that child*, so an id from another child's team is simply "not found". The serializers parse and shape;
every rule (one lead professional, handover needs a successor, an action needs an owner) is the services'.
"""

from apps.teams.api.actions import ActionCompleteApi, ActionListCreateApi
from apps.teams.api.common import (
    ACTION_ID,
    CHILD_PUBLIC_ID,
    MEETING_ID,
    MEMBERSHIP_ID,
    TAGS,
    VIEW_CHILD_PLANS,
)
from apps.teams.api.lead_professional import (
    HandoverInputSerializer,
    LeadProfessionalAppointApi,
    LeadProfessionalHandOverApi,
    TrustedWorkerHandOverApi,
)
from apps.teams.api.meetings import MeetingDetailApi, MeetingListCreateApi, ParticipantInputSerializer
from apps.teams.api.membership import (
    DirectContactGiveApi,
    TeamApi,
    TeamMemberCreateApi,
    TeamMemberEndApi,
    TrustedWorkerNameApi,
)
from apps.teams.api.serializers import (
    WITHHELD_TEXT,
    ActionFieldsInputSerializer,
    ActionOutputSerializer,
    ContinuityOutputSerializer,
    FreeTextField,
    FreeTextWithheldField,
    HandoverOutputSerializer,
    LeadProfessionalOutputSerializer,
    MeetingOutputSerializer,
    MeetingParticipantOutputSerializer,
    TeamMemberOutputSerializer,
    TeamOutputSerializer,
    free_text_context,
)

__all__ = [
    "ACTION_ID",
    "CHILD_PUBLIC_ID",
    "MEETING_ID",
    "MEMBERSHIP_ID",
    "TAGS",
    "VIEW_CHILD_PLANS",
    "WITHHELD_TEXT",
    "ActionCompleteApi",
    "ActionFieldsInputSerializer",
    "ActionListCreateApi",
    "ActionOutputSerializer",
    "ContinuityOutputSerializer",
    "DirectContactGiveApi",
    "FreeTextField",
    "FreeTextWithheldField",
    "HandoverInputSerializer",
    "HandoverOutputSerializer",
    "LeadProfessionalAppointApi",
    "LeadProfessionalHandOverApi",
    "LeadProfessionalOutputSerializer",
    "MeetingDetailApi",
    "MeetingListCreateApi",
    "MeetingOutputSerializer",
    "MeetingParticipantOutputSerializer",
    "ParticipantInputSerializer",
    "TeamApi",
    "TeamMemberCreateApi",
    "TeamMemberEndApi",
    "TeamMemberOutputSerializer",
    "TeamOutputSerializer",
    "TrustedWorkerHandOverApi",
    "TrustedWorkerNameApi",
    "free_text_context",
]
