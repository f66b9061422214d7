"""The permission matrix: every browser page and API endpoint about a child, against every kind of viewer.

Each route that takes a child's public id has one row below. A new route without a row fails
``test_every_child_route_has_a_row``, so nothing about a child is served without its access rule stated.

Rows say how to call the route and what it needs:
- ``view`` : anyone the child is shared with (core record);
- ``team`` : the team around the child (``view_child_team``);
- ``change``: someone who may change the record;
- ``record``: the team around the child, the lead professional, or a service that accepted a referral: booking
  appointments is direct care (anyone else who may see the child gets 403);
- ``appointment``: one appointment or follow-up: its category, or a professional who holds it (the
  appointment's professional or booker, the follow-up's assignee). Anyone else, even with the record, gets
  404: a withheld item is never confirmed to exist;
- a category (``plans``, ``substance_misuse`` ...): consent (or an override) for that kind of information;
- ``passport``: the young person's passport, which consent never opens: anyone who may see the child (or has
  a section shared with them) opens it, and each section follows the young person's own shares
  (tests/passport). Here: nobody else gets past the 404.
Rows that *show* a category carry a marker: text that appears only when that category is visible.
"""

import datetime
import uuid
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.children.services import vulnerability_flag_add
from apps.consent.models import Consent, Disclosure
from apps.consent.services import consent_withdraw, safeguarding_override_open
from apps.notifications.models import Notification
from apps.teams.services import action_add, lead_professional_appoint, meeting_record, team_member_add
from tests.auth import sign_in
from tests.factories import ChildFactory, ProfessionalFactory, UserFactory, share_with, vulnerability_type

pytestmark = pytest.mark.django_db

SUBSTANCE_NOTE = "MARKER-SUBSTANCE: cannabis most days since the summer"
MEETING_PLACE = "MARKER-MEETING: the library on Mill Lane"
APPOINTMENT_PLACE = "MARKER-APPOINTMENT: the boxing club on Hythe Road"
REFERRAL_NEEDS = "MARKER-REFERRAL: not sleeping, stopped going to football"
SIGNIFICANT_EVENT = "MARKER-CHRONOLOGY: moved in with her aunt after a fire at home"
WITHHELD_PAGE = "Withheld: no consent to share"


@dataclass(frozen=True)
class Row:
    needs: str
    method: str = "get"
    api: bool = False
    marker: str = ""  # text shown only when the category in ``needs`` is visible


