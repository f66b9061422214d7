"""Merging in the browser and over the API: from the child's page, choose the duplicate, check the preview,
confirm with a reason; reverse from the merge record. Who may do it: only someone who can change both."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.children.models import Child, ChildMerge
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.auth import sign_in
from tests.factories import ChildFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(lead_professional):
    """Two records of Sam, both made by the lead professional; the second has no NHS number."""
    survivor = ChildFactory(given_name="Samira", family_name="Okafor", preferred_name="Sam")
    duplicate = ChildFactory(
        given_name="Samira", family_name="Okafor", date_of_birth=survivor.date_of_birth, nhs_number=None
    )
    for child in (survivor, duplicate):
        child_access_grant(
            child=child, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=lead_professional
        )
    return survivor, duplicate


def _urls(survivor, duplicate):
    return (
        reverse("children:merge", args=[survivor.public_id]),
        reverse("children:merge-preview", args=[survivor.public_id, duplicate.public_id]),
    )


def test_the_child_page_offers_merging_to_someone_who_can_change_it(
    signed_in_client, client, pair, read_only_professional
):
    survivor, _ = pair
    merge_url = reverse("children:merge", args=[survivor.public_id])
    assert merge_url in signed_in_client.get(reverse("children:detail", args=[survivor.public_id])).text


def test_choose_preview_confirm_and_reverse_in_the_browser(signed_in_client, pair):
    survivor, duplicate = pair
    choose, preview = _urls(survivor, duplicate)

    page = signed_in_client.get(choose).text
    assert preview in page  # The duplicate is offered: same name and date of birth, shared with them.
    typed = signed_in_client.post(
        choose, {"duplicate": f"https://beacon.example/children/{duplicate.public_id}/"}
    )
    assert typed.url == preview
    check = signed_in_client.get(preview).text
    assert "Check before you merge" in check
    assert "Merge the records" in check

    no_reason = signed_in_client.post(preview, {"reason": ""})
    assert "Enter the reason" in no_reason.text
    assert not ChildMerge.objects.exists()
    done = signed_in_client.post(preview, {"reason": "Same GP and school; typed twice."})

    merge = ChildMerge.objects.get()
    assert done.url == reverse("children:merge-detail", args=[survivor.public_id, merge.public_id])
    record_page = signed_in_client.get(done.url).text
    assert "Same GP and school; typed twice." in record_page
    assert "Reverse the merge" in record_page
    assert signed_in_client.get(reverse("children:detail", args=[duplicate.public_id])).url == reverse(
        "children:detail", args=[survivor.public_id]
    )

    signed_in_client.post(done.url, {"reason": "Different children: the school had two Samiras."})

    assert Child.objects.get(pk=duplicate.pk).merged_into is None
    assert ChildMerge.objects.get().reversed_at is not None


def test_a_read_only_record_cannot_be_merged_from_either_side(client, pair):
    survivor, duplicate = pair
    reader = ProfessionalFactory()
    for child in pair:
        child_access_grant(
            child=child,
            user=reader,
            basis="administrator",
            granted_by=None,
            can_change=False,
            reason="Read only.",
        )
    sign_in(client, reader)
    for url in _urls(survivor, duplicate):
        assert client.get(url).status_code == 403
    assert client.post(_urls(survivor, duplicate)[1], {"reason": "x"}).status_code == 403
    assert not ChildMerge.objects.exists()


def test_an_outsider_gets_404_and_a_record_into_itself_is_refused(signed_in_client, pair):
    survivor, duplicate = pair
    outsider = Client()
    sign_in(outsider, ProfessionalFactory())
    assert outsider.get(_urls(survivor, duplicate)[1]).status_code == 404

    itself = reverse("children:merge-preview", args=[survivor.public_id, survivor.public_id])
    assert "cannot be merged into itself" in signed_in_client.get(itself).text
    assert "cannot be merged into itself" in signed_in_client.post(itself, {"reason": "Same."}).text
    assert not ChildMerge.objects.exists()


def test_the_api_previews_merges_and_reverses(api_client, lead_professional, pair):
    survivor, duplicate = pair
    api_client.force_authenticate(lead_professional)
    base = f"/api/v1/children/{survivor.public_id}/merges/"

    preview = api_client.post(f"{base}preview/", {"duplicate": str(duplicate.public_id)}, format="json")
    assert preview.status_code == 200
    assert preview.json()["may_merge"] is True
    itself = api_client.post(base, {"duplicate": str(survivor.public_id), "reason": "x"}, format="json")
    assert itself.status_code == 400
    merged = api_client.post(
        base, {"duplicate": str(duplicate.public_id), "reason": "Same child."}, format="json"
    )
    assert merged.status_code == 201
    body = merged.json()
    assert body["duplicate"] == str(duplicate.public_id)
    assert body["rows_moved"] >= 1

    again = api_client.post(base, {"duplicate": str(duplicate.public_id), "reason": "Again."}, format="json")
    assert again.status_code == 409  # The duplicate's id now names the survivor.
    reversed_ = api_client.post(
        f"{base}{body['public_id']}/reverse/", {"reason": "Wrong child."}, format="json"
    )
    assert reversed_.status_code == 200
    assert reversed_.json()["reversal_reason"] == "Wrong child."
    twice = api_client.post(f"{base}{body['public_id']}/reverse/", {"reason": "Again."}, format="json")
    assert twice.status_code == 400
    assert "already reversed" in twice.json()["errors"][0]["detail"]
