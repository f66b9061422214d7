"""The team around the child, meetings, actions, the caseload and the manager's view, in the browser."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.children.categories import Category
from apps.consent.models import Consent
from apps.consent.services import consent_record
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.models import Action, Handover, LeadProfessionalAppointment, Meeting, TeamMembership
from apps.teams.services import team_member_add, trusted_worker_name
from tests.auth import current_code, sign_in
from tests.factories import ChildFactory, FamilyMemberFactory, ProfessionalFactory, YoungPersonUserFactory
from tests.teams.factories import action_for, caseload_child, lead_for, planned_meeting, professional_joins

pytestmark = pytest.mark.django_db

CASELOAD = reverse("caseload:caseload")
MANAGER = reverse("teams:manager")
SIGN_IN = reverse("accounts:sign-in")


def today() -> datetime.date:
    return timezone.localdate()


def date_parts(name: str, value: datetime.date | None) -> dict:
    """A GOV.UK date input's three boxes, as the browser posts them."""
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def field_error(page: str, message: str) -> bool:
    """The message is in the error summary and beside the field, the GOV.UK way."""
    escaped = re.escape(message).replace("'", "(?:'|&#x27;)")
    in_summary = re.search(r'<li><a href="#[\w-]+">' + escaped + "</a></li>", page)
    beside_field = re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span> ' + escaped, page
    )
    return bool(in_summary and beside_field)


def plans_consent(child, person, *, actor) -> None:
    """A parent's consent to share the child's plans (meetings and actions) with ``person`` (R72)."""
    consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=FamilyMemberFactory(child=child),
        categories=[Category.PLANS],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=person,
        purpose="To coordinate the team's meetings and actions",
        valid_from=today(),
        form=Consent.Form.WRITTEN,
        evidence="Signed form on the social care record",
    )


def url(name: str, child, *args) -> str:
    return reverse(f"teams:{name}", args=[child.public_id, *args])


# --- The people ---------------------------------------------------------------------------------


@pytest.fixture
def lead_membership(lead_professional, child):
    """The conftest's lead professional, in the team and appointed lead, with consent to see plans."""
    membership = lead_for(child, lead_professional).membership
    plans_consent(child, lead_professional, actor=lead_professional)
    return membership


@pytest.fixture
def member(social_care):
    """A CAMHS clinician who will be in the team, seeing the child but not changing the record."""
    return ProfessionalFactory(
        username="member", display_name="Cara Clinician", organisation__role="camhs-clinician"
    )


@pytest.fixture
def member_membership(child, lead_professional, lead_membership, member):
    return professional_joins(
        child,
        member,
        actor=lead_professional,
        offering="Weekly CBT sessions",
        started_on=datetime.date(2025, 1, 6),
    )


@pytest.fixture
def member_client(client, member, member_membership):
    sign_in(client, member)
    return client


@pytest.fixture
def meeting(child, lead_professional, lead_membership):
    return planned_meeting(child, lead_professional)


@pytest.fixture
def member_action(child, lead_professional, member, member_membership):
    """An action owned by the member (who cannot change the record)."""
    return action_for(child, member, description="Send the CBT plan to school")


def every_child_page(child, membership, meeting, action) -> dict[str, str]:
    return {
        "team": url("team", child),
        "member-add": url("member-add", child),
        "member-end": url("member-end", child, membership.public_id),
        "trusted-worker": url("trusted-worker", child, membership.public_id),
        "direct-contact": url("direct-contact", child, membership.public_id),
        "lead-appoint": url("lead-appoint", child),
        "lead-hand-over": url("lead-hand-over", child),
        "trusted-worker-hand-over": url("trusted-worker-hand-over", child),
        "meeting-record": url("meeting-record", child),
        "meeting-detail": url("meeting-detail", child, meeting.public_id),
        "action-add": url("action-add", child),
        "action-complete": url("action-complete", child, action.public_id),
    }


MANAGEMENT_PAGES = [
    "member-add",
    "member-end",
    "trusted-worker",
    "direct-contact",
    "lead-appoint",
    "lead-hand-over",
    "trusted-worker-hand-over",
    "meeting-record",
    "action-add",
]


@pytest.fixture
def pages(child, member_membership, meeting, member_action):
    return every_child_page(child, member_membership, meeting, member_action)