MATRIX: dict[str, Row] = {
    # --- Browser pages -----------------------------------------------------------------------------
    "children:detail": Row(
        "substance_misuse", marker=SUBSTANCE_NOTE
    ),  # the core, and sensitive flags by consent
    "children:edit": Row("change"),
    "children:identifier-add": Row("change"),
    "children:social-work-status": Row("change"),
    "children:vulnerability-add": Row("change"),
    "children:vulnerability-end": Row("change"),
    "children:characteristics": Row("change"),  # orientation and gender identity only with their category
    "children:family-member-add": Row("change"),
    "children:family-member-edit": Row("change"),
    "children:family-member-remove": Row("change"),
    # One record per child and identity you can trust (R2): a merge needs both records changeable; reading a
    # merge record is open to anyone who sees the child (tests/children/test_merge_pages.py).
    "children:nhs-number": Row("change"),
    "children:merge": Row("change"),
    "children:merge-preview": Row("change"),
    "children:merge-detail": Row("change", method="post"),
    "teams:team": Row("team"),
    "teams:member-add": Row("change"),
    "teams:member-end": Row("change"),
    "teams:member-offer": Row("change"),
    "invites:create": Row("change"),
    "invites:revoke": Row("change", method="post"),
    "teams:trusted-worker": Row("change"),
    "teams:direct-contact": Row("change"),
    "teams:lead-appoint": Row("change"),
    "teams:lead-hand-over": Row("change"),
    "teams:trusted-worker-hand-over": Row("change"),
    "teams:meeting-record": Row("change"),
    "teams:meeting-detail": Row("plans", marker=MEETING_PLACE),
    "teams:action-add": Row("change"),
    "teams:action-complete": Row("change"),  # or the action's owner
    "consent:child-consent": Row("view"),
    "consent:consent-record": Row("change"),
    "consent:consent-withdraw": Row("change"),
    "consent:competence-assess": Row("change"),
    "consent:review-complete": Row("change"),
    "consent:override-open": Row("view"),
    "consent:override-review": Row("change"),  # a safeguarding lead, never the person who opened it
    "consent:override-told": Row("change"),  # or the person who opened it, or a safeguarding lead
    "consent:disclosures": Row("view"),
    "consent:parent-withholding-add": Row("change"),
    "consent:parent-withholding-end": Row("change", method="post"),
    "consent:objection-add": Row("change"),
    "consent:objection-end": Row("change", method="post"),
    "appointments:list": Row("appointments", marker=APPOINTMENT_PLACE),
    "appointments:book": Row("record"),
    "appointments:outcome": Row("appointment"),  # recording another's: the lead, or who may change the record
    "appointments:follow-up": Row("appointment"),  # completing it: the assignee, or who may change the record
    # Tried, could not reach them: the same people as completing it (a withheld follow-up is a 404).
    "appointments:follow-up-attempt": Row("appointment", method="post"),
    # Referrals: anyone who can see the child may refer; reading them is the referrals category (the
    # referrer and the receiving service hold it by a referral grant); deciding is the receiving service's.
    "referrals:child-referrals": Row("referrals", marker=REFERRAL_NEEDS),
    "referrals:referral-create": Row("view"),
    "referrals:referral-detail": Row("referrals", marker=REFERRAL_NEEDS),
    "referrals:referral-letter": Row("referrals"),
    "referrals:referral-triage": Row("change"),  # receiving service staff
    "referrals:referral-accept": Row("change"),  # receiving service staff
    "referrals:referral-decline": Row("change"),  # receiving service staff
    "referrals:referral-senior-review": Row("change"),  # its team manager or clinical lead
    "referrals:referral-clock": Row("change"),  # receiving service staff
    "referrals:waiting-contact": Row("change"),  # receiving service staff
    "referrals:waiting-contact-attempt": Row(
        "change"
    ),  # receiving service staff: tried, could not reach them
    "passport:child-passport": Row("view"),  # "no passport yet", or the passport with unshared parts hidden
    "passport:passport-start": Row("view", method="post"),  # someone in the team, or who may change it
    "passport:passport-print": Row("passport"),
    "passport:proposal-create": Row("passport"),
    "passport:proposal-withdraw": Row("passport", method="post"),
    # The chronology: anyone who may see the child opens it; each entry follows its source's category (or is
    # withheld, saying why: tests/chronology/test_visibility.py), the significant events the chronology's.
    "chronology:chronology": Row("chronology", marker=SIGNIFICANT_EVENT),
    "chronology:significant-event-add": Row("change"),
    # --- API ------------------------------------------------------------------------------------------
    "children-api:detail": Row("substance_misuse", api=True, marker=SUBSTANCE_NOTE),
    "children-api:identifiers": Row("change", method="post", api=True),
    "children-api:social-work-statuses": Row("change", method="post", api=True),
    "children-api:vulnerabilities": Row("change", method="post", api=True),
    "children-api:family-members": Row("change", method="post", api=True),
    "children-api:protected-characteristics": Row("change", method="patch", api=True),
    "children-api:nhs-number-status": Row("change", method="post", api=True),
    "children-api:merges": Row("change", method="post", api=True),
    "children-api:merge-preview": Row("change", method="post", api=True),
    "children-api:merge-reverse": Row("change", method="post", api=True),
    "teams-api:team": Row("team", api=True),
    "teams-api:members": Row("change", method="post", api=True),
    "teams-api:member-end": Row("change", method="post", api=True),
    "teams-api:member-trusted-worker": Row("change", method="post", api=True),
    "teams-api:member-direct-contact": Row("change", method="post", api=True),
    "teams-api:lead-professional": Row("change", method="post", api=True),
    "teams-api:lead-professional-hand-over": Row("change", method="post", api=True),
    "teams-api:trusted-worker-hand-over": Row("change", method="post", api=True),
    "teams-api:meetings": Row("plans", api=True, marker=MEETING_PLACE),
    "teams-api:meeting": Row("plans", api=True, marker=MEETING_PLACE),
    "teams-api:actions": Row("plans", api=True),
    "teams-api:action-complete": Row("change", method="post", api=True),  # or the action's owner
    "caseload-api:information": Row("plans", api=True, marker=MEETING_PLACE),  # every category, or withheld
    "consent-api:consents": Row("view", api=True),
    "consent-api:consent-withdraw": Row("change", method="post", api=True),
    "consent-api:competence-assessments": Row("view", api=True),
    "consent-api:safeguarding-overrides": Row("view", method="post", api=True),
    "consent-api:safeguarding-override-review": Row("change", method="post", api=True),  # safeguarding leads
    "consent-api:disclosures": Row("view", api=True),
    "consent-api:consent-reviews": Row("view", api=True),
    "consent-api:consent-review-complete": Row("change", method="post", api=True),
    "consent-api:safeguarding-override-told": Row("change", method="post", api=True),
    "consent-api:parent-withholdings": Row("view", api=True),
    "consent-api:parent-withholding-end": Row("change", method="post", api=True),
    "consent-api:coordination-objections": Row("view", api=True),
    "consent-api:coordination-objection-end": Row("change", method="post", api=True),
    "appointments-api:appointments": Row("appointments", api=True, marker=APPOINTMENT_PLACE),
    "appointments-api:appointment": Row("appointments", api=True, marker=APPOINTMENT_PLACE),
    "appointments-api:appointment-outcome": Row("appointment", method="post", api=True),
    "appointments-api:follow-ups": Row("appointments", api=True),
    "appointments-api:follow-up-complete": Row("appointment", method="post", api=True),
    "appointments-api:follow-up-attempt": Row("appointment", method="post", api=True),
    "referrals-api:referrals": Row("referrals", api=True, marker=REFERRAL_NEEDS),  # POST: anyone who sees
    "referrals-api:referral": Row("referrals", api=True, marker=REFERRAL_NEEDS),
    "referrals-api:referral-triage": Row("change", method="post", api=True),  # receiving service staff
    "referrals-api:referral-accept": Row("change", method="post", api=True),
    "referrals-api:referral-decline": Row("change", method="post", api=True),
    "referrals-api:referral-senior-review": Row("change", method="post", api=True),
    "referrals-api:referral-clock": Row("change", method="post", api=True),
    "referrals-api:waiting-contacts": Row("referrals", api=True),
    "passport-api:child-passport": Row("passport", api=True),
    "passport-api:child-proposals": Row("passport", api=True),
    "passport-api:child-proposal-withdraw": Row("passport", method="post", api=True),
    "chronology-api:chronology": Row("chronology", api=True, marker=SIGNIFICANT_EVENT),  # POST: "change"
}

