"""Administrators grant access in the admin, through the sharing services, without seeing children's names."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.children.models import Child
from apps.children.verification import child_nhs_number_status_record
from apps.sharing.models import AccessGrant
from tests.auth import sign_in
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    sign_in(client, ProfessionalFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_an_administrator_grants_access_by_nhs_number_with_a_reason(
    admin_client, child, outsider, lead_professional
):
    # Only a verified NHS number finds a record (an unverified one: tests/children/test_nhs_number.py).
    child_nhs_number_status_record(
        actor=lead_professional, child=child, status="verified", verified_on=timezone.localdate()
    )
    spaced = f"{child.nhs_number[:3]} {child.nhs_number[3:6]} {child.nhs_number[6:]}"
    response = admin_client.post(
        reverse("admin:sharing_accessgrant_add"),
        {
            "child_reference": spaced,
            "user": outsider.pk,
            "can_change": "",
            "reason": "Joining the network meeting.",
        },
    )
    assert response.status_code == 302
    assert list(Child.objects.restrict(outsider, "view_child")) == [child]
    assert not Child.objects.restrict(outsider, "change_child").exists()
    grant = AccessGrant.objects.get(user=outsider)
    assert grant.basis == AccessGrant.Basis.ADMINISTRATOR
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.GRANT, child=child, basis=grant.get_lawful_basis_display()
    ).exists()


def test_an_unknown_child_reference_is_a_clear_form_error(admin_client, outsider):
    response = admin_client.post(
        reverse("admin:sharing_accessgrant_add"),
        {"child_reference": "999 000 0018", "user": outsider.pk, "reason": "x"},
    )
    assert response.status_code == 200
    assert "No child has this NHS number or Beacon id" in response.content.decode()
    assert not AccessGrant.objects.filter(user=outsider).exists()


def test_a_grant_without_a_reason_is_refused(admin_client, child, outsider):
    response = admin_client.post(
        reverse("admin:sharing_accessgrant_add"),
        {"child_reference": str(child.public_id), "user": outsider.pk, "reason": ""},
    )
    assert response.status_code == 200
    assert not AccessGrant.objects.filter(user=outsider).exists()


def test_revoking_in_the_admin_removes_access(admin_client, child, read_only_professional):
    grant = AccessGrant.objects.get(user=read_only_professional)
    response = admin_client.post(
        reverse("admin:sharing_accessgrant_changelist"),
        {"action": "revoke_selected", "_selected_action": [grant.pk]},
    )
    assert response.status_code == 302
    assert not Child.objects.restrict(read_only_professional, "view_child").exists()


def test_the_grant_list_shows_beacon_ids_not_names(admin_client, child):
    page = admin_client.get(reverse("admin:sharing_accessgrant_changelist")).content.decode()
    assert str(child.public_id) in page
    assert child.family_name not in page


def test_the_audit_log_cannot_be_changed_in_the_admin(admin_client, child, lead_professional):
    event = AuditEvent.objects.filter(child=child).first()
    assert admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    admin_client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_no_admin_list_shows_a_childs_name_nhs_number_or_date_of_birth(admin_client, child):
    """The admin shows nothing that identifies a child: Beacon ids only (issue 5 point 7)."""
    from django.contrib import admin

    from tests.factories import YoungPersonUserFactory

    YoungPersonUserFactory(username="samira.o", display_name="Samira Okafor")
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = admin_client.get(url).content.decode()
        for identifying in (child.given_name, child.family_name, child.nhs_number):
            assert identifying not in page, (url, identifying)
        assert child.date_of_birth.strftime("%d %B %Y").lstrip("0") not in page, url


def test_young_peoples_accounts_are_not_in_the_admin(admin_client):
    from tests.factories import YoungPersonUserFactory

    young = YoungPersonUserFactory(username="samira.o")

    assert admin_client.get(reverse("admin:accounts_user_change", args=[young.pk])).status_code == 302
