"""The shapes the team's endpoints share: free text as the caller may see it, what they return, and an
action's fields.
"""

from rest_framework import serializers

from apps.children.categories import Category
from apps.children.serializers import OrganisationReferenceSerializer
from apps.core.api.fields import PersonReferenceSerializer
from apps.sharing.access import ChildAccess
from apps.teams.api.common import _owner_field
from apps.teams.free_text import ShownText, described_category_choices, free_text_shown
from apps.teams.models import Handover, LeadProfessionalAppointment, Meeting, TeamMembership

# --- Free text, as the caller may see it ----------------------------------------------------------

WITHHELD_TEXT = (
    " Held in the category of what it describes: empty, with `{field}_withheld` true, unless you may see "
    "that category. Where saying so would tell a parent or carer that something sensitive is recorded, it "
    "is empty and not marked withheld."
)


def free_text_context(access: ChildAccess) -> dict:
    """The serializer context the output shapes below need: the caller's access decision for the child."""
    return {"access": access, "withheld_reasons": {}}


def _shown(field: serializers.Field, record, text_field: str) -> ShownText:
    # Without the caller's access decision in the context, nothing is shown: the safe way to fail.
    return free_text_shown(
        access=field.context.get("access"),
        record=record,
        field=text_field,
        reasons=field.context.setdefault("withheld_reasons", {}),
    )


class FreeTextField(serializers.CharField):
    """A record's free text, shown only to a caller who sees the category it describes."""

    def __init__(self, *, help_text: str, **kwargs) -> None:
        self.help_text_base = help_text
        super().__init__(source="*", read_only=True, help_text=help_text, **kwargs)

    def bind(self, field_name: str, parent) -> None:
        super().bind(field_name, parent)
        self.help_text = self.help_text_base + WITHHELD_TEXT.format(field=field_name)

    def to_representation(self, record) -> str:
        return _shown(self, record, self.field_name).text


class FreeTextWithheldField(serializers.BooleanField):
    """True when the record's ``text_field`` is withheld from the caller."""

    def __init__(self, text_field: str, **kwargs) -> None:
        self.text_field = text_field
        super().__init__(
            source="*",
            read_only=True,
            help_text=f"True: `{text_field}` is recorded, but describes a category you may not see.",
            **kwargs,
        )

    def to_representation(self, record) -> bool:
        return _shown(self, record, self.text_field).withheld


def _described_category_input(home: Category, text_field: str) -> serializers.ChoiceField:
    choices = described_category_choices(home)
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        allow_blank=True,
        default=home.value,
        help_text=f"What `{text_field}` describes: `{home.value}` (the default) when it mentions nothing "
        "sensitive, or the sensitive category it mentions; then only people who may see that category read "
        "it, and parents and carers never do.",
        error_messages={
            "invalid_choice": "Choose what this text describes: "
            + ", ".join(f"`{value}`" for value, _ in choices)
            + ". “{input}” is not one of them."
        },
    )


# --- Output shapes ---------------------------------------------------------------------------------


class TeamMemberOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The membership's id: use it to end, appoint or hand over.")
    kind = serializers.ChoiceField(choices=TeamMembership.Kind.choices)
    user = serializers.UUIDField(
        source="user.public_id",
        allow_null=True,
        help_text="The professional's user id (who can own actions); empty for someone who does not sign in.",
    )
    name = serializers.CharField()
    role = serializers.CharField(source="role_label", help_text="Their role, in words.")
    organisation = OrganisationReferenceSerializer(allow_null=True)
    offering = FreeTextField(help_text="What they are offering the child and family.")
    offering_withheld = FreeTextWithheldField("offering")
    offer_for_young_person = FreeTextField(
        help_text="What they offer, in plain words the young person reads on their own pages."
    )
    offer_for_young_person_withheld = FreeTextWithheldField("offer_for_young_person")
    contact_details = serializers.CharField(help_text="How to contact them.")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text="Empty while they are in the team.")
    is_trusted_worker = serializers.BooleanField(help_text="The worker the young person trusts most (R20).")
    has_direct_contact = serializers.BooleanField()
    direct_contact_reason = FreeTextField(
        help_text="Why they have direct contact as well as the trusted worker."
    )
    direct_contact_reason_withheld = FreeTextWithheldField("direct_contact_reason")
    is_lead_professional = serializers.SerializerMethodField()

    class Meta:
        ref_name = "TeamMember"

    def get_is_lead_professional(self, membership: TeamMembership) -> bool:
        # The roster prefetches lead_appointments, so this reads memory rather than querying per member.
        return any(appointment.ended_on is None for appointment in membership.lead_appointments.all())


class LeadProfessionalOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The appointment's id.")
    membership = serializers.UUIDField(source="membership.public_id")
    name = serializers.CharField(source="membership.name")
    organisation = OrganisationReferenceSerializer(source="membership.organisation", allow_null=True)
    route = serializers.ChoiceField(choices=LeadProfessionalAppointment.Route.choices)
    route_name = serializers.CharField(source="get_route_display")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "LeadProfessionalAppointment"


class ContinuityOutputSerializer(serializers.Serializer):
    lead_professionals = serializers.IntegerField(
        help_text="Different lead professionals in the last 12 months."
    )
    social_workers = serializers.IntegerField(help_text="Different social workers in the last 12 months.")
    alert_threshold = serializers.IntegerField(help_text="At this many, the team manager is alerted (R23).")

    class Meta:
        ref_name = "Continuity"


class TeamOutputSerializer(serializers.Serializer):
    members = TeamMemberOutputSerializer(many=True, help_text="Current members first, then past members.")
    lead_professional = LeadProfessionalOutputSerializer(allow_null=True)
    lead_professional_history = LeadProfessionalOutputSerializer(many=True)
    offered_first_as_lead = serializers.ListField(
        child=serializers.UUIDField(),
        help_text=(
            "Memberships of professionals who already coordinate this child's care (a social worker or youth "
            "justice worker): offer them first, so that no second coordinator is appointed beside them (R17)."
        ),
    )
    continuity = ContinuityOutputSerializer()

    class Meta:
        ref_name = "Team"


class ActionOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    description = FreeTextField(help_text="What needs to be done.")
    description_withheld = FreeTextWithheldField("description")
    owner = PersonReferenceSerializer()
    due_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField(help_text="Not done, and due before today (Europe/London).")
    meeting = serializers.UUIDField(source="meeting.public_id", allow_null=True)
    handover = serializers.UUIDField(source="handover.public_id", allow_null=True)

    class Meta:
        ref_name = "Action"


class HandoverOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Handover.Role.choices)
    from_membership = serializers.UUIDField(source="from_membership.public_id")
    from_name = serializers.CharField(source="from_membership.name")
    to_membership = serializers.UUIDField(source="to_membership.public_id")
    to_name = serializers.CharField(source="to_membership.name")
    note = serializers.CharField()
    overlap_until = serializers.DateField(allow_null=True)
    handed_over_on = serializers.DateField()
    actions = ActionOutputSerializer(
        many=True, help_text="The successor's task to tell the young person and family in person."
    )

    class Meta:
        ref_name = "Handover"


class MeetingParticipantOutputSerializer(serializers.Serializer):
    membership = serializers.UUIDField(source="membership.public_id", allow_null=True)
    name = serializers.CharField(source="__str__")
    invited = serializers.BooleanField()
    attended = serializers.BooleanField()

    class Meta:
        ref_name = "MeetingParticipant"


class MeetingOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    held_at = serializers.DateTimeField()
    location = serializers.CharField()
    young_person_views = serializers.CharField(help_text="In the young person's own words.")
    young_person_views_not_given_reason = serializers.CharField()
    decisions = FreeTextField(help_text="What the meeting decided.")
    decisions_withheld = FreeTextWithheldField("decisions")
    recorded_by = PersonReferenceSerializer(allow_null=True)
    participants = MeetingParticipantOutputSerializer(many=True)
    actions = ActionOutputSerializer(many=True)

    class Meta:
        ref_name = "Meeting"


def _member_out(membership: TeamMembership, access: ChildAccess) -> dict:
    return TeamMemberOutputSerializer(membership, context=free_text_context(access)).data


class ActionFieldsInputSerializer(serializers.Serializer):
    # Optional here so that the service names what is missing in its own words, per action.
    description = serializers.CharField(required=False, allow_blank=True, default="")
    description_category = _described_category_input(Category.PLANS, "description")
    owner = _owner_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The user id of the team member who will do it (the `user` of a roster entry). Required.",
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Required.")

    class Meta:
        ref_name = "MeetingActionInput"
