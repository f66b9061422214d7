"""The demo data: synthetic, realistic caseloads, loaded through the real services, safe to load twice."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.children.models import Child, FamilyMember, SocialWorkInvolvement, VulnerabilityFlag
from apps.core.management.commands.load_demo_data import DEFAULT_FIXTURE
from apps.core.nhs_number import validate_nhs_number
from apps.sharing.models import AccessGrant

pytestmark = pytest.mark.django_db

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
}


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
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def visible(username: str, perm: str = "view_child"):
    return Child.objects.restrict(User.objects.get(username=username), perm)


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
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    def test_loading_creates_forty_children_and_the_nine_personas(self):
        assert Child.objects.count() == 40
        assert set(User.objects.values_list("username", flat=True)) == PERSONAS

    def test_every_persona_signs_in_with_the_demo_password(self):
        for user in User.objects.all():
            assert user.check_password("beacon-demo-2026"), user.username

    def test_lead_social_worker_sees_a_caseload_of_about_twenty(self):
        assert 18 <= visible("lead.sw").count() <= 22
        assert visible("lead.sw", "change_child").count() == visible("lead.sw").count()

    def test_outsider_sees_no_child(self):
        assert not visible("outsider").exists()

    def test_iro_sees_the_looked_after_children_but_cannot_change_them(self):
        looked_after = Child.objects.filter(
            social_work_history__ended_on__isnull=True,
            social_work_history__status=SocialWorkInvolvement.Status.LOOKED_AFTER,
        )
        assert set(visible("iro")) == set(looked_after)
        assert not visible("iro", "change_child").exists()

    def test_young_person_is_linked_to_a_child_aged_sixteen(self):
        child = User.objects.get(username="young.person").child_record
        assert age_on(child.date_of_birth, timezone.localdate()) == 16

    def test_every_nhs_number_is_valid_and_from_the_test_range(self):
        numbers = list(Child.objects.values_list("nhs_number", flat=True))
        assert len(numbers) == 40
        for number in numbers:
            assert number.startswith("999"), number
            validate_nhs_number(number)

    def test_children_are_created_through_the_services_with_creator_grants_and_audit_rows(self):
        for child in Child.objects.all():
            assert AccessGrant.objects.filter(
                child=child, user=child.created_by, basis=AccessGrant.Basis.CREATOR
            ).exists()
            assert AuditEvent.objects.filter(child=child, action=AuditEvent.Action.CREATE).exists()
        team_grants = AccessGrant.objects.filter(basis=AccessGrant.Basis.ADMINISTRATOR)
        assert team_grants.exists()
        assert set(team_grants.values_list("reason", flat=True)) == {"Demo data: team member"}

    def test_loading_twice_changes_nothing(self):
        before = counts()
        output = io.StringIO()
        call_command("load_demo_data", "--force", stdout=output)
        assert counts() == before
        assert "nothing changed" in output.getvalue()


@pytest.mark.parametrize("today", ["2027-03-01", "2028-02-29"])
def test_ages_come_out_the_same_whatever_day_the_data_is_loaded(settings, today):
    settings.DEBUG = True
    day = datetime.date.fromisoformat(today)
    with time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False
    ):
        call_command("load_demo_data", stdout=io.StringIO())
    fixture = json.loads(DEFAULT_FIXTURE.read_text())
    wanted = {record["nhs_number"]: record["age_years"] for record in fixture["children"]}
    ages = {child.nhs_number: age_on(child.date_of_birth, day) for child in Child.objects.all()}
    assert ages == wanted
    assert min(ages.values()) == 3
    assert max(ages.values()) == 19


def test_refuses_to_load_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not Child.objects.exists()
    assert not User.objects.exists()


def test_loads_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    call_command("load_demo_data", "--force", stdout=io.StringIO())
    assert Child.objects.count() == 40
