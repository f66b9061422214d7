"""The child information endpoint withholds free text held in a category the caller may not see (issue 11).

The team and plans sections carry the roster's offers and direct-contact reasons, the meetings' decisions and
the open actions. Text a writer marked as describing a sensitive category reaches a professional only with
consent that names it, and never a parent or carer, even one a (wrongly wide) consent names it to.
"""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.consent.models import Consent
from apps.consent.services import consent_record
from tests.factories import FamilyMemberFactory, ProfessionalFactory, UserFactory, share_with
from tests.teams.test_free_text import KINDS, SECRET, SENSITIVE, _write

pytestmark = pytest.mark.django_db

SECTION = {"team": "team", "meetings": "plans", "actions": "plans"}


@pytest.fixture
def lead(child, lead_professional):
    from tests.teams.factories import lead_for, professional_joins

    membership = professional_joins(child, lead_professional)
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "plans", SENSITIVE)
    return membership


@pytest.fixture
def parent_account(child, lead_professional):
    """A parent account named by a parent's consent to the core record, team, plans and substance misuse,
    recorded before the young person was assessed as competent to decide for themselves."""
    carer = UserFactory(kind=User.Kind.PARENT_CARER, display_name="Grace Okafor")
    consent_record(
        actor=lead_professional,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=FamilyMemberFactory(child=child, name="Grace Okafor", has_parental_responsibility=True),
        categories=["core", "team", "plans", SENSITIVE],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=carer,
        purpose="Keeping the family informed.",
        valid_from=timezone.localdate(),
        form=Consent.Form.WRITTEN,
        evidence="Signed form on file.",
    )
    return carer


def _information(user, child) -> tuple[str, dict]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/children/{child.public_id}/information/")
    assert response.status_code == 200
    return response.content.decode(), response.json()


def _texts(body: dict, kind) -> list[dict]:
    section = body[SECTION[kind.api]]
    if kind.api == "team":
        return section["members"]
    if kind.api == "meetings":
        return section["meetings"]
    return section["open_actions"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_parent_account_never_receives_sensitive_free_text(
    kind, child, lead_professional, parent_account, lead
):
    _write(kind, child=child, actor=lead_professional)
    raw, body = _information(parent_account, child)
    assert SECRET not in raw
    assert _texts(body, kind), "the record itself is still there"
    # Saying it is withheld would tell a parent that something sensitive is recorded (R80).
    assert not any(item[f"{kind.field}_withheld"] for item in _texts(body, kind))


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_professional_without_the_category_gets_sensitive_free_text_withheld(
    kind, child, lead_professional, lead
):
    reader = ProfessionalFactory(display_name="Rory Reader")
    share_with(child, reader, "core", "team", "plans")
    _write(kind, child=child, actor=lead_professional)
    raw, body = _information(reader, child)
    assert SECRET not in raw
    assert [item[kind.field] for item in _texts(body, kind) if item[f"{kind.field}_withheld"]] == [""]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_professional_with_the_category_reads_the_free_text(kind, child, lead_professional, lead):
    reader = ProfessionalFactory(display_name="Cora Consented")
    share_with(child, reader, "core", "team", "plans", SENSITIVE)
    _write(kind, child=child, actor=lead_professional)
    _, body = _information(reader, child)
    assert SECRET in [item[kind.field] for item in _texts(body, kind)]