# Routes that take a public id but are not about a child (a person's own notification).
NOT_ABOUT_A_CHILD = {"notifications:read"}


def _child_routes() -> set[str]:
    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + str(pattern.pattern), namespace + pattern.name

    return {name for route, name in walk(get_resolver()) if "public_id" in route} - NOT_ABOUT_A_CHILD


def test_every_child_route_has_a_row():
    assert _child_routes() - set(MATRIX) == set(), "add a row to MATRIX for each new route about a child"
    assert set(MATRIX) - _child_routes() == set(), "remove rows for routes that no longer exist"


# --- The world the matrix runs in -------------------------------------------------------------------


@pytest.fixture
def world(lead_professional, child, social_care):
    """A child with a lead professional, a member who may only look, a sensitive flag and a meeting."""
    child.created_by_organisation = social_care
    child.save()
    lead = team_member_add(actor=lead_professional, child=child, kind="professional", user=lead_professional)
    lead_professional_appoint(actor=lead_professional, membership=lead, route="social_care")
    share_with(child, lead_professional, "plans", "substance_misuse")
    member = ProfessionalFactory(username="member", organisation__role="camhs-clinician")
    membership = team_member_add(actor=lead_professional, child=child, kind="professional", user=member)
    flag = vulnerability_flag_add(
        actor=lead_professional,
        child=child,
        type=vulnerability_type("substance-misuse"),
        source="the young person",
        identified_on=datetime.date(2026, 9, 1),
        note=SUBSTANCE_NOTE,
    )
    family_member = child.family_members.create(
        name="Grace Okafor", relationship="mother", has_parental_responsibility=True
    )
    meeting = meeting_record(
        actor=lead_professional,
        child=child,
        kind="network",
        held_at=timezone.now() - datetime.timedelta(days=1),
        location=MEETING_PLACE,
        young_person_views="I want to keep seeing Cara.",
    )
    action = action_add(
        actor=lead_professional,
        child=child,
        description="Call school",
        owner=lead_professional,
        due_on=timezone.localdate(),
    )
    consent = Consent.objects.filter(child=child).first()
    override = safeguarding_override_open(
        actor=lead_professional,
        child=child,
        lawful_basis="child_protection_enquiry",
        justification="Section 47 enquiry after a disclosure at school today.",
        categories=["plans"],
    )
    from apps.consent.models import ConsentReview

    review = ConsentReview.objects.create(child=child, reason="placement_change", due_on=timezone.localdate())
    from apps.consent.models import ParentWithholding

    withholding = ParentWithholding.objects.create(
        child=child,
        category="appointments",
        judgement="Asked to go alone",
        recorded_by=lead_professional,
        recorded_on=timezone.localdate(),
    )
    from apps.consent.models import CoordinationObjection

    objection = CoordinationObjection.objects.create(
        child=child,
        category="referrals",
        judgement="Asked that referrals go through her",
        recorded_by=lead_professional,
        recorded_on=timezone.localdate(),
    )
    from apps.appointments.services import appointment_book, appointment_outcome_record

    appointment = appointment_book(
        actor=lead_professional,
        child=child,
        professional=lead_professional,
        purpose="First session",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        location="community_place",
        location_detail=APPOINTMENT_PLACE,
    )
    appointment_outcome_record(actor=lead_professional, appointment=appointment, outcome="was_not_brought")
    from tests.referrals.factories import accepted_referral, camhs_organisation

    camhs = camhs_organisation()
    spa = ProfessionalFactory(username="spa.matrix", organisation=camhs, organisation__role="camhs-clinician")
    referral = accepted_referral(child, lead_professional, camhs, spa, presenting_needs=REFERRAL_NEEDS)
    from apps.chronology.services import significant_event_record

    significant_event_record(
        actor=lead_professional,
        child=child,
        occurred_on=timezone.localdate(),
        what_happened=SIGNIFICANT_EVENT,
        source_organisation=social_care,
    )
    from apps.portal.services import young_person_invite_create

    invite, _token = young_person_invite_create(actor=lead_professional, child=child)
    ids = {
        "invite_id": invite.public_id,
        "public_id": child.public_id,
        "appointment_id": appointment.public_id,
        "follow_up_id": appointment.follow_ups.get().public_id,
        "referral_id": referral.public_id,
        "entry_id": referral.waiting_entry.public_id,
        "membership_id": membership.public_id,
        "meeting_id": meeting.public_id,
        "action_id": action.public_id,
        "consent_id": consent.public_id,
        "review_id": review.public_id,
        "override_id": override.public_id,
        "type_code": flag.type.code,
        "member_id": family_member.public_id,
        "withholding_id": withholding.public_id,
        "objection_id": objection.public_id,
        "section": "about_me",
        "proposal_id": uuid.uuid4(),
        "duplicate_id": uuid.uuid4(),
        "merge_id": uuid.uuid4(),
    }
    return {"child": child, "lead": lead_professional, "member": member, "ids": ids}


