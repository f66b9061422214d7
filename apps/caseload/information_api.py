"""The child's information, category by category (R72, R80): one read across the record, the team, its plans,
the appointments, the referrals and the assessments, each section shown or withheld by the access decision.

A read model above consent, teams, appointments and referrals (it began in apps/consent/api.py); each section
reuses its own app's selector and serializer, so it says what that app's endpoint says, in a fixed number of
queries. Its URL, operation id and schema components are unchanged.

The chronology section is the first page of the child's chronology (``apps.chronology``): it is answered for
anyone who may see the child, as the chronology itself is, and each entry in it is shown or withheld by its
own category (a referral's entry with the referrals, a significant event with the chronology category or the
sensitive one it describes); ``count`` and ``next`` lead on to the paged chronology endpoint.

What is an assessment: Beacon does not record clinical measures yet (they arrive with the outcome measures).
What it does hold that assesses the young person is the Gillick competence assessment (R73, part of the
consent register, so for professionals only) and the "how are things" risk check at each contact while they
wait for a service (R65, which names the service, so only with the referrals category as well).
"""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.appointments.api import AppointmentOutputSerializer, FollowUpOutputSerializer
from apps.appointments.selectors import appointments_visible, follow_ups_visible
from apps.caseload.children_api import (
    ChildDetailOutputSerializer,
    VulnerabilityOutputSerializer,
    child_detail_data,
)
from apps.caseload.consent_api import CHILD_PUBLIC_ID, IsProfessionalOrParentCarer
from apps.caseload.consent_api.serializers import CompetenceAssessmentOutputSerializer
from apps.children.categories import SENSITIVE, Category
from apps.children.characteristics import protected_characteristics_of
from apps.children.models import Child, ProtectedCharacteristics
from apps.children.serializers import OrganisationReferenceSerializer
from apps.chronology.api import ChronologyEntryOutputSerializer, chronology_entry_data
from apps.chronology.selectors import chronology_page
from apps.referrals.api.serializers import ReferralOutputSerializer
from apps.referrals.models import WaitingContact
from apps.referrals.selectors import child_referrals
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
    """A category's section: ``withheld`` with its ``reason``, or the data fields (both only for the
    appointments a professional holds without the category: ``held_only``)."""
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


class SexualityGenderOutputSerializer(serializers.Serializer):
    """What the young person told about their sexual orientation and gender identity (R7)."""

    gender_identity = serializers.CharField(help_text="`same`, `different`, `prefer_not_to_say`, or empty.")
    gender_identity_own_words = serializers.CharField()
    sexual_orientation = serializers.CharField(
        help_text="`straight`, `gay_or_lesbian`, `bisexual`, `other`, `prefer_not_to_say`, or empty."
    )
    sexual_orientation_own_words = serializers.CharField()
    sexuality_gender_declared_by = serializers.CharField(help_text="Who told us; empty if nobody has.")
    sexuality_gender_declared_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "InformationSexualityGender"


SexualityGenderSection = _section(
    "InformationSexualityGenderSection",
    items=VulnerabilityOutputSerializer(
        many=True, required=False, help_text="The child's current vulnerabilities in this category."
    ),
    self_declared=SexualityGenderOutputSerializer(
        required=False,
        allow_null=True,
        help_text="Their sexual orientation and gender identity, as they told it.",
    ),
)
AppointmentsSection = _section(
    "InformationAppointments",
    held_only=serializers.BooleanField(
        required=False,
        help_text="True: you do not see this category; these are only the appointments you hold (see them "
        "or booked), and `reason` says why the rest is withheld.",
    ),
    items=AppointmentOutputSerializer(many=True, required=False, help_text="Newest first."),
    follow_ups=FollowUpOutputSerializer(
        many=True,
        required=False,
        allow_null=True,
        help_text="Missed-appointment follow-ups; null for a parent or carer (they record whether the child "
        "is safe).",
    ),
)
ReferralsSection = _section(
    "InformationReferrals",
    items=ReferralOutputSerializer(many=True, required=False, help_text="Newest first."),
)


class RiskCheckOutputSerializer(serializers.Serializer):
    """A "how are things" check with a young person waiting for a service (R65)."""

    contacted_at = serializers.DateTimeField()
    risk_check = serializers.ChoiceField(choices=WaitingContact.RiskCheck.choices)
    service = OrganisationReferenceSerializer(source="entry.organisation")
    referral = serializers.UUIDField(source="entry.referral.public_id")

    class Meta:
        ref_name = "InformationRiskCheck"


AssessmentsSection = _section(
    "InformationAssessments",
    competence_assessments=CompetenceAssessmentOutputSerializer(
        many=True,
        required=False,
        allow_null=True,
        help_text="Gillick competence assessments (R73), newest first; null for a parent or carer (part of "
        "the consent register).",
    ),
    risk_checks=RiskCheckOutputSerializer(
        many=True,
        required=False,
        allow_null=True,
        help_text="Risk checks while waiting for a service (R65), newest first; null without the referrals "
        "category too, as each names the service. Clinical measures are not recorded in Beacon yet.",
    ),
)
ChronologySection = _section(
    "InformationChronology",
    items=ChronologyEntryOutputSerializer(
        many=True,
        required=False,
        help_text="The newest entries, each shown or withheld by its own category (a withheld one has only "
        "its date, category and reason).",
    ),
    count=serializers.IntegerField(required=False, help_text="How many entries the chronology has in all."),
    next=serializers.CharField(
        required=False,
        allow_null=True,
        help_text="The chronology endpoint's next page, where there are more entries than these.",
    ),
)
# The chronology's entries given here; the rest are paged at /api/v1/children/{public_id}/chronology/.
CHRONOLOGY_ENTRIES = 25