# --- Who may see what: the permission matrix ----------------------------------------------------


def test_anonymous_is_sent_to_sign_in_from_every_page(client, pages):
    for address in [*pages.values(), CASELOAD, MANAGER, reverse("notifications:list")]:
        response = client.get(address)

        assert response.status_code == 302, address
        assert response.url.startswith(SIGN_IN), address


def test_outsider_gets_404_on_every_page_about_the_child(client, outsider, pages):
    sign_in(client, outsider)

    for name, address in pages.items():
        assert client.get(address).status_code == 404, name
        if name != "team" and name != "meeting-detail":
            assert client.post(address, {}).status_code == 404, name


def test_young_person_gets_403_everywhere(client, pages):
    sign_in(client, YoungPersonUserFactory())

    for address in [*pages.values(), CASELOAD, MANAGER]:
        assert client.get(address).status_code == 403, address


def test_granted_on_one_child_asking_for_another_gets_404(member_client):
    other = ChildFactory()
    lead_for(other, ProfessionalFactory())

    assert member_client.get(url("team", other)).status_code == 404


def test_member_sees_the_team_and_meetings_but_gets_403_on_management_forms(
    member_client, member, lead_professional, pages, child
):
    assert member_client.get(pages["team"]).status_code == 200
    assert member_client.get(pages["meeting-detail"]).status_code == 403  # plans withheld without consent
    plans_consent(child, member, actor=lead_professional)
    assert member_client.get(pages["meeting-detail"]).status_code == 200
    for name in MANAGEMENT_PAGES:
        assert member_client.get(pages[name]).status_code == 403, name
        assert member_client.post(pages[name], {}).status_code == 403, name

    assert TeamMembership.objects.filter(child=child).count() == 2
    assert LeadProfessionalAppointment.objects.filter(child=child).count() == 1


def test_member_page_offers_no_change_links(member_client, pages):
    page = member_client.get(pages["team"]).text

    assert "Add someone to the team" not in page
    assert "End membership" not in page
    assert "Record a meeting" not in page
    assert "Hand over" not in page


def test_lead_professional_opens_every_page(client, lead_professional, child, member_membership, pages):
    trusted_worker_name(actor=lead_professional, membership=member_membership)
    sign_in(client, lead_professional)

    for name, address in pages.items():
        assert client.get(address).status_code == 200, name


def test_read_only_professional_gets_403_on_management_forms(client, read_only_professional, pages):
    sign_in(client, read_only_professional)

    assert client.get(pages["team"]).status_code == 200
    for name in MANAGEMENT_PAGES:
        assert client.get(pages[name]).status_code == 403, name


@pytest.mark.parametrize("path", ["/children/not-a-uuid/team/", "/children/1/meetings/new/"])
def test_malformed_uuid_is_404(signed_in_client, path):
    assert signed_in_client.get(path).status_code == 404


def test_membership_of_another_child_is_404(signed_in_client, child, lead_membership):
    other = ChildFactory()
    stranger = lead_for(other, ProfessionalFactory()).membership

    assert signed_in_client.get(url("member-end", child, stranger.public_id)).status_code == 404


# --- Leaving the team ends access on the very next request --------------------------------------


def test_leaving_the_team_revokes_access_on_the_next_request(
    client, lead_professional, child, member, member_membership
):
    member_page = reverse("children:detail", args=[child.public_id])
    sign_in(client, member)
    assert client.get(member_page).status_code == 200

    # The lead ends the membership in their own browser; the member's next request is refused.
    lead_browser = client_for(lead_professional)
    response = lead_browser.post(
        url("member-end", child, member_membership.public_id), date_parts("ended_on", today())
    )
    assert response.status_code == 302

    assert client.get(member_page).status_code == 404
    assert client.get(url("team", child)).status_code == 404


def client_for(user):
    from django.test import Client

    browser = Client()
    sign_in(browser, user)
    return browser


# --- The team page ------------------------------------------------------------------------------