def _url(name: str, ids: dict) -> str:
    """The route's URL with the world's ids: the child's, and the one sub-resource id it takes, if any."""
    for keys in (
        ["public_id"],
        ["public_id", "consent_id"],
        ["public_id", "override_id"],
        ["public_id", "membership_id"],
        ["public_id", "meeting_id"],
        ["public_id", "action_id"],
        ["public_id", "consent_id"],
        ["public_id", "review_id"],
        ["public_id", "override_id"],
        ["public_id", "type_code"],
        ["public_id", "member_id"],
        ["public_id", "withholding_id"],
        ["public_id", "objection_id"],
        ["public_id", "appointment_id"],
        ["public_id", "follow_up_id"],
        ["public_id", "referral_id"],
        ["public_id", "entry_id"],
        ["public_id", "section"],
        ["public_id", "proposal_id"],
        ["public_id", "invite_id"],
        ["public_id", "duplicate_id"],
        ["public_id", "merge_id"],
    ):
        try:
            return reverse(name, kwargs={key: ids[key] for key in keys})
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def _call(user: User | None, name: str, ids: dict, client_for_browser):
    row = MATRIX[name]
    url = _url(name, ids)
    if row.api:
        client = APIClient()
        if user:
            client.force_authenticate(user)
        return getattr(client, row.method)(url, {}, format="json")
    client = client_for_browser
    client.logout()
    if user:
        sign_in(client, user)
    return getattr(client, row.method)(url)


