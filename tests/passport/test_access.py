"""A professional's access to each section follows the young person's choices exactly (R84).

Including straight after a revoke, on and after an end date, and whatever the consent register,
a safeguarding override or an administrator's grant says about the rest of the record.
"""

import datetime
import itertools

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import OrganisationMembership
from apps.audit.models import AuditEvent
from apps.children.categories import Category
from apps.consent.services import safeguarding_override_open
from apps.core.exceptions import ApplicationError
from apps.passport.models import PassportRead, PassportShare, Section
from apps.passport.selectors import (
    access_passport,
    passport_open,
    passport_preview,
    passport_sections_visible_to,
    passport_shares,
    passports_shared_with,
)
from apps.passport.services import (
    passport_recipient_revoke,
    passport_section_write,
    passport_share,
    passport_share_revoke,
)
from apps.teams.models import TeamMembership
from apps.teams.services import team_member_add, team_member_end
from tests.factories import OrganisationFactory, ProfessionalFactory, UserFactory, share_with

pytestmark = pytest.mark.django_db

ALL_SECTIONS = frozenset(Section.values)


@pytest.fixture
def written(passport, young_person):
    """Every section written by Sam, with a marker so a test can tell what reached the page."""
    for section in Section:
        passport_section_write(
            actor=young_person, passport=passport, section=section.value, text=f"MARKER-{section.value}"
        )
    return passport


def _visible(viewer, passport):
    return passport_sections_visible_to(viewer=viewer, passport=passport)


# Every pair of sections, and one at a time: the professional sees exactly what was chosen, no more.
CHOICES = [frozenset({s}) for s in Section.values] + [
    frozenset(pair) for pair in itertools.combinations(Section.values[:4], 2)
]


@pytest.mark.parametrize("chosen", CHOICES, ids=lambda c: "+".join(sorted(c)))
def test_a_team_professional_sees_exactly_the_sections_shared_with_them(
    written, young_person, clinician, lead_on_team, chosen
):
    passport_share(actor=young_person, passport=written, sections=chosen, recipient_user=clinician)
    assert _visible(clinician, written) == chosen
    shown = {view.section: view.text for view in passport_open(viewer=clinician, passport=written)}
    assert {s for s, text in shown.items() if text} == chosen
    assert all(shown[s] == f"MARKER-{s}" for s in chosen)
    assert all(shown[s] == "" for s in ALL_SECTIONS - chosen)
    # Someone else in the same team sees nothing: a share is per person.
    assert _visible(lead_on_team, written) == frozenset()


def test_a_revoke_takes_effect_on_the_very_next_read(written, young_person, clinician):
    shares = passport_share(
        actor=young_person, passport=written, sections=["about_me", "crisis_plan"], recipient_user=clinician
    )
    assert _visible(clinician, written) == {"about_me", "crisis_plan"}
    crisis = next(share for share in shares if share.section == "crisis_plan")
    passport_share_revoke(actor=young_person, share=crisis)
    assert _visible(clinician, written) == {"about_me"}
    views = {view.section: view for view in passport_open(viewer=clinician, passport=written)}
    assert views["crisis_plan"].text == ""
    assert not views["crisis_plan"].visible
    passport_recipient_revoke(actor=young_person, passport=written, recipient_user=clinician)
    assert _visible(clinician, written) == frozenset()


def test_revoking_twice_says_so_and_changes_nothing(written, young_person, clinician):
    [share] = passport_share(
        actor=young_person, passport=written, sections=["about_me"], recipient_user=clinician
    )
    passport_share_revoke(actor=young_person, share=share)
    revoked_at = PassportShare.objects.get(pk=share.pk).revoked_at
    with pytest.raises(ApplicationError, match="already stopped"):
        passport_share_revoke(actor=young_person, share=share)
    assert PassportShare.objects.get(pk=share.pk).revoked_at == revoked_at


def test_a_share_lasts_to_the_end_of_its_end_date(written, young_person, clinician):
    today = timezone.localdate()
    passport_share(
        actor=young_person,
        passport=written,
        sections=["my_goals"],
        recipient_user=clinician,
        ends_on=today + datetime.timedelta(days=3),
    )
    last_day = datetime.datetime.combine(
        today + datetime.timedelta(days=3), datetime.time(21), tzinfo=datetime.UTC
    )
    with time_machine.travel(last_day):
        assert _visible(clinician, written) == {"my_goals"}
    with time_machine.travel(last_day + datetime.timedelta(days=1)):
        assert _visible(clinician, written) == frozenset()