def test_team_page_shows_the_roster_lead_and_supporting_members(
    signed_in_client, lead_professional, child, member_membership
):
    carer = team_member_add(
        actor=lead_professional,
        child=child,
        kind=TeamMembership.Kind.CAREGIVER,
        person_name="Jo Pritchard",
        caregiver_role=TeamMembership.CaregiverRole.FOSTER_CARER,
        contact_details="07700 900123",
    )
    trusted_worker_name(actor=lead_professional, membership=carer)

    page = signed_in_client.get(url("team", child)).text

    assert "Lena Lead" in page
    assert 'govuk-tag--purple govuk-!-margin-left-2">Lead professional</strong>' in page
    assert 'govuk-tag--green govuk-!-margin-left-2">Trusted worker</strong>' in page
    assert 'govuk-tag--grey govuk-!-margin-left-2">Supporting member</strong>' in page
    assert "Foster carer" in page
    assert "07700 900123" in page
    assert "Weekly CBT sessions" in page
    assert "No: supports Jo Pritchard" in page
    assert "Children&#x27;s social care" in page  # The route of appointment.
    assert "1 lead professional and 1 social worker in the last 12 months" in page
    # The trusted worker comes first: the team works around them.
    assert page.index("Jo Pritchard</") < page.index("Cara Clinician")


def test_team_page_keeps_past_members_in_their_own_section(
    signed_in_client, lead_professional, child, member_membership
):
    from apps.teams.services import team_member_end

    team_member_end(actor=lead_professional, membership=member_membership)

    page = signed_in_client.get(url("team", child)).text

    assert "Past members (1)" in page
    assert page.index("Past members") < page.index("Cara Clinician")


def test_team_page_tags_overdue_actions_and_offers_mark_as_done(
    member_client, child, member, member_membership
):
    overdue = action_for(child, member, due_in_days=-2, description="Write to the GP")
    plans_consent(child, member, actor=member)

    page = member_client.get(url("team", child)).text

    assert "Write to the GP" in page
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert url("action-complete", child, overdue.public_id) in page  # The owner may mark it done.


def test_page_title_never_names_the_child(signed_in_client, child, lead_membership, meeting):
    for address in [
        url("team", child),
        url("meeting-detail", child, meeting.public_id),
        url("member-add", child),
    ]:
        title = re.search(r"<title>(.*?)</title>", signed_in_client.get(address).text, re.S).group(1)

        assert "Okafor" not in title, address
        assert "Sam" not in title, address


def test_child_page_links_to_the_team_after_the_strengths(signed_in_client, child, lead_membership):
    page = signed_in_client.get(reverse("children:detail", args=[child.public_id])).text

    assert "Team around Sam" in page
    assert f'href="{url("team", child)}"' in page
    assert page.index("Loves drawing") < page.index("Team around Sam") < page.index("NHS number")


# --- Adding and ending memberships --------------------------------------------------------------


def test_lead_adds_a_professional_who_can_then_see_the_child(signed_in_client, child, lead_membership):
    newcomer = ProfessionalFactory(display_name="Nia Newcomer")
    response = signed_in_client.post(
        url("member-add", child),
        {
            "kind": "professional",
            "user": str(newcomer.public_id),
            "offering": "Mentoring at school",
            "contact_details": "0113 000 0000",
            **date_parts("started_on", today()),
        },
    )

    assert response.status_code == 302
    assert TeamMembership.objects.current().filter(child=child, user=newcomer).exists()
    assert client_for(newcomer).get(url("team", child)).status_code == 200


def test_adding_a_trusted_adult_needs_their_name(signed_in_client, child, lead_membership):
    response = signed_in_client.post(
        url("member-add", child), {"kind": "trusted_adult", **date_parts("started_on", today())}
    )

    assert field_error(response.text, "Enter the trusted adult's full name")
    assert TeamMembership.objects.filter(child=child).count() == 1


def test_adding_a_caregiver_without_an_account(signed_in_client, child, lead_membership):
    response = signed_in_client.post(
        url("member-add", child),
        {
            "kind": "caregiver",
            "caregiver_name": "Jo Pritchard",
            "caregiver_role": "kinship_carer",
            **date_parts("started_on", today()),
        },
    )

    assert response.status_code == 302
    carer = TeamMembership.objects.get(child=child, person_name="Jo Pritchard")
    assert carer.kind == TeamMembership.Kind.CAREGIVER
    assert carer.user is None