SECTIONS = {
    Category.CORE: CoreSection,
    Category.TEAM: TeamSection,
    Category.PLANS: PlansSection,
    Category.APPOINTMENTS: AppointmentsSection,
    Category.REFERRALS: ReferralsSection,
    Category.ASSESSMENTS: AssessmentsSection,
    Category.CHRONOLOGY: ChronologySection,
    Category.SEXUALITY_GENDER: SexualityGenderSection,
}


def _section_for(category: Category) -> serializers.Serializer:
    return SECTIONS.get(category, SensitiveSection)()


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
    if category == Category.APPOINTMENTS:
        return _appointments(child=child, viewer=viewer)
    if category == Category.REFERRALS:
        return {"items": ReferralOutputSerializer(child_referrals(child=child), many=True).data}
    if category == Category.ASSESSMENTS:
        return _assessments(child=child)
    if category in SENSITIVE:
        flags = child.vulnerability_flags.filter(ended_on__isnull=True, type__category=category)
        data: dict = {"items": VulnerabilityOutputSerializer(flags.select_related("type"), many=True).data}
        if category == Category.SEXUALITY_GENDER:
            data["self_declared"] = _sexuality_gender(child)
        return data
    raise ValueError(f"No section for {category}")


def _chronology(*, request, child: Child) -> dict:
    """The newest entries of the child's chronology, each decided by the access decision on its own."""
    page = chronology_page(child=child, access=child.access, page=1, page_size=CHRONOLOGY_ENTRIES)
    more = page.count > len(page.entries)
    next_url = (
        request.build_absolute_uri(reverse("chronology-api:chronology", args=[child.public_id]) + "?page=2")
        if more
        else None
    )
    return {
        "withheld": False,
        "items": [chronology_entry_data(entry) for entry in page.entries],
        "count": page.count,
        "next": next_url,
    }


def _appointments(*, child: Child, viewer: User) -> dict:
    """The appointments this person may see (``appointments_visible``: all with the category, else those they
    hold), and for a professional the missed-appointment follow-ups likewise."""
    data: dict = {
        "held_only": False,
        "items": AppointmentOutputSerializer(
            appointments_visible(child=child, access=child.access), many=True
        ).data,
    }
    follow_ups = follow_ups_visible(child=child, access=child.access)
    data["follow_ups"] = (
        FollowUpOutputSerializer(follow_ups, many=True).data if viewer.is_professional else None
    )
    return data


def _assessments(*, child: Child) -> dict:
    access = child.access
    competence = None
    if access.sees_consent_register:
        competence = CompetenceAssessmentOutputSerializer(
            child.competence_assessments.select_related("assessor"), many=True
        ).data
    risk_checks = None
    if access.sees(Category.REFERRALS):
        contacts = (
            WaitingContact.objects.filter(entry__child=child)
            .select_related("entry__organisation", "entry__referral")
            .order_by("-contacted_at", "-pk")
        )
        risk_checks = RiskCheckOutputSerializer(contacts, many=True).data
    return {"competence_assessments": competence, "risk_checks": risk_checks}


def _sexuality_gender(child: Child) -> dict | None:
    """What the young person told about their sexual orientation and gender identity: this section is shown
    only to someone who sees the category, and never to a parent or carer (``sees_text``)."""
    if not child.access.sees_text(Category.SEXUALITY_GENDER):
        return None
    row = protected_characteristics_of(child) or ProtectedCharacteristics()
    return SexualityGenderOutputSerializer(row).data


class ChildInformationApi(APIView):
    """Everything about the child the caller may see, category by category (R72, R80)."""

    permission_classes = [IsProfessionalOrParentCarer]

    @extend_schema(
        operation_id="children_information_retrieve",
        summary="Read the child's information, category by category",
        description=(
            'Each category is either its data or `{"withheld": true, "reason": "no consent to share"}`; a '
            "professional without the appointments category still gets the appointments they hold "
            "(`held_only`, with the `reason` the rest is withheld). What you may see follows consent, a "
            "safeguarding override or team membership; an expired or withdrawn consent counts for nothing "
            "from the next request. Sensitive categories are never "
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
            if category == Category.CHRONOLOGY:
                # Each entry is in its own category: the section is never withheld as a whole.
                body[category.value] = _chronology(request=request, child=child)
                continue
            if child.access.sees(category):
                body[category.value] = {
                    "withheld": False,
                    **_category_data(category, child=child, viewer=request.user),
                }
                continue
            withheld = {"withheld": True, "reason": child.access.withheld_reason(category)}
            if category == Category.APPOINTMENTS and request.user.is_professional:
                # What a professional does, they see: the appointments they hold, without the category.
                held = _appointments(child=child, viewer=request.user)
                if held["items"] or held["follow_ups"]:
                    withheld = {**held, "withheld": False, "held_only": True, "reason": withheld["reason"]}
            body[category.value] = withheld
        # Each section's data is already shaped by its own serializer; InformationOutputSerializer
        # documents the whole for the schema.
        return Response(body)
