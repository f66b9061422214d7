"""The child's information, category by category (R72, R80): one read across the record, the team and
its plans, each section shown or withheld by the access decision.

A read model above consent and teams (it began in apps/consent/api.py and reached up to teams' serializers);
its URL, operation id and schema components are unchanged.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.caseload.children_api import (
    ChildDetailOutputSerializer,
    VulnerabilityOutputSerializer,
    child_detail_data,
)
from apps.caseload.consent_api import CHILD_PUBLIC_ID, IsProfessionalOrParentCarer
from apps.children.categories import SENSITIVE, Category
from apps.children.models import Child
from apps.sharing.selectors import access_child
from apps.teams.api import (
    ActionOutputSerializer,
    MeetingOutputSerializer,
    TeamMemberOutputSerializer,
    free_text_context,
)
from apps.teams.models import Action, MeetingParticipant
from apps.teams.selectors import team_roster

# Listed under the same heading as before it moved here, so the API's documentation reads the same.
TAGS = ["Consent"]


# --- The category-scoped read: one section per category ----------------------------------------------


def _section(name: str, **data_fields) -> type[serializers.Serializer]:
    """A category's section: ``withheld`` with its ``reason``, or the data fields (never both)."""
    fields = {
        "withheld": serializers.BooleanField(help_text="True: you may not see this category."),
        "reason": serializers.CharField(required=False, help_text="Why it is withheld."),
        **data_fields,
        "Meta": type("Meta", (), {"ref_name": name}),
    }
    return type(name, (serializers.Serializer,), fields)


CoreSection = _section("InformationCore", record=ChildDetailOutputSerializer(required=False))
TeamSection = _section("InformationTeam", members=TeamMemberOutputSerializer(many=True, required=False))
PlansSection = _section(
    "InformationPlans",
    meetings=MeetingOutputSerializer(many=True, required=False),
    open_actions=ActionOutputSerializer(many=True, required=False),
)
SensitiveSection = _section(
    "InformationSensitive",
    items=VulnerabilityOutputSerializer(
        many=True, required=False, help_text="The child's current vulnerabilities in this category."
    ),
)
NotYetRecordedSection = _section(
    "InformationNotYetRecorded",
    items=serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Nothing is recorded in this category yet."
    ),
)


def _section_for(category: Category) -> serializers.Serializer:
    if category == Category.CORE:
        return CoreSection()
    if category == Category.TEAM:
        return TeamSection()
    if category == Category.PLANS:
        return PlansSection()
    if category in SENSITIVE:
        return SensitiveSection()
    return NotYetRecordedSection()


InformationOutputSerializer = type(
    "InformationOutputSerializer",
    (serializers.Serializer,),
    {
        "child": serializers.UUIDField(help_text="The child's public id."),
        **{category.value: _section_for(category) for category in Category},
        "Meta": type("Meta", (), {"ref_name": "ChildInformation"}),
    },
)


def _meetings(child: Child):
    return child.meetings.select_related("recorded_by").prefetch_related(
        Prefetch("participants", queryset=MeetingParticipant.objects.select_related("membership__user")),
        Prefetch("actions", queryset=Action.objects.select_related("owner", "meeting", "handover")),
    )


def _category_data(category: Category, *, child: Child, viewer: User) -> dict:
    """The data of one category the viewer may see, already shaped for the response. Free text in it that
    describes a category the viewer may not see (an offer about substance misuse) is withheld (R80)."""
    context = free_text_context(child.access)
    if category == Category.CORE:
        return {"record": child_detail_data(child, viewer=viewer)}
    if category == Category.TEAM:
        members = TeamMemberOutputSerializer(team_roster(child=child), many=True, context=context)
        return {"members": members.data}
    if category == Category.PLANS:
        open_actions = child.actions.open().select_related("owner", "meeting", "handover")
        return {
            "meetings": MeetingOutputSerializer(_meetings(child), many=True, context=context).data,
            "open_actions": ActionOutputSerializer(
                open_actions.order_by("due_on", "pk"), many=True, context=context
            ).data,
        }
    if category in SENSITIVE:
        flags = child.vulnerability_flags.filter(ended_on__isnull=True, type__category=category)
        return {"items": VulnerabilityOutputSerializer(flags.select_related("type"), many=True).data}
    return {"items": []}


class ChildInformationApi(APIView):
    """Everything about the child the caller may see, category by category (R72, R80)."""

    permission_classes = [IsProfessionalOrParentCarer]

    @extend_schema(
        operation_id="children_information_retrieve",
        summary="Read the child's information, category by category",
        description=(
            'Each category is either its data or `{"withheld": true, "reason": "no consent to share"}`. '
            "What you may see follows consent, a safeguarding override or team membership; an expired or "
            "withdrawn consent counts for nothing from the next request. Sensitive categories are never "
            "shown to parents or carers. A read from outside the record's organisation is logged as a "
            "disclosure the young person can see."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: InformationOutputSerializer},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        body: dict = {"child": str(child.public_id)}
        for category in Category:
            if child.access.sees(category):
                body[category.value] = {
                    "withheld": False,
                    **_category_data(category, child=child, viewer=request.user),
                }
            else:
                body[category.value] = {"withheld": True, "reason": child.access.withheld_reason(category)}
        # Each section's data is already shaped by its own serializer; InformationOutputSerializer
        # documents the whole for the schema.
        return Response(body)