def test_membership_ending_before_it_starts_is_refused(signed_in_client, child, member_membership):
    response = signed_in_client.post(
        url("member-end", child, member_membership.public_id),
        date_parts("ended_on", datetime.date(2024, 12, 1)),
    )

    assert response.status_code == 200
    assert field_error(response.text, "The end date must be on or after 6 January 2025, when they joined")
    member_membership.refresh_from_db()
    assert member_membership.ended_on is None


def test_ending_the_lead_professional_points_at_handover(signed_in_client, child, lead_membership):
    address = url("member-end", child, lead_membership.public_id)

    page = signed_in_client.get(address).text
    assert "Hand over to a named successor before they leave the team" in page
    assert f'href="{url("lead-hand-over", child)}"' in page

    response = signed_in_client.post(address, date_parts("ended_on", today()))
    assert (
        '<li><a href="#hand-over">Lena Lead is the lead professional. '
        "Hand over to a named successor before they leave.</a></li>"
    ) in response.text
    lead_membership.refresh_from_db()
    assert lead_membership.ended_on is None


# --- Lead professional --------------------------------------------------------------------------


def test_second_lead_professional_is_refused_with_an_offer_of_handover(
    signed_in_client, child, member_membership
):
    response = signed_in_client.post(
        url("lead-appoint", child),
        {
            "membership": str(member_membership.public_id),
            "route": "early_help",
            **date_parts("started_on", today()),
        },
    )

    assert response.status_code == 200
    assert "Lena Lead is already this child&#x27;s lead professional" in response.text
    assert f'href="{url("lead-hand-over", child)}"' in response.text
    assert "Error: Appoint a lead professional" in response.text
    assert LeadProfessionalAppointment.objects.filter(child=child, ended_on__isnull=True).count() == 1


def test_appointing_offers_the_existing_statutory_lead_first(client, child, lead_professional, member):
    # No lead yet. The clinician joined first, the social worker later; the social worker is offered first.
    clinician = professional_joins(child, member, actor=lead_professional)
    social_worker = professional_joins(child, lead_professional)
    sign_in(client, lead_professional)

    page = client.get(url("lead-appoint", child)).text

    assert page.index(f'value="{social_worker.public_id}"') < page.index(f'value="{clinician.public_id}"')
    assert "Already coordinates their care under a statutory duty" in page

    response = client.post(
        url("lead-appoint", child),
        {
            "membership": str(social_worker.public_id),
            "route": "social_care",
            **date_parts("started_on", today()),
        },
    )
    assert response.status_code == 302
    assert (
        LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True).membership
        == social_worker
    )


def test_handover_without_a_successor_is_refused(signed_in_client, child, lead_membership, member_membership):
    response = signed_in_client.post(
        url("lead-hand-over", child),
        {"successor": "", "note": "Sam likes texts, not calls.", **date_parts("overlap_until", None)},
    )

    assert response.status_code == 200
    assert field_error(response.text, "Name the successor who is taking over")
    assert not Handover.objects.exists()
    assert (
        LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True).membership
        == lead_membership
    )


def test_handover_names_the_successor_and_sets_the_tell_in_person_task(
    signed_in_client, child, member, member_membership
):
    page = signed_in_client.get(url("lead-hand-over", child)).text
    assert "a task to tell the young person and their family in person" in page

    response = signed_in_client.post(
        url("lead-hand-over", child),
        {
            "successor": str(member_membership.public_id),
            "note": "Sam likes texts, not calls.",
            **date_parts("overlap_until", today() + datetime.timedelta(days=14)),
        },
    )

    assert response.status_code == 302
    assert (
        LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True).membership
        == member_membership
    )
    task = Action.objects.get(child=child, handover__isnull=False)
    assert task.owner == member
    assert "in person" in task.description


# --- Team around the worker ---------------------------------------------------------------------


@pytest.fixture
def team_around_the_worker(child, lead_professional, lead_membership, member_membership):
    """Sam has named the lead professional as her worker; the clinician is a supporting member."""
    trusted_worker_name(actor=lead_professional, membership=lead_membership)
    member_membership.refresh_from_db()
    assert not member_membership.has_direct_contact
    return member_membership


