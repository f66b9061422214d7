"""The team around the child (who joined and left, the lead professional), its meetings and the child's
social-work status and placement, as chronology entries."""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from apps.children.categories import Category
from apps.children.models import SocialWorkInvolvement
from apps.chronology.entries import Kind
from apps.chronology.sources.common import (
    Description,
    Member,
    Reader,
    Source,
    agency_of,
    as_organisation,
    day_of,
    first_name,
    held_by_professional,
    lower_first,
)
from apps.teams.free_text import free_text_shown
from apps.teams.models import LeadProfessionalAppointment, Meeting, MeetingParticipant, TeamMembership

# --- The team around the child and its meetings --------------------------------------------------------


class MeetingSource(Source):
    model = Meeting
    kinds = (Kind.MEETING,)
    category = Category.PLANS

    def members(self, reader: Reader) -> list[Member]:
        user = reader.user
        attended = MeetingParticipant.objects.filter(meeting=OuterRef("pk"), membership__user=user)
        return [
            Member(
                Kind.MEETING,
                Meeting.objects.filter(child=reader.child),
                at="held_at",
                agency=agency_of("recorded_by", on=day_of("held_at")),
                involved=held_by_professional(reader, Q(recorded_by=user) | Q(Exists(attended))),
            )
        ]

    def describe(self, record: Meeting, kind: str, reader: Reader) -> Description:
        what = record.get_kind_display()
        where = f" at {record.location}" if record.location else ""
        # The decisions are free text in the category they describe: a sensitive one is withheld alone.
        decisions = free_text_shown(
            access=reader.access, record=record, field="decisions", reasons=reader.reasons
        )
        if decisions.withheld:
            said = f" Decisions withheld: {decisions.reason}"
        elif decisions.text:
            said = f" Decisions: {' '.join(decisions.text.split())}"
        else:
            said = ""
        link = ""
        if reader.access.sees(Category.PLANS):
            link = self._child_url(reader, "teams:meeting-detail", record.public_id)
        return Description(
            f"Meeting: {lower_first(what)}{where}.{said}",
            "People working with you met to plan your support.",
            link,
            record.public_id,
        )


class LeadProfessionalSource(Source):
    model = LeadProfessionalAppointment
    kinds = (Kind.LEAD_PROFESSIONAL,)
    category = Category.TEAM

    def members(self, reader: Reader) -> list[Member]:
        return [
            Member(
                Kind.LEAD_PROFESSIONAL,
                LeadProfessionalAppointment.objects.filter(child=reader.child),
                at="started_on",
                date_only=True,
                agency=Coalesce(
                    as_organisation(F("membership__organisation")),
                    agency_of("membership__user", on=OuterRef("started_on")),
                ),
                involved=held_by_professional(reader, Q(membership__user=reader.user)),
            )
        ]

    def details(self, pks):
        return LeadProfessionalAppointment.objects.select_related(
            "membership__user", "membership__organisation"
        ).in_bulk(pks)

    def describe(self, record: LeadProfessionalAppointment, kind: str, reader: Reader) -> Description:
        member = record.membership
        return Description(
            f"{member.name} became lead professional ({lower_first(record.get_route_display())}).",
            f"{_member_first_name(member)} became your lead professional, who makes sure everyone works "
            "together "
            "for you.",
            self._child_url(reader, "teams:team"),
            record.public_id,
        )


def _member_first_name(member: TeamMembership) -> str:
    if member.user_id:
        return first_name(member.user)
    return member.person_name.split()[0] if member.person_name.split() else member.person_name


