"""Reads for the young person's own pages. Each takes the child found from the signed-in young person."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from apps.children.models import Child
from apps.teams.models import TeamMembership
from apps.teams.selectors import current_lead_appointment, team_roster

# Professional roles as a young person would say them (R145: plain words, no labels first). Roles not
# listed here (added later by administrators) show their own name.
ROLE_IN_MY_WORDS = {
    "social-worker": "Social worker",
    "camhs-clinician": "Mental health worker (CAMHS)",
    "designated-teacher": "Teacher who looks out for you at school",
    "senco": "Teacher who sorts out extra help at school",
    "yot-worker": "Youth justice worker",
    "personal-adviser": "Personal adviser, for when you leave care",
    "iro": "Reviewing officer, who checks your care plan is right for you",
    "safeguarding-lead": "Safeguarding lead, who helps keep you safe",
    "virtual-mental-health-lead": "Mental health lead",
    "team-manager": "Team manager",
    "gp": "Doctor (GP)",
    "school-nurse": "School nurse",
    "youth-worker": "Youth worker",
    "police-officer": "Police officer",
    "adult-mental-health-practitioner": "Adult mental health worker",
}
# Titles are left off, so the page uses a first name: "Tomasz", not "Dr".
TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "prof", "prof.", "professor"}


@dataclass(frozen=True)
class PersonWorkingWithMe:
    """One person in the young person's team, as they are told about them: no surname, no contact details."""

    first_name: str
    role: str
    organisation: str
    offer: str
    is_lead_professional: bool
    is_trusted_worker: bool
    works_behind_the_scenes: bool


def _first_name(member: TeamMembership) -> str:
    if member.user_id and member.user.first_name.strip():
        return member.user.first_name.strip()
    words = [word for word in member.name.split() if word.lower() not in TITLES]
    return words[0] if words else member.name


def _role(member: TeamMembership) -> str:
    if member.kind == TeamMembership.Kind.PROFESSIONAL and member.professional_role_id:
        return ROLE_IN_MY_WORDS.get(member.professional_role.code, member.professional_role.name)
    return member.role_label


def people_working_with_me(*, child: Child) -> list[PersonWorkingWithMe]:
    """The current team around the young person, in their words (R91): who, what they do, what they offer.

    The trusted worker first, then the lead professional, then everyone else in the order they joined.
    Only the short plain-words offer written for the young person is shown, never the professionals'
    own description, which may mention other people or use labels (R145).
    """
    lead = current_lead_appointment(child=child)
    lead_membership_id = lead.membership_id if lead else None
    people = [
        PersonWorkingWithMe(
            first_name=_first_name(member),
            role=_role(member),
            organisation=member.organisation.name if member.organisation_id else "",
            offer=member.offer_for_young_person,
            is_lead_professional=member.pk == lead_membership_id,
            is_trusted_worker=member.is_trusted_worker,
            works_behind_the_scenes=not member.has_direct_contact and not member.is_trusted_worker,
        )
        for member in team_roster(child=child).current()
    ]
    return sorted(people, key=lambda person: (not person.is_trusted_worker, not person.is_lead_professional))


@dataclass(frozen=True)
class MyAppointment:
    """One of the young person's coming appointments, in their words: when, where, and who with."""

    starts_at: datetime
    where: str
    with_whom: str


# Where, said to the young person rather than about them.
WHERE_IN_MY_WORDS = {
    "clinic": "At the clinic",
    "home": "At home",
    "school": "At school or college",
    "community_place": "At a place you chose",
    "youth_club": "At the youth club",
    "public_place": "At a café, park or other place",
    "phone": "On the phone",
    "video": "On a video call",
    "online_text": "In an online chat",
}


def my_upcoming_appointments(*, child: Child, limit: int = 5) -> list[MyAppointment]:
    """The young person's next appointments that have not been called off, soonest first.

    Their own appointments, so no consent category applies; what the appointment is for stays with
    the professionals (their wording, not the young person's), and the worker is named by first name.
    """
    from apps.appointments.models import Appointment

    upcoming = (
        Appointment.objects.filter(child=child, starts_at__gte=timezone.now(), outcome="")
        .select_related("professional")
        .order_by("starts_at")[:limit]
    )
    return [
        MyAppointment(
            starts_at=appointment.starts_at,
            where=(
                f"{WHERE_IN_MY_WORDS[appointment.location]}: {appointment.location_detail}"
                if appointment.location_detail
                else WHERE_IN_MY_WORDS[appointment.location]
            ),
            with_whom=appointment.professional.first_name.strip()
            or appointment.professional.display_name.split()[0],
        )
        for appointment in upcoming
    ]