def test_full_consent_to_the_record_does_not_open_the_passport(written, clinician, lead_on_team, child):
    """R71/R84: the consent register and the passport are separate."""
    share_with(child, clinician, *Category.values, actor=lead_on_team)
    safeguarding_override_open(
        actor=clinician,
        child=child,
        lawful_basis="risk_of_serious_harm",
        justification="Serious risk reported by the police out of hours tonight.",
        categories=list(Category.values),
    )
    assert _visible(clinician, written) == frozenset()
    assert all(
        not view.visible and view.text == "" for view in passport_open(viewer=clinician, passport=written)
    )


def test_a_consented_professional_outside_the_team_may_open_the_page_but_reads_nothing(
    written, child, lead_on_team
):
    consented = ProfessionalFactory()
    share_with(child, consented, "core", actor=lead_on_team)
    assert access_passport(viewer=consented, child_public_id=child.public_id) == written
    assert _visible(consented, written) == frozenset()


def test_an_outsider_cannot_find_the_passport(written, outsider, child):
    with pytest.raises(Http404):
        access_passport(viewer=outsider, child_public_id=child.public_id)


def test_an_organisation_share_reaches_its_current_staff_only(written, young_person, child):
    school = OrganisationFactory(name="Synthetic Academy")
    teacher = ProfessionalFactory(organisation=school)
    leaver = ProfessionalFactory(organisation=school)
    OrganisationMembership.objects.filter(user=leaver).update(ended_on=timezone.localdate())
    elsewhere = ProfessionalFactory()
    passport_share(
        actor=young_person, passport=written, sections=["communication"], recipient_organisation=school
    )
    assert _visible(teacher, written) == {"communication"}
    assert _visible(leaver, written) == frozenset()
    assert _visible(elsewhere, written) == frozenset()
    # Not on the team and no access to the record: the share alone lets the teacher open it and find it.
    assert access_passport(viewer=teacher, child_public_id=child.public_id) == written
    assert passports_shared_with(viewer=teacher) == [(written, frozenset({"communication"}))]
    assert passports_shared_with(viewer=elsewhere) == []


def test_a_person_share_stops_when_they_leave_the_team(written, young_person, clinician, lead_on_team, child):
    passport_share(actor=young_person, passport=written, sections=["about_me"], recipient_user=clinician)
    membership = TeamMembership.objects.get(child=child, user=clinician, ended_on__isnull=True)
    team_member_end(actor=lead_on_team, membership=membership)
    assert _visible(clinician, written) == frozenset()
    team_member_add(actor=lead_on_team, child=child, kind="professional", user=clinician)
    assert _visible(clinician, written) == {"about_me"}


def test_a_deactivated_professional_sees_nothing(written, young_person, clinician):
    passport_share(actor=young_person, passport=written, sections=["about_me"], recipient_user=clinician)
    clinician.is_active = False
    clinician.save()
    assert _visible(clinician, written) == frozenset()


@pytest.mark.parametrize("kind", ["young_person", "parent_carer"])
def test_sharing_with_someone_who_is_not_a_professional_is_refused(written, young_person, kind):
    with pytest.raises(ApplicationError, match="only share your passport with a professional") as error:
        passport_share(
            actor=young_person, passport=written, sections=["about_me"], recipient_user=UserFactory(kind=kind)
        )
    assert error.value.field == "recipient_user"
    assert not PassportShare.objects.exists()


def test_sharing_by_name_with_a_professional_outside_the_team_is_refused(written, young_person, outsider):
    with pytest.raises(ApplicationError, match="not in your team") as error:
        passport_share(actor=young_person, passport=written, sections=["about_me"], recipient_user=outsider)
    assert error.value.field == "recipient_user"
    assert not PassportShare.objects.exists()


