"""Protected characteristics (R7): self-declared, optional, "prefer not to say" an answer of its own; sexual
orientation and gender identity in the sensitive category parents and carers never see (R80).

Through the service, the database, the child's page, the API (the record, the write, the information
endpoint) and the young person's own portal page.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.children.characteristics import protected_characteristics_clear, protected_characteristics_record
from apps.children.models import ProtectedCharacteristics
from apps.consent.models import Consent
from apps.consent.services import consent_record
from tests.auth import sign_in
from tests.factories import FamilyMemberFactory, UserFactory, share_with
from tests.portal.factories import young_person_world

pytestmark = pytest.mark.django_db

ORIENTATION_WORDS = "MARKER-ORIENTATION pansexual"
GENDER_WORDS = "MARKER-GENDER non-binary"


def _record(child, actor, **answers):
    return protected_characteristics_record(
        actor=actor, child=child, declared_by=answers.pop("declared_by", "professional_as_told"), **answers
    )


def _full(child, actor):
    """Everything answered, orientation and gender identity in the young person's own words."""
    return _record(
        child,
        actor,
        ethnicity="other_any",
        ethnicity_own_words="Kurdish",
        sex="female",
        gender_identity="different",
        gender_identity_own_words=GENDER_WORDS,
        sexual_orientation="other",
        sexual_orientation_own_words=ORIENTATION_WORDS,
        disability="yes_a_little",
        religion="prefer_not_to_say",
        first_language="Sorani",
        interpreter_needed=True,
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The service and the database ------------------------------------------------------------------------


def test_answers_are_recorded_with_who_told_us_and_when(child, lead_professional):
    row = _full(child, lead_professional)
    child.refresh_from_db()

    assert (row.ethnicity, row.ethnicity_own_words, row.sex) == ("other_any", "Kurdish", "female")
    assert row.religion == "prefer_not_to_say"
    assert (child.first_language, child.interpreter_needed) == ("Sorani", True)
    assert row.declared_by == row.sexuality_gender_declared_by == "professional_as_told"
    assert row.declared_at is not None
    assert row.sexuality_gender_declared_at is not None
    event = AuditEvent.objects.filter(child=child, target_type="children.protectedcharacteristics").get()
    assert "sexual_orientation" in str(event.detail)
    # The audit names the questions, never the answers.
    assert ORIENTATION_WORDS not in str(event.detail)
    assert "different" not in str(event.detail)


def test_prefer_not_to_say_is_an_answer_distinct_from_not_recorded(child, lead_professional):
    row = _record(child, lead_professional, sex="prefer_not_to_say")
    assert row.sex == "prefer_not_to_say"
    assert row.ethnicity == ""  # Not asked, not recorded.


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"ethnicity": "martian"}, "ethnicity"),
        ({"sex": "x"}, "sex"),
        ({"sexual_orientation": "unsure"}, "sexual_orientation"),
        ({"gender_identity": "yes"}, "gender_identity"),
        ({"disability": "maybe"}, "disability"),
        ({"religion": "jedi"}, "religion"),
        ({"declared_by": "a neighbour"}, "declared_by"),
        ({"ethnicity": "white_irish", "ethnicity_own_words": "Ulster"}, "ethnicity_own_words"),
        ({"religion": "christian", "religion_own_words": "Quaker"}, "religion_own_words"),
        (
            {"sexual_orientation": "bisexual", "sexual_orientation_own_words": "bi"},
            "sexual_orientation_own_words",
        ),
        ({"first_language": "Polish", "first_language_prefer_not_to_say": True}, "first_language"),
    ],
)
def test_an_answer_outside_its_list_is_refused_clearly_and_nothing_is_saved(
    child, lead_professional, answers, field
):
    with pytest.raises(ValidationError) as refused:
        _record(child, lead_professional, **answers)

    assert field in refused.value.message_dict
    message = refused.value.message_dict[field][0]
    assert len(message) > 30  # Says what to do, not just "invalid".
    assert not ProtectedCharacteristics.objects.filter(child=child).exists()
    assert not AuditEvent.objects.filter(
        child=child, target_type="children.protectedcharacteristics"
    ).exists()