def test_naming_the_trusted_worker_explains_team_around_the_worker(
    signed_in_client, child, lead_membership, member_membership
):
    address = url("trusted-worker", child, member_membership.public_id)

    page = signed_in_client.get(address).text
    assert "Everyone else in the team becomes a supporting member" in page

    assert signed_in_client.post(address).status_code == 302
    member_membership.refresh_from_db()
    lead_membership.refresh_from_db()
    assert member_membership.is_trusted_worker
    assert not lead_membership.has_direct_contact


def test_direct_contact_in_team_around_the_worker_needs_confirmation(
    signed_in_client, child, team_around_the_worker
):
    address = url("direct-contact", child, team_around_the_worker.public_id)
    page = signed_in_client.get(address).text
    assert "govuk-warning-text" in page
    assert "This team works around Lena Lead" in page

    unconfirmed = signed_in_client.post(address, {"reason": "Sam asked to see the clinician on her own."})

    assert unconfirmed.status_code == 200
    assert field_error(
        unconfirmed.text, "Confirm that the young person will have another worker in direct contact"
    )
    team_around_the_worker.refresh_from_db()
    assert not team_around_the_worker.has_direct_contact

    confirmed = signed_in_client.post(
        address, {"reason": "Sam asked to see the clinician on her own.", "confirmed": "on"}
    )

    assert confirmed.status_code == 302
    team_around_the_worker.refresh_from_db()
    assert team_around_the_worker.has_direct_contact
    assert team_around_the_worker.direct_contact_reason == "Sam asked to see the clinician on her own."


def test_direct_contact_in_team_around_the_worker_needs_a_reason(
    signed_in_client, child, team_around_the_worker
):
    response = signed_in_client.post(
        url("direct-contact", child, team_around_the_worker.public_id), {"confirmed": "on"}
    )

    assert field_error(response.text, "Say why Cara Clinician needs direct contact as well as Lena Lead")
    team_around_the_worker.refresh_from_db()
    assert not team_around_the_worker.has_direct_contact


def test_trusted_worker_hands_over_to_a_successor(signed_in_client, child, member, team_around_the_worker):
    response = signed_in_client.post(
        url("trusted-worker-hand-over", child),
        {
            "successor": str(team_around_the_worker.public_id),
            "note": "She trusts you already.",
            **date_parts("overlap_until", None),
        },
    )

    assert response.status_code == 302
    team_around_the_worker.refresh_from_db()
    assert team_around_the_worker.is_trusted_worker
    assert Handover.objects.get(child=child).role == Handover.Role.TRUSTED_WORKER


# --- Meetings and actions -----------------------------------------------------------------------


def meeting_data(member_membership, **overrides) -> dict:
    held = today() - datetime.timedelta(days=1)
    data = {
        "kind": "team_around_child",
        **date_parts("held_on", held),
        "held_time": "2:30pm",
        "location": "Riverside Academy",
        "invited": [str(member_membership.public_id)],
        "attended": [str(member_membership.public_id)],
        "others_present": "Sam\nSam's aunt",
        "young_person_views": "I want to stay at this school.",
        "young_person_views_not_given_reason": "",
        "decisions": "Keep CBT weekly.",
        "action_1_description": "",
        "action_1_owner": "",
        **date_parts("action_1_due_on", None),
        "action_2_description": "Ask school for a quiet room",
        "action_2_owner": str(member_membership.user.public_id),
        **date_parts("action_2_due_on", today() + datetime.timedelta(days=7)),
        "action_3_description": "",
        "action_3_owner": "",
        **date_parts("action_3_due_on", None),
    }
    data.update(overrides)
    return data


def test_recording_a_meeting_ignores_blank_action_rows(signed_in_client, child, member, member_membership):
    response = signed_in_client.post(url("meeting-record", child), meeting_data(member_membership))

    assert response.status_code == 302
    meeting = Meeting.objects.get(child=child)
    assert response.url == url("meeting-detail", child, meeting.public_id)
    assert timezone.localtime(meeting.held_at).time() == datetime.time(14, 30)
    assert [action.description for action in meeting.actions.all()] == ["Ask school for a quiet room"]
    assert meeting.actions.get().owner == member
    names = sorted(str(person) for person in meeting.participants.all())
    assert names == ["Cara Clinician", "Sam", "Sam's aunt"]

    page = signed_in_client.get(response.url).text
    assert "I want to stay at this school." in page
    assert "Ask school for a quiet room" in page