ALL = sorted(MATRIX)
READS = sorted(name for name, row in MATRIX.items() if row.method == "get")


@pytest.mark.parametrize("name", ALL)
def test_anonymous_callers_are_sent_to_sign_in(name, world, client):
    response = _call(None, name, world["ids"], client)
    if MATRIX[name].api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert reverse("accounts:sign-in") in response["Location"]


@pytest.mark.parametrize("name", ALL)
def test_no_grant_gives_404(name, world, client, outsider):
    assert _call(outsider, name, world["ids"], client).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.needs == "change"))
def test_a_team_member_who_may_only_look_is_refused_changes(name, world, client):
    assert _call(world["member"], name, world["ids"], client).status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.needs == "record"))
def test_the_team_books_appointments_and_someone_who_may_only_read_the_record_cannot(
    name, world, client, read_only_professional
):
    assert _call(world["member"], name, world["ids"], client).status_code == 200
    assert _call(read_only_professional, name, world["ids"], client).status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.needs == "appointment"))
def test_an_appointment_is_not_found_by_someone_who_neither_holds_it_nor_sees_appointments(
    name, world, client
):
    assert _call(world["member"], name, world["ids"], client).status_code == 404
    if MATRIX[name].method == "get":
        assert _call(world["lead"], name, world["ids"], client).status_code == 200