def test_an_end_date_in_the_past_is_refused(written, young_person, clinician):
    with pytest.raises(ApplicationError, match="end date is in the past") as error:
        passport_share(
            actor=young_person,
            passport=written,
            sections=["about_me", "my_goals"],
            recipient_user=clinician,
            ends_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert error.value.field == "ends_on"
    assert not PassportShare.objects.exists()
    assert _visible(clinician, written) == frozenset()


def test_a_share_names_one_recipient_and_real_sections(written, young_person, clinician):
    with pytest.raises(ApplicationError, match="Choose one person"):
        passport_share(
            actor=young_person,
            passport=written,
            sections=["about_me"],
            recipient_user=clinician,
            recipient_organisation=OrganisationFactory(),
        )
    with pytest.raises(ApplicationError, match="Unknown section"):
        passport_share(
            actor=young_person, passport=written, sections=["about_me", "bank"], recipient_user=clinician
        )
    with pytest.raises(ApplicationError, match="at least one section"):
        passport_share(actor=young_person, passport=written, sections=[], recipient_user=clinician)
    assert not PassportShare.objects.exists()


def test_sharing_again_replaces_the_open_share_and_keeps_the_history(written, young_person, clinician):
    passport_share(actor=young_person, passport=written, sections=["about_me"], recipient_user=clinician)
    later = timezone.localdate() + datetime.timedelta(days=30)
    passport_share(
        actor=young_person, passport=written, sections=["about_me"], recipient_user=clinician, ends_on=later
    )
    assert [share.ends_on for share in passport_shares(passport=written)] == [later]
    assert passport_shares(passport=written, include_ended=True).count() == 2


def test_the_preview_shows_exactly_what_the_person_will_see(written, young_person, clinician, lead_on_team):
    passport_share(
        actor=young_person, passport=written, sections=["about_me", "my_goals"], recipient_user=clinician
    )
    preview = passport_preview(owner=young_person, passport=written, viewer=clinician)
    reads_before = PassportRead.objects.count()
    assert [(v.section, v.visible, v.text) for v in preview] == [
        (v.section, v.visible, v.text) for v in passport_open(viewer=clinician, passport=written)
    ]
    assert [v.section for v in preview if v.visible] == ["about_me", "my_goals"]
    # A preview is not a read: only the real read above was logged.
    assert PassportRead.objects.count() == reads_before + 1
    assert not any(
        v.visible for v in passport_preview(owner=young_person, passport=written, viewer=lead_on_team)
    )


def test_the_preview_of_an_organisation(written, young_person):
    school = OrganisationFactory()
    passport_share(
        actor=young_person, passport=written, sections=["communication"], recipient_organisation=school
    )
    preview = passport_preview(owner=young_person, passport=written, organisation=school)
    assert [v.text for v in preview if v.visible] == ["MARKER-communication"]


def test_only_the_owner_can_preview(written, clinician):
    with pytest.raises(Http404):
        passport_preview(owner=clinician, passport=written, viewer=clinician)


def test_each_read_is_logged_for_the_young_person_and_audited(written, young_person, clinician):
    passport_share(actor=young_person, passport=written, sections=["about_me"], recipient_user=clinician)
    passport_open(viewer=clinician, passport=written, printed=True)
    read = PassportRead.objects.get(passport=written)
    assert (read.viewer, read.sections, read.printed) == (clinician, ["about_me"], True)
    assert read.viewer_organisation.name == "Synthetic CAMHS"
    event = AuditEvent.objects.filter(actor=clinician, action="view", target_type="passport.passport").get()
    assert event.detail["sections"] == ["about_me"]
    # The audit row holds section names, never the words.
    assert "MARKER" not in str(event.detail)


def test_the_shared_with_me_list_takes_the_same_queries_however_long(
    written, young_person, django_assert_max_num_queries
):
    from apps.passport.services import passport_create
    from tests.factories import ChildFactory, YoungPersonUserFactory

    school = OrganisationFactory()
    teacher = ProfessionalFactory(organisation=school)
    passport_share(actor=young_person, passport=written, sections=["about_me"], recipient_organisation=school)
    with django_assert_max_num_queries(3):
        assert len(passports_shared_with(viewer=teacher)) == 1
    for _ in range(3):
        other = ChildFactory(account=YoungPersonUserFactory())
        passport = passport_create(actor=other.account, child=other)
        passport_share(
            actor=other.account, passport=passport, sections=["my_goals"], recipient_organisation=school
        )
    with django_assert_max_num_queries(3):
        assert len(passports_shared_with(viewer=teacher)) == 4
