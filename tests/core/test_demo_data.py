"""The demo data: synthetic caseloads and teams, loaded through the real services, safe to load twice."""

import datetime
import io
import json
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.caseload.consent_gaps import GapKind
from apps.caseload.selectors import caseload
from apps.children.categories import PERMISSION, SENSITIVE, Category
from apps.children.models import (
    Child,
    FamilyMember,
    ProtectedCharacteristics,
    SocialWorkInvolvement,
    VulnerabilityFlag,
)
from apps.consent.models import (
    CompetenceAssessment,
    Consent,
    ConsentCategory,
    ConsentReview,
    SafeguardingOverride,
)
from apps.consent.selectors import PRESUMED_COMPETENT_AGE
from apps.core.nhs_number import validate_nhs_number
from apps.demo.loader import DEFAULT_FIXTURE, birth_date
from apps.notifications.models import Notification
from apps.passport.models import Passport, PassportProposal, PassportShare, PassportVersion
from apps.passport.selectors import passport_sections_visible_to
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant, ChildUserObjectPermission
from apps.teams.models import (
    Action,
    Handover,
    LeadProfessionalAppointment,
    Meeting,
    MeetingParticipant,
    TeamMembership,
)
from apps.teams.selectors import (
    child_continuity,
    children_without_lead_professional,
    lead_professional_caseload_sizes,
    lead_professional_children,
)

# Loading the demo takes seconds: it is loaded once per run, for the class below, whose tests stay together
# on one pytest-xdist worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-data")]

PERSONAS = {
    "lead.sw",
    "camhs.clinician",
    "school.dt",
    "yot.worker",
    "outsider",
    "iro",
    "safeguarding.lead",
    "young.person",
    "admin",
    "camhs.lead",
}
# Synthetic staff who have left: they stay in the history of the teams they were in, and cannot sign in.
FORMER_STAFF = {"former.sw1", "former.sw2"}
# Ofcom's ranges for drama: 0113 496 0000-0999 and 07700 900000-900999.
PHONE_NUMBER = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")
DRAMA_RANGE = re.compile(r"^(0113 496 0\d{3}|07700 900\d{3})$")


