"""The passport's owner, its versions and proposals, moving with the young person and deletion (R83, R87)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.passport.models import (
    ImmutableRowError,
    Passport,
    PassportProposal,
    PassportRead,
    PassportShare,
    PassportVersion,
)
from apps.passport.selectors import (
    passport_current,
    passport_current_versions,
    passport_open,
    passport_owner_view,
    passport_proposal_is_outdated,
    passport_section_history,
    passport_sections_visible_to,
)
from apps.passport.services import (
    passport_change_propose,
    passport_create,
    passport_delete,
    passport_owner_hand_over,
    passport_proposal_accept,
    passport_proposal_reject,
    passport_proposal_withdraw,
    passport_section_write,
    passport_share,
    passport_share_with_new_team,
)
from apps.teams.models import TeamMembership
from apps.teams.services import team_member_end
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    UserFactory,
    YoungPersonUserFactory,
)

pytestmark = pytest.mark.django_db


def _propose(passport, professional, text, section="about_me", reason="We talked about this today"):
    return passport_change_propose(
        actor=professional, passport=passport, section=section, text=text, reason=reason
    )


# --- Starting a passport -------------------------------------------------------------------------------


def test_a_team_professional_starts_the_passport_owned_by_the_young_person(child, young_person, lead_on_team):
    passport = passport_create(actor=lead_on_team, child=child)
    assert passport.owner == young_person
    assert passport.created_with == lead_on_team
    assert AuditEvent.objects.filter(target_id=str(passport.public_id), action="create").exists()


def test_the_young_person_can_start_their_own_passport(child, young_person):
    passport = passport_create(actor=young_person, child=child)
    assert passport.owner == young_person
    assert passport.created_with is None


def test_a_professional_outside_the_team_cannot_start_a_passport(child, young_person, outsider):
    with pytest.raises(NotPermitted):
        passport_create(actor=outsider, child=child)
    assert not Passport.objects.exists()


def test_a_young_person_without_an_account_needs_an_invite_first(child, lead_on_team):
    with pytest.raises(ApplicationError, match="no Beacon account yet") as error:
        passport_create(actor=lead_on_team, child=child)
    assert error.value.field == "owner"
    assert not Passport.objects.exists()


def test_a_young_person_has_one_current_passport(passport, child, lead_on_team):
    with pytest.raises(ApplicationError, match="already has a passport"):
        passport_create(actor=lead_on_team, child=child)
    assert Passport.objects.count() == 1


def test_a_parent_holds_the_passport_of_a_young_child(lead_professional):
    from apps.teams.services import team_member_add

    young_child = ChildFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 7))
    team_member_add(actor=lead_professional, child=young_child, kind="professional", user=lead_professional)
    # The lead is on the team: joining gives her access to the record too, by the real path.
    mother = FamilyMemberFactory(child=young_child, name="Ada Parent")
    parent_account = UserFactory(kind="parent_carer")
    passport = passport_create(
        actor=lead_professional, child=young_child, owner=parent_account, owner_family_member=mother
    )
    assert passport.owner == parent_account
    assert passport.owner_family_member == mother


def test_a_parent_cannot_hold_the_passport_of_a_young_person_who_can_decide(child, lead_on_team):
    child.date_of_birth = timezone.localdate() - datetime.timedelta(days=365 * 17)
    child.save()
    mother = FamilyMemberFactory(child=child)
    with pytest.raises(ApplicationError, match="can decide for themselves"):
        passport_create(
            actor=lead_on_team,
            child=child,
            owner=UserFactory(kind="parent_carer"),
            owner_family_member=mother,
        )
    assert not Passport.objects.exists()


def test_a_relative_without_parental_responsibility_cannot_hold_it(lead_professional):
    from apps.teams.services import team_member_add

    young_child = ChildFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 6))
    team_member_add(actor=lead_professional, child=young_child, kind="professional", user=lead_professional)
    aunt = FamilyMemberFactory(
        child=young_child, relationship="other_relative", has_parental_responsibility=False
    )
    with pytest.raises(ApplicationError, match="does not have parental responsibility"):
        passport_create(
            actor=lead_professional,
            child=young_child,
            owner=UserFactory(kind="parent_carer"),
            owner_family_member=aunt,
        )


def test_a_professional_can_never_own_a_passport(child, lead_on_team, clinician):
    with pytest.raises(ApplicationError, match="not to a professional"):
        passport_create(actor=lead_on_team, child=child, owner=clinician)


def test_the_parent_hands_the_passport_to_the_young_person(lead_professional):
    from apps.teams.services import team_member_add

    young_child = ChildFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 9))
    team_member_add(actor=lead_professional, child=young_child, kind="professional", user=lead_professional)
    parent_account = UserFactory(kind="parent_carer")
    passport = passport_create(
        actor=lead_professional,
        child=young_child,
        owner=parent_account,
        owner_family_member=FamilyMemberFactory(child=young_child),
    )
    with pytest.raises(ApplicationError, match="needs their own Beacon account"):
        passport_owner_hand_over(actor=parent_account, passport=passport)
    young_child.account = YoungPersonUserFactory()
    young_child.save()
    passport_owner_hand_over(actor=parent_account, passport=passport)
    passport.refresh_from_db()
    assert passport.owner == young_child.account
    with pytest.raises(NotPermitted):
        passport_section_write(actor=parent_account, passport=passport, section="about_me", text="I am")


# --- Versions -------------------------------------------------------------------------------------------


def test_every_version_the_owner_writes_is_kept(passport, young_person):
    first = passport_section_write(
        actor=young_person, passport=passport, section="about_me", text="I am Sam."
    )
    second = passport_section_write(
        actor=young_person, passport=passport, section="about_me", text="I am Sam. I like drawing."
    )
    history = list(passport_section_history(passport=passport, section="about_me"))
    assert [(v.number, v.text) for v in history] == [(2, "I am Sam. I like drawing."), (1, "I am Sam.")]
    assert first.author == second.author == young_person
    assert passport_current_versions(passport=passport)["about_me"] == second
    owner_view = {view.section: view for view in passport_owner_view(passport=passport)}
    assert owner_view["about_me"].text == "I am Sam. I like drawing."
    assert not owner_view["crisis_plan"].is_written


def test_versions_are_numbered_per_section(passport, young_person):
    passport_section_write(actor=young_person, passport=passport, section="about_me", text="I am Sam.")
    goals = passport_section_write(
        actor=young_person, passport=passport, section="my_goals", text="Go to college"
    )
    assert goals.number == 1


def test_a_version_can_never_be_changed(passport, young_person):
    version = passport_section_write(
        actor=young_person, passport=passport, section="about_me", text="I am Sam."
    )
    version.text = "Something else"
    with pytest.raises(ImmutableRowError):
        version.save()
    with pytest.raises(ImmutableRowError):
        PassportVersion.objects.filter(pk=version.pk).update(text="Something else")
    assert PassportVersion.objects.get(pk=version.pk).text == "I am Sam."


def test_writing_the_same_words_again_is_refused(passport, young_person):
    passport_section_write(actor=young_person, passport=passport, section="about_me", text="I am Sam.")
    with pytest.raises(ApplicationError, match="nothing has changed"):
        passport_section_write(actor=young_person, passport=passport, section="about_me", text=" I am Sam. ")
    assert PassportVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("section", "text", "field"),
    [("about_me", "   ", "text"), ("about_me", "x" * 5001, "text"), ("favourite_food", "Pizza", "section")],
)
def test_bad_section_writes_say_what_to_fix(passport, young_person, section, text, field):
    with pytest.raises(ApplicationError) as error:
        passport_section_write(actor=young_person, passport=passport, section=section, text=text)
    assert error.value.field == field
    assert not PassportVersion.objects.exists()


def test_professionals_cannot_write_a_section_directly(passport, lead_on_team):
    with pytest.raises(NotPermitted, match="not your passport"):
        passport_section_write(actor=lead_on_team, passport=passport, section="about_me", text="Sam is ...")
    assert not PassportVersion.objects.exists()


def test_another_young_person_cannot_edit_or_share_this_passport(passport, lead_on_team):
    someone_else = YoungPersonUserFactory()
    with pytest.raises(NotPermitted):
        passport_section_write(actor=someone_else, passport=passport, section="about_me", text="Hacked")
    with pytest.raises(NotPermitted):
        passport_share(
            actor=someone_else, passport=passport, sections=["about_me"], recipient_user=lead_on_team
        )
    with pytest.raises(NotPermitted):
        passport_delete(actor=someone_else, passport=passport, confirm=True)
    assert not PassportVersion.objects.exists()
    assert not PassportShare.objects.exists()
    assert passport_current(child=passport.child) == passport


# --- Proposals -------------------------------------------------------------------------------------------


def test_an_accepted_proposal_becomes_a_version_in_the_professionals_words(passport, young_person, clinician):
    passport_section_write(actor=young_person, passport=passport, section="what_helps", text="Music helps.")
    proposal = _propose(passport, clinician, "Music helps. Loud rooms do not.", section="what_helps")
    assert proposal.status == PassportProposal.Status.PENDING
    # Nothing changes until the owner decides.
    assert passport_current_versions(passport=passport)["what_helps"].text == "Music helps."
    version = passport_proposal_accept(actor=young_person, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == PassportProposal.Status.ACCEPTED
    assert proposal.decided_by == young_person
    assert (version.number, version.text, version.author, version.accepted_by) == (
        2,
        "Music helps. Loud rooms do not.",
        clinician,
        young_person,
    )
    assert version.from_proposal == proposal
    history = [v.text for v in passport_section_history(passport=passport, section="what_helps")]
    assert history == ["Music helps. Loud rooms do not.", "Music helps."]


def test_a_rejected_proposal_changes_nothing_and_is_kept(passport, young_person, clinician):
    passport_section_write(actor=young_person, passport=passport, section="my_goals", text="Go to college.")
    proposal = _propose(passport, clinician, "Get a job.", section="my_goals")
    passport_proposal_reject(actor=young_person, proposal=proposal, note="That is not my goal")
    proposal.refresh_from_db()
    assert proposal.status == PassportProposal.Status.REJECTED
    assert proposal.decision_note == "That is not my goal"
    assert [v.text for v in passport_section_history(passport=passport, section="my_goals")] == [
        "Go to college."
    ]


def test_a_proposal_can_be_decided_once(passport, young_person, clinician):
    proposal = _propose(passport, clinician, "I like football.")
    passport_proposal_reject(actor=young_person, proposal=proposal)
    with pytest.raises(ApplicationError, match="already been decided"):
        passport_proposal_accept(actor=young_person, proposal=proposal)
    assert not PassportVersion.objects.exists()


def test_a_proposal_against_an_older_version_is_flagged(passport, young_person, clinician):
    passport_section_write(actor=young_person, passport=passport, section="about_me", text="I am Sam.")
    proposal = _propose(passport, clinician, "I am Sam and I am 14.")
    passport_section_write(
        actor=young_person, passport=passport, section="about_me", text="I am Sam, I'm 14."
    )
    assert passport_proposal_is_outdated(proposal=proposal)
    with pytest.raises(ApplicationError, match="before the section last changed") as error:
        passport_proposal_accept(actor=young_person, proposal=proposal)
    assert error.value.field == "confirm_outdated"
    assert PassportVersion.objects.count() == 2
    version = passport_proposal_accept(actor=young_person, proposal=proposal, confirm_outdated=True)
    assert version.number == 3


def test_only_the_owner_decides_on_proposals(passport, clinician, lead_on_team):
    proposal = _propose(passport, clinician, "I like football.")
    with pytest.raises(NotPermitted):
        passport_proposal_accept(actor=lead_on_team, proposal=proposal)
    with pytest.raises(NotPermitted):
        passport_proposal_reject(actor=YoungPersonUserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == PassportProposal.Status.PENDING


def test_the_proposer_may_withdraw_a_pending_proposal(passport, clinician, lead_on_team):
    proposal = _propose(passport, clinician, "I like football.")
    with pytest.raises(NotPermitted):
        passport_proposal_withdraw(actor=lead_on_team, proposal=proposal)
    passport_proposal_withdraw(actor=clinician, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == PassportProposal.Status.WITHDRAWN


def test_a_professional_who_cannot_see_the_young_person_cannot_propose(passport, outsider):
    with pytest.raises(NotPermitted):
        _propose(passport, outsider, "I like football.")
    assert not PassportProposal.objects.exists()


def test_a_proposal_says_why(passport, clinician):
    with pytest.raises(ApplicationError, match="Say why") as error:
        _propose(passport, clinician, "I like football.", reason=" ")
    assert error.value.field == "reason"
    assert not PassportProposal.objects.exists()


def test_the_owner_does_not_propose_to_themselves(passport, young_person):
    with pytest.raises(ApplicationError, match="change the section directly"):
        _propose(passport, young_person, "I like football.")


# --- Moving with the young person, outliving the case, deletion ----------------------------------------


def test_one_step_shares_what_is_already_shared_with_the_new_team(passport, young_person, clinician):
    passport_section_write(actor=young_person, passport=passport, section="about_me", text="I am Sam.")
    passport_section_write(actor=young_person, passport=passport, section="my_story", text="Private.")
    passport_share(
        actor=young_person, passport=passport, sections=["about_me", "my_goals"], recipient_user=clinician
    )
    adult_services = OrganisationFactory(name="Synthetic Adult Mental Health Service")
    new_worker = ProfessionalFactory(organisation=adult_services)
    assert passport_sections_visible_to(viewer=new_worker, passport=passport) == frozenset()
    shares = passport_share_with_new_team(
        actor=young_person, passport=passport, organisation=adult_services, reason="Moving to adult services"
    )
    assert sorted(share.section for share in shares) == ["about_me", "my_goals"]
    # Not on the team yet, and no access to the case record: the passport still reaches them.
    assert passport_sections_visible_to(viewer=new_worker, passport=passport) == {"about_me", "my_goals"}


def test_moving_with_nothing_shared_asks_which_sections(passport, young_person):
    with pytest.raises(ApplicationError, match="Choose the sections") as error:
        passport_share_with_new_team(
            actor=young_person, passport=passport, organisation=OrganisationFactory()
        )
    assert error.value.field == "sections"
    assert not PassportShare.objects.exists()


def test_the_passport_outlives_the_team_and_the_18th_birthday(passport, young_person, lead_on_team, child):
    passport_section_write(actor=young_person, passport=passport, section="about_me", text="I am Sam.")
    adult_services = OrganisationFactory()
    passport_share(
        actor=young_person, passport=passport, sections=["about_me"], recipient_organisation=adult_services
    )
    for membership in TeamMembership.objects.filter(child=child):
        team_member_end(actor=lead_on_team, membership=membership)
    eighteenth = child.date_of_birth.replace(year=child.date_of_birth.year + 18)
    with time_machine.travel(datetime.datetime.combine(eighteenth, datetime.time(12), tzinfo=datetime.UTC)):
        assert passport_current(child=child) == passport
        worker = ProfessionalFactory(organisation=adult_services)
        assert passport_sections_visible_to(viewer=worker, passport=passport) == {"about_me"}
        passport_section_write(
            actor=young_person, passport=passport, section="about_me", text="I am Sam, 18."
        )


def test_only_the_owner_deletes_and_only_when_they_confirm(passport, young_person, lead_on_team, clinician):
    passport_section_write(actor=young_person, passport=passport, section="about_me", text="I am Sam.")
    passport_share(actor=young_person, passport=passport, sections=["about_me"], recipient_user=clinician)
    _propose(passport, clinician, "I am Sam and I like football.")
    passport_open(viewer=clinician, passport=passport)
    with pytest.raises(NotPermitted):
        passport_delete(actor=lead_on_team, passport=passport, confirm=True)
    with pytest.raises(ApplicationError, match="Confirm") as error:
        passport_delete(actor=young_person, passport=passport, confirm=False)
    assert error.value.field == "confirm"
    assert PassportVersion.objects.count() == 1

    passport_delete(actor=young_person, passport=passport, confirm=True)
    passport.refresh_from_db()
    assert passport.deleted_at is not None
    assert passport.deleted_by == young_person
    # The words are gone; the bare row and the audit trail stay.
    for model in (PassportVersion, PassportProposal, PassportShare, PassportRead):
        assert not model.objects.filter(passport=passport).exists()
    assert AuditEvent.objects.filter(target_id=str(passport.public_id), action="create").exists()
    assert passport_current(child=passport.child) is None
    assert passport_sections_visible_to(viewer=clinician, passport=passport) == frozenset()
    with pytest.raises(ApplicationError, match="deleted"):
        passport_section_write(actor=young_person, passport=passport, section="about_me", text="Again")
    # A new passport can be started afterwards.
    assert passport_create(actor=young_person, child=passport.child).pk != passport.pk


def test_the_owner_is_told_of_a_suggestion_and_the_proposer_of_the_answer(passport, young_person, clinician):
    from apps.notifications.models import Notification

    proposal = _propose(passport, clinician, "I like football.")
    told = Notification.objects.get(recipient=young_person, kind=Notification.Kind.PASSPORT_PROPOSAL)
    assert told.subject == "Cara Clinician suggested a change to your passport: About me"
    assert "I like football" not in told.subject + told.body  # the words stay behind the sign-in
    passport_proposal_reject(actor=young_person, proposal=proposal)
    answer = Notification.objects.get(recipient=clinician, kind=Notification.Kind.PASSPORT_DECISION)
    assert answer.subject == "Sam Okafor did not accept your suggestion for About me"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writes_at_the_same_moment_both_become_versions(passport, young_person):
    """Two devices save the same section at once, on two PostgreSQL connections: both are kept, in turn."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    errors = []

    def write(text):
        try:
            barrier.wait(timeout=10)
            passport_section_write(actor=young_person, passport=passport, section="about_me", text=text)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # Each thread has its own connection; close it before the test ends.

    threads = [threading.Thread(target=write, args=(text,)) for text in ("I am Sam.", "I'm Sam.")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    numbers = sorted(PassportVersion.objects.filter(passport=passport).values_list("number", flat=True))
    assert numbers == [1, 2]