def test_meeting_action_without_an_owner_is_refused(signed_in_client, child, member_membership):
    response = signed_in_client.post(
        url("meeting-record", child), meeting_data(member_membership, action_2_owner="")
    )

    assert response.status_code == 200
    assert field_error(response.text, "Every action needs one owner: choose who will do it")
    assert '<li><a href="#id_action_2_owner">' in response.text  # Against the row it was typed in.
    assert not Meeting.objects.exists()
    assert not Action.objects.exists()


def test_a_past_meeting_needs_the_young_persons_views_or_why_not(signed_in_client, child, member_membership):
    response = signed_in_client.post(
        url("meeting-record", child), meeting_data(member_membership, young_person_views="")
    )

    assert field_error(
        response.text, "Record the young person's views in their own words, or say why they were not given"
    )
    assert not Meeting.objects.exists()


def test_a_time_that_is_not_a_time_is_refused(signed_in_client, child, member_membership):
    response = signed_in_client.post(
        url("meeting-record", child), meeting_data(member_membership, held_time="teatime")
    )

    assert field_error(response.text, "Enter a time, like 14:30 or 2:30pm")


def test_action_without_an_owner_is_refused(signed_in_client, child, member_membership):
    response = signed_in_client.post(
        url("action-add", child),
        {"description": "Book the review", "owner": "", **date_parts("due_on", today())},
    )

    assert response.status_code == 200
    assert field_error(response.text, "Every action needs one owner: choose who will do it")
    assert not Action.objects.exists()


def test_owner_without_change_marks_their_own_action_done(member_client, child, member_action):
    address = url("action-complete", child, member_action.public_id)

    assert member_client.get(address).status_code == 200
    assert member_client.post(address, date_parts("completed_on", today())).status_code == 302
    member_action.refresh_from_db()
    assert member_action.completed_on == today()


def test_member_cannot_mark_someone_elses_action_done(member_client, child, lead_professional):
    action = action_for(child, lead_professional)

    assert (
        member_client.post(
            url("action-complete", child, action.public_id), date_parts("completed_on", today())
        ).status_code
        == 403
    )
    action.refresh_from_db()
    assert action.completed_on is None


# --- The caseload -------------------------------------------------------------------------------


def test_sign_in_lands_on_the_caseload(client, lead_professional, password):
    response = client.post(SIGN_IN, {"username": "lead", "password": password})
    response = client.post(response.url, {"otp_code": current_code()})

    # The role home, which is the caseload for a lead professional without another role's home.
    assert response.url == reverse("caseload:home")
    assert client.get(response.url)["Location"] == CASELOAD


def test_caseload_lists_the_children_with_what_needs_attention(signed_in_client, lead_professional):
    flagged = caseload_child(
        lead_professional, given_name="Amara", family_name="Flagged", flags=3, overdue_actions=2
    )
    nearly_adult = caseload_child(
        lead_professional,
        given_name="Noah",
        family_name="Nearly",
        date_of_birth=today() - datetime.timedelta(days=17 * 365 + 100),
        meeting_in_days=5,
    )
    ChildFactory(given_name="Not", family_name="Mine")  # Nobody's lead: not on the caseload.

    page = signed_in_client.get(CASELOAD).text

    assert "2 children" in page
    assert "Amara Flagged" in page
    assert "Noah Nearly" in page
    assert "Not Mine" not in page
    assert '<strong class="govuk-tag govuk-tag--red">3 flags</strong>' in page
    assert "2 overdue</strong>" in page
    assert f"{(timezone.localtime() + datetime.timedelta(days=5)):%-d %b %Y}" in page
    assert "Turns 18 on" in page
    # Consent gaps, for each child: no consent recorded for the lead's council, so one each, linked to where
    # it is put right (tests/caseload/test_consent_gaps.py has every kind).
    assert "None yet" not in page
    assert page.count("No consent in force shares anything with") == 2
    assert f'href="/children/{flagged.public_id}/consent/#consents"' in page
    # Missed appointments and the waiting list: the lead coordinates both, so nothing is withheld.
    assert "Withheld" not in page
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.LIST, child__in=[flagged, nearly_adult]).count()
        == 2
    )
    assert ">Caseload</strong>" in page  # Current in the header navigation.