@pytest.mark.parametrize(
    "name", sorted(n for n, r in MATRIX.items() if r.needs in {"view", "team"} and r.method == "get")
)
def test_the_core_record_and_team_are_open_to_the_team(name, world, client):
    assert _call(world["member"], name, world["ids"], client).status_code == 200


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.marker))
def test_a_category_follows_consent_withdrawal_and_expiry(name, world, client):
    child, member, ids = world["child"], world["member"], world["ids"]
    withheld = _call(member, name, ids, client)
    assert MATRIX[name].marker not in withheld.content.decode()
    # A marker in place of the data (a page or a section), a 403 saying so, or (for one item the person does
    # not hold) a 404; an API list holds only the items the person holds. Never a server error.
    assert withheld.status_code in {200, 403, 404}
    if withheld.status_code == 403 or not MATRIX[name].api:
        assert "withheld" in withheld.content.decode().lower()
    consent = share_with(child, member, MATRIX[name].needs, actor=world["lead"])
    shown = _call(member, name, ids, client)
    assert shown.status_code == 200
    assert MATRIX[name].marker in shown.content.decode()
    consent_withdraw(actor=world["lead"], consent=consent, reason="Changed their mind")
    assert MATRIX[name].marker not in _call(member, name, ids, client).content.decode()
    # A consent that has run out is withheld on the next request, before any sweep has run.
    expiring = share_with(child, member, MATRIX[name].needs, actor=world["lead"])
    Consent.objects.filter(pk=expiring.pk).update(valid_until=timezone.localdate())
    from apps.sharing.services import child_access_resync

    child_access_resync(child=child)
    assert MATRIX[name].marker in _call(member, name, ids, client).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, hours=1)):
        assert MATRIX[name].marker not in _call(member, name, ids, client).content.decode()


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.marker))
def test_an_override_shows_the_category_logs_it_and_alerts_the_safeguarding_lead(
    name, world, client, social_care
):
    lead_of_safeguarding = ProfessionalFactory(
        organisation=social_care, organisation__role="safeguarding-lead"
    )
    member = world["member"]
    safeguarding_override_open(
        actor=member,
        child=world["child"],
        lawful_basis="risk_of_serious_harm",
        justification="Serious risk reported by the police out of hours tonight.",
        categories=[MATRIX[name].needs],
    )
    response = _call(member, name, world["ids"], client)
    assert response.status_code == 200
    assert MATRIX[name].marker in response.content.decode()
    assert Disclosure.objects.filter(viewer=member, basis=Disclosure.Basis.SAFEGUARDING).exists()
    assert Notification.objects.filter(
        recipient=lead_of_safeguarding, kind=Notification.Kind.OVERRIDE
    ).exists()


def test_the_child_page_shows_the_core_and_withholds_a_sensitive_category(world, client):
    member = world["member"]
    page = _call(member, "children:detail", world["ids"], client).content.decode()
    assert SUBSTANCE_NOTE not in page
    assert WITHHELD_PAGE in page
    share_with(world["child"], member, "substance_misuse", actor=world["lead"])
    assert SUBSTANCE_NOTE in _call(member, "children:detail", world["ids"], client).content.decode()


def test_a_sensitive_category_is_never_shown_to_a_parent_or_carer(world, client):
    carer = UserFactory(kind=User.Kind.PARENT_CARER, username="foster.carer")
    share_with(world["child"], carer, "core", "substance_misuse", actor=world["lead"])
    from apps.children.models import Child

    assert Child.objects.restrict(carer, "view_child").filter(pk=world["child"].pk).exists()
    assert not Child.objects.restrict(carer, "view_child_substance_misuse").exists()


def test_each_read_from_another_organisation_is_disclosed(world, client):
    member = world["member"]
    _call(member, "children:detail", world["ids"], client)
    _call(member, "children-api:detail", world["ids"], client)
    interfaces = set(Disclosure.objects.filter(viewer=member).values_list("interface", flat=True))
    assert interfaces == {"browser", "api"}


def test_child_ids_never_cross_to_another_child(world, client, lead_professional, settings):
    """Granted on A, asking for B: 404, even with B's sub-resource ids in A's URL."""
    settings.BEACON_REFUSED_LIMIT = 1000  # Every route refused on purpose: not a probe to slow down.
    other = ChildFactory()
    ids = {**world["ids"], "public_id": other.public_id}
    for name in READS:
        assert _call(lead_professional, name, ids, client).status_code == 404, name
