"""The access rule: nobody sees a child by default; grants give access; removing the last reason ends it."""

import pytest

from apps.children.models import Child
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant, child_access_revoke
from tests.factories import ChildFactory, ProfessionalFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db


def test_no_professional_sees_any_child_by_default(outsider):
    ChildFactory.create_batch(3)
    assert list(Child.objects.restrict(outsider, "view_child")) == []


def test_superusers_get_no_bypass():
    admin = ProfessionalFactory(is_superuser=True, is_staff=True)
    ChildFactory()
    assert Child.objects.restrict(admin, "view_child").count() == 0


def test_a_grant_shows_the_child_and_only_that_child(lead_professional, child):
    ChildFactory()
    assert list(Child.objects.restrict(lead_professional, "view_child")) == [child]
    assert list(Child.objects.restrict(lead_professional, "change_child")) == [child]


def test_read_only_grant_gives_view_but_not_change(read_only_professional, child):
    assert list(Child.objects.restrict(read_only_professional, "view_child")) == [child]
    assert list(Child.objects.restrict(read_only_professional, "change_child")) == []


def test_revoking_one_reason_keeps_access_another_reason_justifies(lead_professional, child):
    admin_grant = child_access_grant(
        child=child,
        user=lead_professional,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        reason="Covering for a colleague.",
    )
    child_access_revoke(grant=admin_grant, revoked_by=None)
    assert Child.objects.restrict(lead_professional, "view_child").filter(pk=child.pk).exists()

    creator_grant = AccessGrant.objects.get(
        child=child, user=lead_professional, basis=AccessGrant.Basis.CREATOR
    )
    child_access_revoke(grant=creator_grant, revoked_by=None)
    assert not Child.objects.restrict(lead_professional, "view_child").exists()


def test_young_people_cannot_be_given_access_to_case_records(child):
    from apps.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        child_access_grant(
            child=child,
            user=YoungPersonUserFactory(),
            basis=AccessGrant.Basis.ADMINISTRATOR,
            granted_by=None,
            reason="test",
        )


def test_an_administrator_grant_needs_a_reason(child, outsider):
    from apps.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as error:
        child_access_grant(child=child, user=outsider, basis=AccessGrant.Basis.ADMINISTRATOR, granted_by=None)
    assert error.value.field == "reason"
    assert not AccessGrant.objects.filter(user=outsider).exists()


def test_inactive_user_sees_nothing(lead_professional, child):
    lead_professional.is_active = False
    assert not Child.objects.restrict(lead_professional, "view_child").exists()


def test_granting_the_same_access_twice_records_it_once(lead_professional, child):
    from apps.audit.models import AuditEvent

    before = AuditEvent.objects.filter(action=AuditEvent.Action.GRANT).count()
    child_access_grant(child=child, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GRANT).count() == before
    assert AccessGrant.objects.filter(child=child, user=lead_professional).count() == 1