def test_caseload_filters_and_sorts(signed_in_client, lead_professional):
    caseload_child(lead_professional, given_name="Amara", family_name="Zed", overdue_actions=1)
    caseload_child(lead_professional, given_name="Bo", family_name="Able", flags=4)

    overdue_only = signed_in_client.get(CASELOAD, {"only": "overdue"}).text
    by_flags = signed_in_client.get(CASELOAD, {"sort": "flags"}).text
    by_name = signed_in_client.get(CASELOAD, {"sort": "nonsense", "only": "nonsense"}).text

    assert "Amara Zed" in overdue_only
    assert "Bo Able" not in overdue_only
    assert "1 child with overdue actions" in overdue_only
    assert by_flags.index("Bo Able") < by_flags.index("Amara Zed")
    assert by_name.index("Bo Able") < by_name.index("Amara Zed")


def test_caseload_htmx_request_gets_only_the_fragment(signed_in_client, lead_professional):
    caseload_child(lead_professional, given_name="Amara", family_name="Zed", overdue_actions=1)

    response = signed_in_client.get(CASELOAD, {"only": "overdue"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "govuk-service-navigation" not in response.text
    assert '<div id="caseload-results">' in response.text
    assert "Amara Zed" in response.text
    assert 'hx-swap-oob="innerHTML">1 child shown' in response.text
    assert "HX-Request" in response["Vary"]


def test_caseload_filter_works_without_javascript_and_with_htmx(signed_in_client):
    page = signed_in_client.get(CASELOAD).text

    assert f'<form method="get" action="{CASELOAD}"' in page
    assert f'hx-get="{CASELOAD}"' in page
    assert 'hx-push-url="true"' in page
    assert 'hx-target="#caseload-results"' in page
    assert ">Apply</button>" in page


def test_empty_caseload_says_what_to_do(signed_in_client):
    page = signed_in_client.get(CASELOAD).text

    assert "You are not the lead professional for any children yet" in page
    assert f'href="{reverse("children:list")}"' in page


def test_empty_filter_offers_the_whole_caseload(signed_in_client, lead_professional):
    caseload_child(lead_professional)

    page = signed_in_client.get(CASELOAD, {"only": "flags"}).text

    assert "No children on your caseload with 3 or more risk flags" in page
    assert "Show all the children on your caseload" in page


def test_caseload_runs_the_same_number_of_queries_at_5_and_50_children(
    signed_in_client, lead_professional, django_assert_num_queries
):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            caseload_child(
                lead_professional,
                flags=number % 4,
                overdue_actions=number % 2,
                meeting_in_days=3 if number % 3 == 0 else None,
            )

    add(5, 0)
    signed_in_client.get(CASELOAD)  # Warm the session, as any later page is.
    with CaptureQueriesContext(connection) as at_five:
        assert signed_in_client.get(CASELOAD).text.count('<tr class="govuk-table__row">') == 6
    add(45, 5)

    with django_assert_num_queries(len(at_five.captured_queries)):
        page = signed_in_client.get(CASELOAD).text

    assert page.count('<tr class="govuk-table__row">') == 51


# --- The manager's view -------------------------------------------------------------------------


@pytest.fixture
def manager(social_care):
    return ProfessionalFactory(
        username="manager",
        display_name="Mo Manager",
        organisation=social_care,
        organisation__role="team-manager",
    )


def test_manager_page_is_403_for_non_managers(signed_in_client):
    assert signed_in_client.get(MANAGER).status_code == 403


def test_manager_sees_children_without_a_lead_and_caseload_sizes(client, manager, lead_professional, member):
    caseload_child(lead_professional)
    caseload_child(lead_professional)
    # Two services involved and nobody coordinating.
    drifting = ChildFactory(given_name="Drift", family_name="Wood")
    professional_joins(drifting, lead_professional)
    professional_joins(drifting, member, actor=lead_professional)
    child_access_grant(child=drifting, user=manager, basis=AccessGrant.Basis.CREATOR, granted_by=manager)
    sign_in(client, manager)

    page = client.get(MANAGER).text

    assert "Drift Wood" in page
    assert re.search(r"Lena Lead</th>\s*<td[^>]*>2</td>", page)
    assert "Team manager's view" in client.get(CASELOAD).text  # The caseload links to it.