class TeamMembershipSource(Source):
    model = TeamMembership
    kinds = (Kind.TEAM_MEMBER_JOINED, Kind.TEAM_MEMBER_LEFT)
    category = Category.TEAM

    def members(self, reader: Reader) -> list[Member]:
        members = TeamMembership.objects.filter(child=reader.child)
        agency = Coalesce(as_organisation(F("organisation")), agency_of("user", on=OuterRef("started_on")))
        held = held_by_professional(reader, Q(user=reader.user))
        return [
            Member(
                Kind.TEAM_MEMBER_JOINED,
                members,
                at="started_on",
                date_only=True,
                agency=agency,
                involved=held,
            ),
            Member(
                Kind.TEAM_MEMBER_LEFT,
                members.filter(ended_on__isnull=False),
                at="ended_on",
                date_only=True,
                agency=agency,
                involved=held,
            ),
        ]

    def details(self, pks):
        return TeamMembership.objects.select_related("user", "organisation", "professional_role").in_bulk(pks)

    def describe(self, record: TeamMembership, kind: str, reader: Reader) -> Description:
        role = record.role_label
        where = f", {record.organisation}" if record.organisation_id else ""
        first = _member_first_name(record)
        link = self._child_url(reader, "teams:team")
        if kind == Kind.TEAM_MEMBER_JOINED:
            return Description(
                f"{record.name} ({role}{where}) joined the team.",
                f"{first} started working with you.",
                link,
                record.public_id,
            )
        return Description(
            f"{record.name} ({role}{where}) left the team.",
            f"{first} stopped working with you.",
            link,
            record.public_id,
        )


# --- Social-work status and placement -----------------------------------------------------------------

SOCIAL_WORK_IN_PLAIN_WORDS: dict[str, str] = {
    SocialWorkInvolvement.Status.NONE: "Social workers stopped being involved.",
    SocialWorkInvolvement.Status.CHILD_IN_NEED: "A social worker started helping you and your family.",
    SocialWorkInvolvement.Status.CHILD_PROTECTION: (
        "A plan was made to keep you safe (a child protection plan)."
    ),
    SocialWorkInvolvement.Status.EDGE_OF_CARE: (
        "Social workers started working with your family to help you stay at home."
    ),
    SocialWorkInvolvement.Status.LOOKED_AFTER: "You started being looked after (in care).",
    SocialWorkInvolvement.Status.CARE_LEAVER: "You became a care leaver, with support as you leave care.",
}
PLACEMENT_IN_PLAIN_WORDS: dict[str, str] = {
    SocialWorkInvolvement.PlacementType.FOSTER_CARE: "You live with foster carers.",
    SocialWorkInvolvement.PlacementType.HOME_UNDER_SUPERVISION: (
        "You live at home, with a social worker's support."
    ),
    SocialWorkInvolvement.PlacementType.RESIDENTIAL_HOME: "You live in a children's home.",
    SocialWorkInvolvement.PlacementType.SCHOOL: "You live at a residential school.",
    SocialWorkInvolvement.PlacementType.SECURE_UNIT: "You live in a secure unit.",
}


class SocialWorkSource(Source):
    model = SocialWorkInvolvement
    kinds = (Kind.SOCIAL_WORK_STATUS,)
    category = Category.CORE

    def members(self, reader: Reader) -> list[Member]:
        return [
            Member(
                Kind.SOCIAL_WORK_STATUS,
                SocialWorkInvolvement.objects.filter(child=reader.child),
                at="started_on",
                date_only=True,
                agency=as_organisation(F("responsible_authority")),
            )
        ]

    def describe(self, record: SocialWorkInvolvement, kind: str, reader: Reader) -> Description:
        parts = [record.get_status_display()]
        if record.legal_status:
            parts.append(lower_first(record.get_legal_status_display()))
        if record.placement_type:
            parts.append(f"placement: {lower_first(record.get_placement_type_display())}")
        plain = SOCIAL_WORK_IN_PLAIN_WORDS.get(record.status, "Your social worker's involvement changed.")
        if record.placement_type in PLACEMENT_IN_PLAIN_WORDS:
            plain += " " + PLACEMENT_IN_PLAIN_WORDS[record.placement_type]
        return Description(
            f"Social-work status: {'; '.join(parts)}.",
            plain,
            self._child_url(reader, "children:detail", anchor="social-work"),
        )