def test_the_database_refuses_an_answer_outside_its_list(child):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectedCharacteristics.objects.create(child=child, ethnicity="martian")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectedCharacteristics.objects.create(
            child=child, religion="christian", religion_own_words="Quaker"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectedCharacteristics.objects.create(
            child=child, sexual_orientation="gay_or_lesbian", sexuality_gender_declared_by="parent_carer"
        )


def test_only_the_young_person_tells_their_orientation_or_gender_identity(child, lead_professional):
    with pytest.raises(ValidationError) as refused:
        _record(child, lead_professional, declared_by="parent_carer", sexual_orientation="straight")
    assert "Only the young person" in refused.value.message_dict["sexual_orientation"][0]
    assert not ProtectedCharacteristics.objects.filter(child=child).exists()

    # A parent may tell us the rest; what the young person said about themselves stays theirs.
    _record(child, lead_professional, declared_by="young_person", sexual_orientation="bisexual")
    row = _record(child, lead_professional, declared_by="parent_carer", religion="muslim")
    assert (row.declared_by, row.sexuality_gender_declared_by) == ("parent_carer", "young_person")
    assert row.sexual_orientation == "bisexual"


def test_changing_an_answer_away_from_other_drops_its_words(child, lead_professional):
    _record(child, lead_professional, religion="other", religion_own_words="Rastafari")
    row = _record(child, lead_professional, religion="none")
    assert (row.religion, row.religion_own_words) == ("none", "")


def test_prefer_not_to_say_a_first_language_clears_the_one_recorded(child, lead_professional):
    _record(child, lead_professional, first_language="Tigrinya")
    row = _record(child, lead_professional, first_language_prefer_not_to_say=True)
    child.refresh_from_db()
    assert row.first_language_prefer_not_to_say is True
    assert child.first_language == ""


def test_clearing_removes_every_answer(child, lead_professional):
    _full(child, lead_professional)
    assert protected_characteristics_clear(actor=lead_professional, child=child) is True
    assert not ProtectedCharacteristics.objects.filter(child=child).exists()
    assert protected_characteristics_clear(actor=lead_professional, child=child) is False


# --- The child's page ---------------------------------------------------------------------------------------


def test_the_childs_page_withholds_orientation_and_gender_identity_without_their_category(
    client, child, lead_professional
):
    _full(child, lead_professional)
    sign_in(client, lead_professional)

    page = client.get(reverse("children:detail", args=[child.public_id])).text
    assert "Protected characteristics" in page
    assert "Other ethnic group: Any other ethnic group (Kurdish)" in page
    assert "Yes, limited a little" in page
    assert "Prefers not to say" in page
    assert ORIENTATION_WORDS not in page
    assert GENDER_WORDS not in page
    assert (
        "Withheld: Sexual orientation and gender identity is shared only with consent that names it" in page
    )

    share_with(child, lead_professional, "sexuality_gender")
    page = client.get(reverse("children:detail", args=[child.public_id])).text
    assert ORIENTATION_WORDS in page
    assert GENDER_WORDS in page


def test_a_professional_records_them_on_the_childs_page(client, child, lead_professional):
    sign_in(client, lead_professional)
    url = reverse("children:characteristics", args=[child.public_id])

    form = client.get(url).text
    assert "sexual_orientation" not in form  # Not theirs to see, so not theirs to write.
    assert "Prefer not to say" in form

    response = client.post(
        url, {"declared_by": "professional_as_told", "ethnicity": "black_caribbean", "sex": "male"}
    )
    assert response.status_code == 302
    row = ProtectedCharacteristics.objects.get(child=child)
    assert (row.ethnicity, row.sex, row.declared_by) == ("black_caribbean", "male", "professional_as_told")

    refused = client.post(
        url, {"declared_by": "professional_as_told", "religion": "christian", "religion_own_words": "Q"}
    )
    assert refused.status_code == 200
    assert "go with “Any other religion”" in refused.text
    row.refresh_from_db()
    assert row.religion == ""


def test_someone_who_may_only_look_cannot_change_them(client, child, read_only_professional):
    sign_in(client, read_only_professional)
    url = reverse("children:characteristics", args=[child.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"declared_by": "young_person", "sex": "female"}).status_code == 403
    assert not ProtectedCharacteristics.objects.filter(child=child).exists()


# --- Parents and carers ----------------------------------------------------------------------------------


@pytest.fixture
def carer(child, lead_professional):
    """A parent account that a (wrongly wide) parent's consent names for the core record and sexuality."""
    account = UserFactory(kind=User.Kind.PARENT_CARER, display_name="Grace Okafor")
    consent_record(
        actor=lead_professional,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=FamilyMemberFactory(child=child, name="Grace Okafor"),
        categories=["core", "sexuality_gender"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=account,
        purpose="Keeping Mum informed.",
        valid_from=timezone.localdate(),
        form=Consent.Form.WRITTEN,
        evidence="Signed.",
    )
    return account


def test_a_parent_never_sees_orientation_or_gender_identity_in_the_api(child, lead_professional, carer):
    _full(child, lead_professional)

    response = _api(carer).get(f"/api/v1/children/{child.public_id}/information/")
    assert response.status_code == 200
    raw, body = response.content.decode(), response.json()
    assert ORIENTATION_WORDS not in raw
    assert GENDER_WORDS not in raw
    characteristics = body["core"]["record"]["protected_characteristics"]
    assert characteristics["ethnicity"] == "other_any"
    assert characteristics["sexual_orientation"] is None
    assert characteristics["gender_identity"] is None
    # Not even told that something is withheld (R80).
    assert characteristics["sexuality_gender_withheld"] is False
    assert body["sexuality_gender"]["withheld"] is True


def test_a_parent_never_sees_them_in_the_browser(client, child, lead_professional, carer):
    _full(child, lead_professional)
    sign_in(client, carer)
    response = client.get(reverse("children:detail", args=[child.public_id]))
    assert response.status_code == 403
    assert ORIENTATION_WORDS not in response.content.decode()
    assert client.get(reverse("children:characteristics", args=[child.public_id])).status_code == 403


# --- The API: reading with the record, and the write ----------------------------------------------------


def test_the_record_withholds_them_from_a_professional_without_the_category(child, lead_professional):
    _full(child, lead_professional)
    client = _api(lead_professional)

    body = client.get(f"/api/v1/children/{child.public_id}/").json()["protected_characteristics"]
    assert body["sexuality_gender_withheld"] is True
    assert body["sexual_orientation"] is None
    assert body["sex"] == "female"

    share_with(child, lead_professional, "sexuality_gender")
    body = client.get(f"/api/v1/children/{child.public_id}/").json()["protected_characteristics"]
    assert body["sexuality_gender_withheld"] is False
    assert (body["sexual_orientation"], body["sexual_orientation_own_words"]) == ("other", ORIENTATION_WORDS)
    information = client.get(f"/api/v1/children/{child.public_id}/information/").json()
    assert information["sexuality_gender"]["self_declared"]["gender_identity_own_words"] == GENDER_WORDS


def test_the_api_records_them_and_refuses_bad_answers(child, lead_professional):
    url = f"/api/v1/children/{child.public_id}/protected-characteristics/"
    client = _api(lead_professional)

    response = client.patch(url, {"declared_by": "young_person", "ethnicity": "asian_indian"}, format="json")
    assert response.status_code == 200
    assert response.json()["ethnicity"] == "asian_indian"

    bad = client.patch(url, {"declared_by": "young_person", "ethnicity": "martian"}, format="json")
    assert bad.status_code == 400
    assert [error["attr"] for error in bad.json()["errors"]] == ["ethnicity"]

    words = client.patch(url, {"declared_by": "young_person", "religion_own_words": "Quaker"}, format="json")
    assert words.status_code == 400
    assert [error["attr"] for error in words.json()["errors"]] == ["religion_own_words"]

    # Writing what one may not read: refused, saying why.
    sensitive = client.patch(
        url, {"declared_by": "young_person", "sexual_orientation": "gay_or_lesbian"}, format="json"
    )
    assert sensitive.status_code == 403
    assert ProtectedCharacteristics.objects.get(child=child).sexual_orientation == ""


def test_the_api_write_needs_permission_to_change_the_record(child, read_only_professional, outsider):
    url = f"/api/v1/children/{child.public_id}/protected-characteristics/"
    body = {"declared_by": "young_person", "sex": "female"}
    assert _api(read_only_professional).patch(url, body, format="json").status_code == 403
    assert _api(outsider).patch(url, body, format="json").status_code == 404
    assert not ProtectedCharacteristics.objects.exists()


# --- The young person's own page ------------------------------------------------------------------------


def test_the_young_person_fills_them_in_changes_and_clears_them(client):
    world = young_person_world()
    sign_in(client, world.young_person)
    url = reverse("portal:about-me")

    page = client.get(url).text
    assert "Why we ask" in page
    assert "Your parents or carers never see them" in page
    assert "sexual_orientation" in page  # Their own to answer.

    answers = {
        "ethnicity": "mixed_white_black_caribbean",
        "sex": "female",
        "gender_identity": "same",
        "sexual_orientation": "other",
        "sexual_orientation_own_words": ORIENTATION_WORDS,
        "disability": "prefer_not_to_say",
        "religion": "none",
        "first_language": "English",
    }
    assert client.post(url, answers).status_code == 302
    row = ProtectedCharacteristics.objects.get(child=world.child)
    assert (row.sexual_orientation_own_words, row.disability) == (ORIENTATION_WORDS, "prefer_not_to_say")
    assert row.declared_by == row.sexuality_gender_declared_by == "young_person"

    assert (
        client.post(
            url, {**answers, "sexual_orientation": "prefer_not_to_say", "sexual_orientation_own_words": ""}
        ).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.sexual_orientation == "prefer_not_to_say"

    refused = client.post(url, {**answers, "ethnicity": "martian"})
    assert "Choose an answer from the list" in refused.text

    assert client.post(reverse("portal:about-me-remove")).status_code == 302
    assert not ProtectedCharacteristics.objects.filter(child=world.child).exists()


def test_professionals_cannot_open_the_young_persons_page(client, lead_professional):
    sign_in(client, lead_professional)
    assert client.get(reverse("portal:about-me")).status_code == 403
    assert client.post(reverse("portal:about-me-remove")).status_code == 403


def test_the_sensitive_answers_a_young_person_gives_are_withheld_from_their_team_without_consent(client):
    world = young_person_world()
    sign_in(client, world.young_person)
    client.post(
        reverse("portal:about-me"),
        {"sexual_orientation": "other", "sexual_orientation_own_words": ORIENTATION_WORDS},
    )

    lead_view = _api(world.lead).get(f"/api/v1/children/{world.child.public_id}/").json()
    assert lead_view["protected_characteristics"]["sexual_orientation"] is None
    assert lead_view["protected_characteristics"]["sexuality_gender_withheld"] is True