def age_on(date_of_birth: datetime.date, today: datetime.date) -> int:
    return (
        today.year
        - date_of_birth.year
        - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    )


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for a class of read-only tests and rolled back after them.

    Loading takes a couple of seconds; each test still runs in its own savepoint inside this transaction.
    Forced, with DEBUG off as in production (the test settings'), which is how a demo server loads it.
    """
    assert not django_settings.DEBUG
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def person(username: str) -> User:
    return User.objects.get(username=username)


def visible(username: str, perm: str = "view_child"):
    return Child.objects.restrict(person(username), perm)


def records():
    """The demo's children: not the tombstone of the duplicate record merged into Tyler's."""
    return Child.objects.filter(merged_into__isnull=True)


def counts() -> dict[str, int]:
    models = [
        Organisation,
        OrganisationMembership,
        User,
        Child,
        SocialWorkInvolvement,
        VulnerabilityFlag,
        FamilyMember,
        AccessGrant,
        AuditEvent,
        TeamMembership,
        LeadProfessionalAppointment,
        Handover,
        Meeting,
        MeetingParticipant,
        Action,
        Notification,
        CompetenceAssessment,
        Consent,
        ConsentCategory,
        SafeguardingOverride,
        ConsentReview,
        ChildUserObjectPermission,
        Passport,
        PassportVersion,
        PassportProposal,
        PassportShare,
        ProtectedCharacteristics,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    def test_loading_creates_forty_children_the_ten_personas_and_two_former_staff(self):
        # Forty children, and one duplicate record merged into Tyler's (its tombstone).
        assert Child.objects.filter(merged_into__isnull=True).count() == 40
        assert Child.objects.filter(merged_into__isnull=False).count() == 1
        assert set(User.objects.filter(is_active=True).values_list("username", flat=True)) == PERSONAS
        assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == FORMER_STAFF

    def test_every_persona_signs_in_with_the_demo_password(self):
        for user in User.objects.filter(is_active=True):
            assert user.check_password("beacon-demo-2026"), user.username

    def test_every_professional_persona_has_the_published_authenticator_secret(self):
        from base64 import b32decode

        from django_otp.plugins.otp_totp.models import TOTPDevice

        published = b32decode("BEACONDEMOTOTPSECRETFORDEMOSONLY").hex()  # As in the README.
        for user in User.objects.filter(is_active=True, kind=User.Kind.PROFESSIONAL):
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert device.key == published, user.username
        assert not TOTPDevice.objects.filter(user__kind=User.Kind.YOUNG_PERSON).exists()

    def test_demo_code_prints_a_code_the_personas_sign_in_with(self):
        from io import StringIO

        from django.core.management import call_command
        from django_otp import match_token

        out = StringIO()
        call_command("demo_code", stdout=out, stderr=StringIO())

        assert match_token(User.objects.get(username="lead.sw"), out.getvalue().strip()) is not None

    def test_kay_sees_her_team_in_her_own_words_on_her_portal(self, client):
        from django.urls import reverse

        from tests.auth import sign_in

        sign_in(client, person("young.person"))
        page = client.get(reverse("portal:team")).content.decode()
        assert "We meet every Thursday after school to talk about how things are going." in page
        assert "Your lead professional" in page
        assert "Brierley" not in page  # first names only

    def test_lead_social_worker_sees_a_caseload_of_about_twenty(self):
        assert 18 <= visible("lead.sw").count() <= 22
        # She may change every child she sees, except the one she sees through a safeguarding override.
        overridden = SafeguardingOverride.objects.filter(opened_by__username="lead.sw").values("child")
        assert set(visible("lead.sw", "change_child")) == set(visible("lead.sw").exclude(pk__in=overridden))

    def test_outsider_sees_no_child(self):
        assert not visible("outsider").exists()
        assert not TeamMembership.objects.filter(user__username="outsider").exists()

    def test_former_staff_see_nothing_and_stay_in_the_history(self):
        for username in FORMER_STAFF:
            assert not visible(username).exists()
            memberships = TeamMembership.objects.filter(user__username=username)
            assert memberships.exists()
            assert not memberships.current().exists()

    def test_iro_sees_the_looked_after_children_but_cannot_change_them(self):
        looked_after = Child.objects.filter(
            social_work_history__ended_on__isnull=True,
            social_work_history__status=SocialWorkInvolvement.Status.LOOKED_AFTER,
        )
        assert set(visible("iro")) == set(looked_after)
        assert not visible("iro", "change_child").exists()
        # Independent of the team: an administrator's view-only grant, not a membership.
        assert not TeamMembership.objects.filter(user__username="iro").exists()
        grants = AccessGrant.objects.filter(user__username="iro", revoked_at__isnull=True)
        assert set(grants.values_list("basis", "can_change")) == {(AccessGrant.Basis.ADMINISTRATOR, False)}

    def test_ages_come_out_as_the_fixture_gives_them(self):
        fixture = json.loads(DEFAULT_FIXTURE.read_text())
        wanted = {record["nhs_number"]: record["age_years"] for record in fixture["children"]}
        today = timezone.localdate()
        assert {child.nhs_number: age_on(child.date_of_birth, today) for child in records()} == wanted
        assert (min(wanted.values()), max(wanted.values())) == (3, 19)

    def test_young_person_is_linked_to_a_child_aged_sixteen(self):
        child = User.objects.get(username="young.person").child_record
        assert age_on(child.date_of_birth, timezone.localdate()) == 16

    def test_every_nhs_number_is_valid_and_from_the_test_range(self):
        numbers = list(records().values_list("nhs_number", flat=True))
        assert len(numbers) == 40
        for number in numbers:
            assert number.startswith("999"), number
            validate_nhs_number(number)

    def test_children_are_created_through_the_services_with_creator_grants_and_audit_rows(self):
        for child in records():
            assert AccessGrant.objects.filter(
                child=child, user=child.created_by, basis=AccessGrant.Basis.CREATOR
            ).exists()
            assert AuditEvent.objects.filter(child=child, action=AuditEvent.Action.CREATE).exists()

    def test_team_members_see_children_through_their_membership(self):
        team_grants = AccessGrant.objects.filter(basis=AccessGrant.Basis.TEAM_MEMBER, revoked_at__isnull=True)
        assert team_grants.count() == TeamMembership.objects.current().filter(user__isnull=False).count()
        for grant in team_grants.select_related("membership"):
            assert grant.membership.child_id == grant.child_id
            assert grant.membership.user_id == grant.user_id
        # Administrators grant view only, for a stated reason, to people outside the team.
        fixture = json.loads(DEFAULT_FIXTURE.read_text())
        administrator_grants = AccessGrant.objects.filter(basis=AccessGrant.Basis.ADMINISTRATOR)
        assert set(administrator_grants.values_list("reason", flat=True)) == set(
            fixture["view_only_reasons"].values()
        )
        assert not administrator_grants.filter(can_change=True).exists()

    def test_every_child_has_a_team_with_caregivers_and_trusted_adults_among_them(self):
        assert not records().filter(team_memberships__isnull=True).exists()
        caregivers = TeamMembership.objects.filter(kind=TeamMembership.Kind.CAREGIVER)
        assert set(caregivers.values_list("caregiver_role", flat=True)) >= {
            TeamMembership.CaregiverRole.FOSTER_CARER,
            TeamMembership.CaregiverRole.KINSHIP_CARER,
            TeamMembership.CaregiverRole.RESIDENTIAL_KEY_WORKER,
        }
        trusted_adults = TeamMembership.objects.filter(kind=TeamMembership.Kind.TRUSTED_ADULT)
        assert trusted_adults.count() >= 5
        for member in [*caregivers, *trusted_adults]:
            assert member.user_id is None
            assert member.person_name
            assert member.offering
            assert member.contact_details

    def test_phone_numbers_come_from_the_ranges_kept_for_drama(self):
        for contact in TeamMembership.objects.values_list("contact_details", flat=True):
            for number in PHONE_NUMBER.findall(contact):
                assert DRAMA_RANGE.match(number), contact

    def test_lead_social_worker_leads_about_fifteen_children_and_sees_them_on_her_caseload(self):
        lead_sw = person("lead.sw")
        leading = set(lead_professional_children(user=lead_sw))
        assert 13 <= len(leading) <= 17
        rows = caseload(user=lead_sw)
        assert {row.child for row in rows} == leading
        assert sum(1 for row in rows if row.child.overdue_action_count) >= 3
        assert sum(1 for row in rows if row.child.next_meeting_at) >= 3
        routes = LeadProfessionalAppointment.objects.filter(membership__user=lead_sw, ended_on__isnull=True)
        assert set(routes.values_list("route", flat=True)) <= {
            LeadProfessionalAppointment.Route.SOCIAL_CARE,
            LeadProfessionalAppointment.Route.TEAM_AROUND_CHILD,
        }

    def test_youth_justice_and_camhs_each_lead_two(self):
        for username, route in [
            ("yot.worker", LeadProfessionalAppointment.Route.YOUTH_JUSTICE),
            ("camhs.clinician", LeadProfessionalAppointment.Route.CARE_PROGRAMME_APPROACH),
        ]:
            current = LeadProfessionalAppointment.objects.filter(
                membership__user__username=username, ended_on__isnull=True
            )
            assert list(current.values_list("route", flat=True)) == [route, route], username

    def test_actions_are_overdue_due_soon_or_done_and_owned_by_team_members(self):
        today = timezone.localdate()
        open_actions = Action.objects.open()
        assert open_actions.filter(due_on__lt=today).count() >= 5
        assert open_actions.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=2)).exists()
        assert Action.objects.filter(completed_on__isnull=False).count() >= 5
        for action in open_actions:
            assert TeamMembership.objects.current().filter(child=action.child, user=action.owner).exists()
        owners = list(open_actions.values_list("owner__username", flat=True))
        assert max(set(owners), key=owners.count) == "lead.sw"

    def test_past_meetings_carry_the_young_persons_views_and_some_are_planned(self):
        now = timezone.now()
        past = Meeting.objects.filter(held_at__lt=now)
        assert past.count() >= 10
        for meeting in past:
            assert meeting.young_person_views or meeting.young_person_views_not_given_reason
            assert meeting.participants.filter(attended=True).exists()
        planned = Meeting.objects.filter(held_at__gte=now, held_at__lte=now + datetime.timedelta(weeks=4))
        assert planned.count() >= 3
        assert not MeetingParticipant.objects.filter(meeting__in=planned, attended=True).exists()

    def test_some_children_with_two_services_have_no_lead_professional_for_the_manager_to_see(self):
        admin = person("admin")
        assert (
            OrganisationMembership.objects.current()
            .filter(
                user=admin,
                role__code="team-manager",
                organisation__name__startswith="Northbrook Borough Council",
            )
            .exists()
        )
        without_lead = list(children_without_lead_professional(user=admin))
        assert len(without_lead) >= 2
        assert all(child.services_involved >= 2 for child in without_lead)
        assert not visible("admin", "change_child").exists()
        sizes = {user.username: user.lead_for for user in lead_professional_caseload_sizes(user=admin)}
        assert sizes["lead.sw"] == lead_professional_children(user=person("lead.sw")).count()

    def test_a_lead_professional_handover_from_camhs_to_the_social_worker(self):
        handover = Handover.objects.get(role=Handover.Role.LEAD_PROFESSIONAL)
        assert handover.from_membership.user.username == "camhs.clinician"
        assert handover.to_membership.user.username == "lead.sw"
        assert handover.note
        history = LeadProfessionalAppointment.objects.filter(child=handover.child)
        assert history.count() == 2
        assert history.get(ended_on__isnull=True).membership == handover.to_membership
        # The successor is asked to tell the young person and family in person, and is told they took over.
        assert handover.actions.get().owner.username == "lead.sw"
        assert Notification.objects.filter(recipient=handover.to_membership.user, kind="handover").exists()

    def test_one_child_has_had_three_social_workers_in_a_year(self):
        counts = [child_continuity(child=child).social_workers for child in Child.objects.all()]
        assert max(counts) >= 3
        assert Notification.objects.filter(recipient=person("admin"), kind="continuity").exists()

    def test_team_around_the_worker(self):
        trusted = TeamMembership.objects.current().filter(is_trusted_worker=True)
        assert 1 <= trusted.count() <= 3
        for worker in trusted:
            others = TeamMembership.objects.current().filter(child=worker.child).exclude(pk=worker.pk)
            for member in others.filter(has_direct_contact=True):
                assert member.direct_contact_reason, member
        assert (
            TeamMembership.objects.current()
            .filter(child__in=trusted.values("child"), has_direct_contact=True)
            .exclude(direct_contact_reason="")
            .exists()
        )

    def test_consents_are_given_by_whoever_may_give_them(self):
        consents = Consent.objects.select_related("child", "parent", "competence_assessment")
        assert consents.count() >= 40
        assert consents.filter(grantor=Consent.Grantor.YOUNG_PERSON).count() >= 5
        assert consents.filter(grantor=Consent.Grantor.PARENT).count() >= 20
        for consent in consents:
            child = consent.child
            if consent.grantor == Consent.Grantor.YOUNG_PERSON:
                # 16 or over, or under 16 and assessed competent before consenting.
                assessment = consent.competence_assessment
                assert age_on(child.date_of_birth, consent.valid_from) >= PRESUMED_COMPETENT_AGE or (
                    assessment is not None
                    and assessment.outcome == CompetenceAssessment.Outcome.COMPETENT
                    and assessment.assessed_on <= consent.valid_from
                ), child
            else:
                assert consent.grantor == Consent.Grantor.PARENT, child
                assert consent.parent.child_id == child.pk, child
                assert consent.parent.has_parental_responsibility, child
                assert age_on(child.date_of_birth, consent.valid_from) < PRESUMED_COMPETENT_AGE, child
            assert consent.purpose, child
            assert consent.evidence, child
            assert "{" not in consent.evidence, child
            assert consent.valid_from < timezone.localdate(), child

    def test_two_or_three_young_people_under_sixteen_were_assessed_competent(self):
        competent = CompetenceAssessment.objects.filter(outcome=CompetenceAssessment.Outcome.COMPETENT)
        assert 2 <= competent.count() <= 3
        assert set(competent.values_list("assessor__username", flat=True)) <= {"camhs.clinician", "lead.sw"}
        for assessment in competent.select_related("child"):
            assert 13 <= age_on(assessment.child.date_of_birth, assessment.assessed_on) <= 15
            assert assessment.decision
            assert assessment.notes
            assert assessment.child.consents.filter(grantor=Consent.Grantor.YOUNG_PERSON).exists()

    def test_lead_social_worker_sees_the_plans_for_most_of_her_caseload(self):
        caseload_children = visible("lead.sw")
        with_plans = caseload_children.filter(pk__in=visible("lead.sw", "view_child_plans"))
        assert with_plans.count() >= 0.8 * caseload_children.count()
        # ... but not for all: a withdrawn consent, and a child whose family has not been asked yet.
        assert with_plans.count() < caseload_children.count()

    def test_sensitive_categories_are_shared_one_by_one_with_a_named_professional(self):
        sensitive = ConsentCategory.objects.filter(category__in=SENSITIVE).select_related("consent")
        assert 2 <= sensitive.count() <= 5
        for row in sensitive:
            assert row.consent.recipient_kind == Consent.RecipientKind.PERSON
            assert row.consent.categories.count() == 1
        shared = {(row.consent.recipient_user.username, row.category) for row in sensitive}
        assert ("camhs.clinician", Category.SUBSTANCE_MISUSE) in shared
        assert ("lead.sw", Category.SEXUAL_HEALTH) in shared
        maya = Child.objects.get(consents__categories__category=Category.SEXUAL_HEALTH)
        assert maya.vulnerability_flags.filter(type__code="cse").exists()
        assert visible("lead.sw", PERMISSION[Category.SEXUAL_HEALTH]).filter(pk=maya.pk).exists()
        assert not visible("iro", PERMISSION[Category.SEXUAL_HEALTH]).filter(pk=maya.pk).exists()

    def test_some_team_members_cannot_see_a_sensitive_flag_on_a_child_they_work_with(self):
        withheld = set()
        flags = VulnerabilityFlag.objects.filter(
            ended_on__isnull=True, type__category__in=SENSITIVE
        ).select_related("child", "type")
        for flag in flags:
            for membership in TeamMembership.objects.current().filter(child=flag.child, user__isnull=False):
                user = membership.user
                sees_child = Child.objects.restrict(user).filter(pk=flag.child_id).exists()
                sees_flag = (
                    Child.objects.restrict(user, PERMISSION[flag.type.category])
                    .filter(pk=flag.child_id)
                    .exists()
                )
                assert sees_child
                if not sees_flag:
                    withheld.add((user.username, flag.type.category))
        assert len(withheld) >= 3
        assert ("lead.sw", Category.GANG_INVOLVEMENT) in withheld  # Kieran's: shared with youth justice only.

    def test_one_consent_withdrawn_and_one_ending_soon(self):
        withdrawn = Consent.objects.get(withdrawn_at__isnull=False)
        assert withdrawn.withdrawn_reason
        assert withdrawn.withdrawn_by.username == "lead.sw"
        # Assessments came by consent alone; plans she still sees as the child's lead professional.
        assert not visible("lead.sw", "view_child_assessments").filter(pk=withdrawn.child_id).exists()
        ending = Consent.objects.get(valid_until__isnull=False)
        assert ending.valid_until == timezone.localdate() + datetime.timedelta(days=10)
        assert visible("lead.sw", "view_child_plans").filter(pk=ending.child_id).exists()

    def test_kay_consents_for_herself_and_keeps_her_assessments_from_school(self):
        kay = person("young.person").child_record
        consents = Consent.objects.filter(child=kay)
        assert set(consents.values_list("grantor", flat=True)) == {Consent.Grantor.YOUNG_PERSON}
        council = consents.get(recipient_organisation=person("lead.sw").memberships.get().organisation)
        assert {"plans", "assessments"} <= set(council.categories.values_list("category", flat=True))
        assert visible("lead.sw", "view_child_assessments").filter(pk=kay.pk).exists()
        assert visible("school.dt", "view_child_plans").filter(pk=kay.pk).exists()
        assert not visible("school.dt", "view_child_assessments").filter(pk=kay.pk).exists()

    def test_each_role_lands_on_a_home_with_work_on_it(self, client):
        """Issue 14: the safeguarding lead, clinical lead, IRO, designated teacher and team manager each
        start from their own work queue, and it is not empty."""
        from django.urls import reverse

        from tests.auth import sign_in

        homes = {
            "safeguarding.lead": ("caseload:home-safeguarding", "Jayden"),
            "camhs.lead": ("caseload:home-declines", "Destiny"),
            "iro": ("caseload:home-looked-after", "Ruby"),
            "school.dt": ("caseload:home-pupils", "Oscar"),
        }
        for username, (url_name, marker) in homes.items():
            client.logout()
            sign_in(client, person(username))
            assert client.get(reverse("caseload:home"))["Location"] == reverse(url_name)
            assert marker in client.get(reverse(url_name)).content.decode()
        # Daniel manages the council's team and, the council having no safeguarding lead, the routing rule
        # gave him the review of Jayden's override: two homes, so he chooses, and each has his work on it.
        client.logout()
        sign_in(client, person("admin"))
        chooser = client.get(reverse("caseload:home")).content.decode()
        assert reverse("caseload:home-team") in chooser
        assert reverse("caseload:home-safeguarding") in chooser
        assert "Hannah Brierley" in client.get(reverse("caseload:home-team")).content.decode()
        assert "Jayden" in client.get(reverse("caseload:home-safeguarding")).content.decode()
        client.logout()
        sign_in(client, person("school.dt"))  # she referred Oscar
        assert "Oscar" in client.get(reverse("caseload:home-referrals")).content.decode()

    def test_an_override_waits_for_the_safeguarding_leads_review(self):
        override = SafeguardingOverride.objects.get(child__given_name="Jayden")
        assert override.opened_by.username == "lead.sw"
        assert override.reviewed_at is None

    def test_a_safeguarding_override_by_the_social_worker_reviewed_by_the_safeguarding_lead(self):
        override = SafeguardingOverride.objects.get(child__given_name="Anaya")
        assert override.opened_by.username == "lead.sw"
        assert override.lawful_basis == SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY
        assert override.reviewed_by.username == "safeguarding.lead"
        assert override.review_outcome == SafeguardingOverride.ReviewOutcome.UPHELD
        assert override.review_note
        # Routed (apps.notifications.routing): Hannah's council has no safeguarding lead, so its team manager
        # was asked; the review is done (by the record holder's safeguarding lead), so his alert has cleared.
        alert = Notification.objects.get(
            kind=Notification.Kind.OVERRIDE, dedupe_key__startswith=f"override:{override.pk}:"
        )
        assert alert.recipient.username == "admin"
        assert alert.cleared_at is not None
        assert visible("lead.sw", "view_child_assessments").filter(pk=override.child_id).exists()
        assert not TeamMembership.objects.filter(child=override.child, user__username="lead.sw").exists()

    def test_referrals_a_consultation_became_one_one_declined_with_alternatives_and_children_wait(self):
        from apps.referrals.models import Referral
        from apps.referrals.selectors import (
            senior_review_queue,
            triage_queue,
            waiting_list,
            waiting_list_rows,
        )

        converted = Referral.objects.get(consultation__isnull=False)
        assert converted.consultation.outcome == "formal_referral"
        assert converted.consultation.child == converted.child
        declined = Referral.objects.get(status=Referral.Status.DECLINED)
        assert declined.alternatives.count() == 2
        assert Notification.objects.filter(
            kind=Notification.Kind.REFERRAL_DECLINED, child=declined.child
        ).exists()
        assert [r.decline_reason for r in senior_review_queue(user=person("camhs.lead"))] == [
            "unstable_placement"
        ]
        clinician = person("camhs.clinician")
        waiting = waiting_list_rows(user=clinician, entries=waiting_list(user=clinician))
        assert len(waiting) == 3
        assert sum(row.contact_overdue for row in waiting) == 2
        queue = triage_queue(user=person("camhs.clinician"))
        assert queue[0].urgency == "urgent"  # Risk first.

    def test_kay_shares_her_passport_differently_with_her_social_worker_and_her_therapist(self):
        passport = Passport.objects.get(child=person("young.person").child_record)
        assert passport.owner.username == "young.person"
        social_worker = passport_sections_visible_to(viewer=person("lead.sw"), passport=passport)
        therapist = passport_sections_visible_to(viewer=person("camhs.clinician"), passport=passport)
        assert "my_story" in therapist - social_worker
        assert "crisis_plan" in therapist - social_worker
        assert "meeting_preferences" in social_worker - therapist
        # Her school sees what she shares with it as an organisation; an outsider sees nothing.
        assert passport_sections_visible_to(viewer=person("school.dt"), passport=passport) == {
            "strengths_and_interests",
            "communication",
        }
        assert not passport_sections_visible_to(viewer=person("outsider"), passport=passport)
        statuses = sorted(PassportProposal.objects.filter(passport=passport).values_list("status", flat=True))
        assert statuses == ["accepted", "pending", "rejected"]
        crisis = PassportVersion.objects.filter(passport=passport, section="crisis_plan").first()
        assert (crisis.number, crisis.author.username) == (2, "camhs.clinician")

    def test_some_children_told_us_their_protected_characteristics_some_prefer_not_to_say(self):
        rows = ProtectedCharacteristics.objects.select_related("child")
        assert rows.count() == 6
        assert rows.filter(religion="prefer_not_to_say").count() >= 2
        assert rows.filter(ethnicity="prefer_not_to_say").exists()
        kay = rows.get(child=person("young.person").child_record)
        assert kay.declared_by == kay.sexuality_gender_declared_by == "young_person"
        assert kay.recorded_by == person("young.person")
        # Nobody has Kay's consent to see her sexual orientation: her social worker sees it withheld.
        assert not child_access(user=person("lead.sw"), child=kay.child).sees_text(Category.SEXUALITY_GENDER)

    def test_the_caseloads_show_every_kind_of_consent_gap(self):
        kinds = {
            gap.kind
            for lead in ("lead.sw", "camhs.clinician", "yot.worker")
            for row in caseload(user=person(lead))
            for gap in row.consent_gaps
        }
        assert kinds == set(GapKind)
        oliwer = Child.objects.get(given_name="Oliwer")
        [row] = [row for row in caseload(user=person("lead.sw"), only="consent_gaps") if row.child == oliwer]
        assert GapKind.PARENT_CONSENT_REVIEW_DUE in {gap.kind for gap in row.consent_gaps}

    def test_nhs_numbers_are_mostly_verified_a_request_for_access_waits_and_a_duplicate_was_merged(self):
        from apps.children.models import ChildMerge, NhsNumberStatus
        from apps.teams.models import AccessRequest

        verified = Child.objects.filter(nhs_number_status=NhsNumberStatus.VERIFIED)
        assert 30 <= verified.count() < 40
        assert not verified.filter(nhs_number_verified_by__isnull=True).exists()
        (request,) = AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)
        assert request.requested_by.username == "outsider"
        assert request.child.given_name == "Ellie-Mae"
        merge = ChildMerge.objects.get()
        assert merge.survivor.given_name == "Tyler"
        assert merge.duplicate.given_name == "Tyla"
        assert not Child.objects.restrict(User.objects.get(username="outsider")).exists()

    def test_the_directory_has_one_of_each_kind_and_camhs_what_to_expect_goes_with_its_referrals(self):
        from apps.directory.models import Service, ServiceKind

        services = Service.objects.listed()
        assert {service.kind for service in services} == set(ServiceKind.values)
        camhs = services.get(organisation__name="Northbrook CAMHS")
        assert camhs.what_to_expect_paragraphs
        for service in services:
            if service.phone:
                assert DRAMA_RANGE.match(service.phone), service.phone
        page = reverse("directory:what-to-expect", kwargs={"service_id": camhs.public_id})
        # The demo's CAMHS referrals tell the family, in what they read, where to find it.
        from apps.referrals.models import Referral
        from apps.referrals.services import family_message

        waiting = Referral.objects.filter(
            receiving_organisation=camhs.organisation, status="accepted"
        ).first()
        assert waiting is not None
        assert page in family_message(referral=waiting)

    def test_loading_twice_changes_nothing(self):
        before = counts()
        output = io.StringIO()
        call_command("load_demo_data", "--force", stdout=output)
        assert counts() == before
        assert "nothing changed" in output.getvalue()


@pytest.mark.parametrize("today", ["2027-03-01", "2028-02-29"])
def test_ages_come_out_the_same_whatever_day_the_data_is_loaded(today):
    """The loader dates each birth with ``birth_date`` from the day it runs (the class above checks the
    load itself); on these days, a month end after 29 February and a leap day, every age still holds."""
    day = datetime.date.fromisoformat(today)
    fixture = json.loads(DEFAULT_FIXTURE.read_text())
    for record in fixture["children"]:
        born = birth_date(
            today=day, age_years=record["age_years"], days_since_birthday=record["days_since_birthday"]
        )
        assert age_on(born, day) == record["age_years"], record["nhs_number"]


def test_refuses_to_load_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not Child.objects.exists()
    assert not User.objects.exists()
