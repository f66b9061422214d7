"""The children pages in the browser: who may see and change what, the list, and adding a child (R2)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.children.models import (
    Child,
    ChildIdentifier,
    FamilyMember,
    SocialWorkInvolvement,
    VulnerabilityFlag,
)
from apps.children.services import DUPLICATE_NHS_NUMBER, vulnerability_flag_add
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.auth import sign_in
from tests.factories import (
    ChildFactory,
    ChildIdentifierFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    SocialWorkInvolvementFactory,
    YoungPersonUserFactory,
    nhs_number_from,
    vulnerability_type,
)

pytestmark = pytest.mark.django_db

LIST = reverse("children:list")
FIND = reverse("children:find")
MATCHES_API = "/api/v1/children/possible-matches/"
CREATE = reverse("children:create")

# Measured once: session, user, count, page, organisation for the audit, audit insert (no chain lock or
# head read: rows are chained later), disclosure insert, unread notifications in the header, the
# second-factor device the session was verified with, and the session save with its savepoint pair (the
# idle timeout moves on with each request), and twice the small lookup of the permission id and the
# person's groups that restrict() reads first (once for the count, once for the page). Must not grow.
LIST_PAGE_QUERIES = (
    16  # Two of them: the access decision for the page (its groups, then its rows), for the disclosure log.
)


def share(children, user, *, can_change=True):
    for record in children:
        child_access_grant(
            child=record, user=user, basis=AccessGrant.Basis.CREATOR, granted_by=user, can_change=can_change
        )


def spaced(nhs_number: str) -> str:
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"


def wrong_check_digit(nhs_number: str) -> str:
    return nhs_number[:9] + str((int(nhs_number[9]) + 1) % 10)


def detail_url(child) -> str:
    return reverse("children:detail", args=[child.public_id])


def edit_url(child) -> str:
    return reverse("children:edit", args=[child.public_id])


def child_form_data(**overrides) -> dict:
    birth = overrides.pop("date_of_birth", datetime.date(2012, 3, 27))
    data = {
        "given_name": "Jordan",
        "family_name": "Example",
        "preferred_name": "",
        "date_of_birth_0": str(birth.day),
        "date_of_birth_1": str(birth.month),
        "date_of_birth_2": str(birth.year),
        "nhs_number": spaced(nhs_number_from(481_234)),
        "strengths": "Brilliant at football",
        "deprivation_decile": "",
    }
    data.update(overrides)
    return data


def field_error(page: str, message: str) -> bool:
    """The message is in the error summary and beside the field, the GOV.UK way."""
    in_summary = re.search(r'<li><a href="#id_\w+">' + re.escape(message) + "</a></li>", page)
    beside_field = re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span> '
        + re.escape(message),
        page,
    )
    return bool(in_summary and beside_field)


def summary_errors_for(page: str, input_id: str) -> list[str]:
    """The error summary's messages that link to one input."""
    return re.findall(r'<li><a href="#' + re.escape(input_id) + r'">([^<]*)</a></li>', page)


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["children:list", "children:find", "children:create"])
def test_anonymous_is_redirected_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_anonymous_is_redirected_to_sign_in_from_a_child_page(client, child):
    response = client.get(detail_url(child))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_lead_professional_sees_the_child_page(signed_in_client, child):
    response = signed_in_client.get(detail_url(child))

    assert response.status_code == 200
    assert "Sam Okafor" in response.text


def test_outsider_gets_404_for_child(client, outsider, child):
    sign_in(client, outsider)

    assert client.get(detail_url(child)).status_code == 404


def test_outsider_gets_404_on_edit_for_a_child_that_exists(client, outsider, child):
    sign_in(client, outsider)

    assert client.get(edit_url(child)).status_code == 404
    assert client.post(edit_url(child), child_form_data()).status_code == 404
    child.refresh_from_db()
    assert child.given_name == "Samira"


def test_granted_on_one_child_asking_for_another_gets_404(signed_in_client, child):
    other = ChildFactory()

    assert signed_in_client.get(detail_url(other)).status_code == 404


@pytest.mark.parametrize("path", ["/children/not-a-uuid/", "/children/1/", "/children/1/edit/"])
def test_malformed_uuid_is_404(signed_in_client, child, path):
    assert signed_in_client.get(path).status_code == 404


def test_read_only_professional_gets_403_on_edit(client, read_only_professional, child):
    sign_in(client, read_only_professional)

    assert client.get(edit_url(child)).status_code == 403
    response = client.post(edit_url(child), child_form_data())

    assert response.status_code == 403
    assert "record but not change it" in response.text
    child.refresh_from_db()
    assert child.given_name == "Samira"


def test_read_only_professional_sees_the_child_page_without_change_links(
    client, read_only_professional, child
):
    sign_in(client, read_only_professional)

    page = client.get(detail_url(child)).text

    assert "Sam Okafor" in page
    assert edit_url(child) not in page
    assert "Add a vulnerability" not in page


def test_lead_professional_sees_change_links(signed_in_client, child):
    page = signed_in_client.get(detail_url(child)).text

    assert edit_url(child) in page
    assert reverse("children:vulnerability-add", args=[child.public_id]) in page
    assert reverse("children:family-member-add", args=[child.public_id]) in page


def test_young_person_gets_403_on_the_children_list(client):
    sign_in(client, YoungPersonUserFactory())

    response = client.get(LIST)

    assert response.status_code == 403
    assert "This part of Beacon is for professionals" in response.text


def small_form_urls(child) -> list[str]:
    flag = vulnerability_flag_add(
        actor=None,
        child=child,
        type=vulnerability_type(),
        source="school",
        identified_on=datetime.date(2025, 1, 1),
    )
    member = FamilyMemberFactory(child=child)
    return [
        reverse("children:identifier-add", args=[child.public_id]),
        reverse("children:social-work-status", args=[child.public_id]),
        reverse("children:vulnerability-add", args=[child.public_id]),
        reverse("children:vulnerability-end", args=[child.public_id, flag.type.code]),
        reverse("children:family-member-add", args=[child.public_id]),
        reverse("children:family-member-edit", args=[child.public_id, member.public_id]),
        reverse("children:family-member-remove", args=[child.public_id, member.public_id]),
    ]


def test_every_small_form_is_403_for_read_only_and_404_for_outsiders(
    client, child, read_only_professional, outsider, lead_professional
):
    urls = small_form_urls(child)
    members_before = FamilyMember.objects.count()

    sign_in(client, lead_professional)
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)
    sign_in(client, read_only_professional)
    assert [client.get(url).status_code for url in urls] == [403] * len(urls)
    assert [client.post(url, {}).status_code for url in urls] == [403] * len(urls)
    sign_in(client, outsider)
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert [client.post(url, {}).status_code for url in urls] == [404] * len(urls)
    assert FamilyMember.objects.count() == members_before


def test_family_member_of_another_child_is_404(signed_in_client, child):
    someone_elses = FamilyMemberFactory(child=ChildFactory())
    url = reverse("children:family-member-edit", args=[child.public_id, someone_elses.public_id])

    assert signed_in_client.get(url).status_code == 404


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_only_children_shared_with_you(signed_in_client, child):
    ChildFactory(given_name="Hidden", family_name="Person")

    page = signed_in_client.get(LIST).text

    assert "Sam Okafor" in page
    assert "Hidden" not in page
    assert spaced(child.nhs_number) in page


def test_list_shows_current_status_and_vulnerability_count(signed_in_client, child):
    SocialWorkInvolvementFactory(child=child, status=SocialWorkInvolvement.Status.CHILD_PROTECTION)
    for code in ("young-carer", "homeless"):
        vulnerability_flag_add(
            actor=None,
            child=child,
            type=vulnerability_type(code),
            source="school",
            identified_on=datetime.date(2025, 1, 1),
        )

    page = signed_in_client.get(LIST).text

    assert "Child protection plan" in page
    assert re.search(r'govuk-table__cell--numeric">2</td>', page)


@pytest.mark.parametrize("search", ["okafor", "Sam Okafor", "SAMIRA"])
def test_search_by_name_finds_the_child(signed_in_client, lead_professional, child, search):
    share([ChildFactory(given_name="Other", family_name="Child")], lead_professional)

    page = signed_in_client.get(LIST, {"q": search}).text

    assert "Sam Okafor" in page
    assert "Other Child" not in page


def test_search_by_nhs_number_with_spaces_finds_the_child(signed_in_client, lead_professional, child):
    share([ChildFactory(given_name="Other", family_name="Child")], lead_professional)

    page = signed_in_client.get(LIST, {"q": spaced(child.nhs_number)}).text

    assert "Sam Okafor" in page
    assert "Other Child" not in page


def test_search_by_local_identifier_finds_the_child(signed_in_client, lead_professional, child):
    ChildIdentifierFactory(child=child, value="SC123456")
    share([ChildFactory(given_name="Other", family_name="Child")], lead_professional)

    page = signed_in_client.get(LIST, {"q": "sc123456"}).text

    assert "Sam Okafor" in page
    assert "Other Child" not in page


def test_search_never_finds_a_child_not_shared_with_you(signed_in_client, child):
    hidden = ChildFactory(given_name="Hidden", family_name="Okafor")

    page = signed_in_client.get(LIST, {"q": hidden.nhs_number}).text

    assert "Hidden" not in page
    assert "No children match" in page


def test_htmx_search_returns_only_the_fragment(signed_in_client, child):
    response = signed_in_client.get(LIST, {"q": "okafor"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "govuk-service-navigation" not in response.text
    assert '<div id="children-results">' in response.text
    assert "Sam Okafor" in response.text
    assert 'hx-swap-oob="innerHTML">1 child found' in response.text
    assert "HX-Request" in response["Vary"]


def test_restoring_history_gets_the_whole_page(signed_in_client, child):
    response = signed_in_client.get(
        LIST, {"q": "okafor"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.text


def test_search_form_works_without_javascript_and_with_htmx(signed_in_client, child):
    page = signed_in_client.get(LIST).text

    assert f'<form method="get" action="{LIST}" role="search"' in page
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'hx-push-url="true"' in page


def test_empty_list_says_what_to_do(signed_in_client):
    page = signed_in_client.get(LIST).text

    assert "No children have been shared with you yet" in page
    assert f'href="{FIND}"' in page


@pytest.mark.parametrize("how_many", [3, 30])
def test_list_page_runs_a_fixed_number_of_queries(
    signed_in_client, lead_professional, django_assert_num_queries, how_many
):
    children = ChildFactory.create_batch(how_many)
    share(children, lead_professional)
    for record in children:
        SocialWorkInvolvementFactory(child=record)
        vulnerability_flag_add(
            actor=None,
            child=record,
            type=vulnerability_type(),
            source="school",
            identified_on=datetime.date(2025, 1, 1),
        )

    with django_assert_num_queries(LIST_PAGE_QUERIES):
        response = signed_in_client.get(LIST)

    assert response.status_code == 200


def test_list_pages_and_audits_only_the_children_shown(signed_in_client, lead_professional, settings):
    settings.BEACON_CHILDREN_PAGE_SIZE = 25
    share(ChildFactory.create_batch(30), lead_professional)

    first = signed_in_client.get(LIST).text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count() == 25
    second = signed_in_client.get(LIST, {"page": 2}).text

    assert 'aria-label="Page 2"' in first
    assert 'rel="next"' in first
    assert second.count('class="govuk-link" href="/children/') == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count() == 30


# --- The child page -----------------------------------------------------------------------------


def test_child_page_shows_strengths_before_identifiers_and_risk(signed_in_client, child):
    vulnerability_flag_add(
        actor=None,
        child=child,
        type=vulnerability_type(),
        source="school",
        identified_on=datetime.date(2025, 1, 1),
    )

    page = signed_in_client.get(detail_url(child)).text

    strengths = page.index("Loves drawing and looks after the family dog.")
    assert strengths < page.index(spaced(child.nhs_number))
    assert strengths < page.index("Social work involvement")
    assert strengths < page.index("Vulnerabilities")


def test_child_page_highlights_the_current_social_work_status(signed_in_client, child):
    SocialWorkInvolvementFactory(
        child=child,
        status=SocialWorkInvolvement.Status.CHILD_IN_NEED,
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2025, 1, 1),
    )
    SocialWorkInvolvementFactory(
        child=child,
        status=SocialWorkInvolvement.Status.LOOKED_AFTER,
        started_on=datetime.date(2025, 1, 1),
        legal_status=SocialWorkInvolvement.LegalStatus.IN_CARE,
        placement_type=SocialWorkInvolvement.PlacementType.FOSTER_CARE,
    )

    page = signed_in_client.get(detail_url(child)).text

    assert re.search(r"Current</strong><br>Looked after", page)
    assert "Foster care" in page
    assert "Child in need or other social work involvement" in page


def test_child_page_counts_current_vulnerabilities(signed_in_client, child):
    for code in ("young-carer", "homeless"):
        vulnerability_flag_add(
            actor=None,
            child=child,
            type=vulnerability_type(code),
            source="school",
            identified_on=datetime.date(2025, 1, 1),
        )

    page = signed_in_client.get(detail_url(child)).text

    assert "2 current" in page


def test_child_page_view_is_audited(signed_in_client, child):
    signed_in_client.get(detail_url(child))

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, child=child)
    assert event.interface == AuditEvent.Interface.BROWSER


def test_child_page_has_no_inline_script_or_style(signed_in_client, child):
    page = signed_in_client.get(detail_url(child)).text

    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert " style=" not in page


# --- Adding a child: look for an existing record first (R2) ---------------------------------------


def test_create_form_without_a_search_goes_to_the_find_page(signed_in_client):
    response = signed_in_client.get(CREATE)

    assert response.status_code == 302
    assert response.url == FIND


def test_find_asks_for_nhs_number_or_name_and_date_of_birth(signed_in_client):
    response = signed_in_client.post(FIND, {"given_name": "Jordan"})

    assert "Enter the NHS number, or the first name, last name and date of birth" in response.text


def test_find_with_no_matches_goes_to_the_create_form_prefilled(signed_in_client):
    nhs_number = nhs_number_from(481_234)

    response = signed_in_client.post(FIND, {"nhs_number": spaced(nhs_number)}, follow=True)

    assert response.redirect_chain == [(CREATE, 302)]
    assert "There is no record in Beacon for a child with these details" in response.text
    assert f'value="{spaced(nhs_number)}"' in response.text


def test_duplicate_check_shows_a_hidden_match_without_revealing_the_name(
    client, outsider, child, social_care
):
    child.created_by_organisation = social_care
    child.save()
    sign_in(client, outsider)

    page = client.post(FIND, {"nhs_number": spaced(child.nhs_number)}).text

    assert "A record may already exist for this child" in page
    assert "Ask for access" in page
    # Neither who the child is nor which organisation holds the record.
    for detail in (
        "Samira",
        "Okafor",
        "Sam ",
        str(child.public_id),
        child.date_of_birth.strftime("%Y"),
        social_care.name.replace("'", "&#x27;"),
    ):
        assert detail not in page


def test_a_matching_nhs_number_offers_no_second_record(client, outsider, child):
    sign_in(client, outsider)

    page = client.post(FIND, {"nhs_number": spaced(child.nhs_number)}).text

    assert f'href="{CREATE}"' not in page
    assert "cannot start a second record" in page


def test_duplicate_check_by_name_and_date_of_birth_finds_a_hidden_match(client, outsider, child):
    sign_in(client, outsider)
    birth = child.date_of_birth

    page = client.post(
        FIND,
        {
            "given_name": "samira",
            "family_name": "OKAFOR",
            "date_of_birth_0": birth.day,
            "date_of_birth_1": birth.month,
            "date_of_birth_2": birth.year,
        },
    ).text

    assert "A record may already exist for this child" in page
    assert "same name and date of birth" in page
    # Two children can share a name and birthday, but a record not shared with the person is no reason to
    # make a second one unasked: they ask for access, and its lead professional may answer "a different
    # child" (tests/teams/test_access_requests.py), after which they may add the record.
    assert f'href="{CREATE}"' not in page
    assert f'href="{reverse("children:ask-for-access")}"' in page


def test_duplicate_check_links_to_a_visible_match(signed_in_client, child):
    page = signed_in_client.post(FIND, {"nhs_number": child.nhs_number}).text

    assert "This may be the child you are looking for" in page
    assert f'href="{detail_url(child)}"' in page


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        (
            {"nhs_number": spaced(wrong_check_digit(nhs_number_from(481_234)))},
            "This is not a valid NHS number: the last digit does not match the check. "
            "Check it against a letter or the GP record",
        ),
        (
            {"date_of_birth": timezone.localdate() + datetime.timedelta(days=1)},
            "Date of birth must be today or in the past",
        ),
        ({"date_of_birth_0": "31", "date_of_birth_1": "2"}, "Date of birth must be a real date"),
        ({"given_name": ""}, "Enter their first name"),
    ],
    ids=["wrong-check-digit", "future-date-of-birth", "not-a-real-date", "no-first-name"],
)
def test_create_with_an_error_shows_it_on_the_field_and_saves_nothing(
    signed_in_client, overrides, field_message
):
    before = Child.objects.count()

    response = signed_in_client.post(CREATE, child_form_data(**overrides))

    assert response.status_code == 200
    assert field_error(response.text, field_message)
    assert response.text.count("<title>Error: ") == 1
    assert Child.objects.count() == before


def test_create_with_a_duplicate_nhs_number_shows_it_on_the_field_and_saves_nothing(signed_in_client, child):
    before = Child.objects.count()

    response = signed_in_client.post(CREATE, child_form_data(nhs_number=spaced(child.nhs_number)))

    assert response.status_code == 200
    assert field_error(response.text, DUPLICATE_NHS_NUMBER)
    assert Child.objects.count() == before


def test_a_future_date_of_birth_links_to_the_day_box(signed_in_client):
    future = timezone.localdate() + datetime.timedelta(days=1)

    page = signed_in_client.post(CREATE, child_form_data(date_of_birth=future)).text

    assert '<a href="#id_date_of_birth_0">Date of birth must be today or in the past</a>' in page


def test_successful_create_grants_the_creator_access_and_writes_audit_rows(
    signed_in_client, lead_professional
):
    signed_in_client.post(FIND, {"nhs_number": spaced(nhs_number_from(481_234))})

    response = signed_in_client.post(CREATE, child_form_data())

    child = Child.objects.get(nhs_number=nhs_number_from(481_234))
    assert response.status_code == 302
    assert response.url == detail_url(child)
    assert child.created_by == lead_professional
    assert list(Child.objects.restrict(lead_professional, "change_child")) == [child]
    actions = set(AuditEvent.objects.filter(child=child).values_list("action", flat=True))
    assert {AuditEvent.Action.CREATE, AuditEvent.Action.GRANT} <= actions
    # Nothing matched, on the search and again on what was saved: each check is recorded, against no child.
    searches = AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH)
    assert [(search.actor, search.child) for search in searches] == [(lead_professional, None)] * 2
    assert "Jordan Example has been added to Beacon" in signed_in_client.get(response.url).text
    assert "children:searched" not in signed_in_client.session


# --- Changing a child's record --------------------------------------------------------------------


def test_edit_shows_the_nhs_number_in_its_spaced_form(signed_in_client, child):
    page = signed_in_client.get(edit_url(child)).text

    assert f'value="{spaced(child.nhs_number)}"' in page


def test_edit_saves_only_what_changed_and_says_so(signed_in_client, child):
    data = child_form_data(
        given_name=child.given_name,
        family_name=child.family_name,
        preferred_name="Sammy",
        date_of_birth=child.date_of_birth,
        nhs_number=spaced(child.nhs_number),
        strengths=child.strengths,
    )

    response = signed_in_client.post(edit_url(child), data, follow=True)

    child.refresh_from_db()
    assert child.preferred_name == "Sammy"
    assert "Sammy Okafor&#x27;s details have been updated" in response.text
    update = AuditEvent.objects.get(child=child, action=AuditEvent.Action.UPDATE)
    assert update.detail == {"fields": ["preferred_name"]}


def test_edit_with_a_wrong_nhs_number_saves_nothing(signed_in_client, child):
    original = child.nhs_number
    data = child_form_data(
        given_name="Changed",
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        nhs_number=wrong_check_digit(original),
    )

    response = signed_in_client.post(edit_url(child), data)

    assert response.status_code == 200
    assert "This is not a valid NHS number" in response.text
    child.refresh_from_db()
    assert (child.given_name, child.nhs_number) == ("Samira", original)


# --- The small forms ----------------------------------------------------------------------------


def test_add_identifier(signed_in_client, child, social_care):
    url = reverse("children:identifier-add", args=[child.public_id])

    response = signed_in_client.post(
        url, {"kind": ChildIdentifier.Kind.SOCIAL_CARE_ID, "value": "SC777", "issuer": social_care.pk}
    )

    assert response.status_code == 302
    assert child.identifiers.get().value == "SC777"


def test_an_identifier_issued_to_another_child_is_refused(signed_in_client, child, social_care):
    ChildIdentifierFactory(value="SC777", issuer=social_care)
    url = reverse("children:identifier-add", args=[child.public_id])

    response = signed_in_client.post(
        url, {"kind": ChildIdentifier.Kind.SOCIAL_CARE_ID, "value": "SC777", "issuer": social_care.pk}
    )

    assert response.status_code == 200
    assert "has already issued" in response.text
    assert not child.identifiers.exists()


def test_record_a_change_of_social_work_status(signed_in_client, child):
    url = reverse("children:social-work-status", args=[child.public_id])

    response = signed_in_client.post(
        url, {"status": "child_in_need", "started_on_0": "1", "started_on_1": "2", "started_on_2": "2025"}
    )

    assert response.status_code == 302
    assert child.social_work_history.get().status == SocialWorkInvolvement.Status.CHILD_IN_NEED


def test_looked_after_needs_a_legal_status(signed_in_client, child):
    url = reverse("children:social-work-status", args=[child.public_id])

    response = signed_in_client.post(
        url, {"status": "looked_after", "started_on_0": "1", "started_on_1": "2", "started_on_2": "2025"}
    )

    assert field_error(response.text, "Select the legal status of a looked-after child")
    assert not child.social_work_history.exists()


def test_add_and_end_a_vulnerability(signed_in_client, child):
    young_carer = vulnerability_type("young-carer")
    add = reverse("children:vulnerability-add", args=[child.public_id])
    end = reverse("children:vulnerability-end", args=[child.public_id, "young-carer"])

    signed_in_client.post(
        add,
        {
            "type": young_carer.pk,
            "source": "school",
            "identified_on_0": "3",
            "identified_on_1": "3",
            "identified_on_2": "2025",
        },
    )
    response = signed_in_client.post(end, {"ended_on_0": "4", "ended_on_1": "4", "ended_on_2": "2025"})

    assert response.status_code == 302
    flag = VulnerabilityFlag.objects.get(child=child)
    assert flag.ended_on == datetime.date(2025, 4, 4)
    assert signed_in_client.get(end).status_code == 404  # No current flag of that type any more.


def test_a_second_current_vulnerability_of_a_type_is_refused(signed_in_client, child):
    young_carer = vulnerability_type("young-carer")
    vulnerability_flag_add(
        actor=None, child=child, type=young_carer, source="school", identified_on=datetime.date(2025, 1, 1)
    )
    add = reverse("children:vulnerability-add", args=[child.public_id])

    response = signed_in_client.post(
        add,
        {
            "type": young_carer.pk,
            "source": "GP",
            "identified_on_0": "3",
            "identified_on_1": "3",
            "identified_on_2": "2025",
        },
    )

    # The service words the rule; the page shows it against the vulnerability chosen.
    (message,) = summary_errors_for(response.text, "id_type")
    assert "recorded as current" in message
    assert field_error(response.text, message)
    assert VulnerabilityFlag.objects.filter(child=child).count() == 1


def test_add_change_and_remove_a_family_member(signed_in_client, child):
    add = reverse("children:family-member-add", args=[child.public_id])

    signed_in_client.post(
        add, {"name": "Grace Okafor", "relationship": "mother", "has_parental_responsibility": "on"}
    )
    member = child.family_members.get()
    assert member.has_parental_responsibility

    edit = reverse("children:family-member-edit", args=[child.public_id, member.public_id])
    signed_in_client.post(
        edit, {"name": "Grace Okafor", "relationship": "mother", "lives_in_household": "on"}
    )
    member.refresh_from_db()
    assert (member.has_parental_responsibility, member.lives_in_household) == (False, True)

    remove = reverse("children:family-member-remove", args=[child.public_id, member.public_id])
    assert "Remove Grace Okafor" in signed_in_client.get(remove).text
    signed_in_client.post(remove)
    assert not child.family_members.exists()


def test_a_family_member_needs_a_name_and_relationship(signed_in_client, child):
    add = reverse("children:family-member-add", args=[child.public_id])

    page = signed_in_client.post(add, {"name": "", "relationship": ""}).text

    assert field_error(page, "Enter their full name")
    assert field_error(page, "Select their relationship to the child")
    assert not child.family_members.exists()


def test_identifier_form_offers_only_active_organisations(signed_in_client, child):
    OrganisationFactory(name="Closed Organisation", is_active=False)

    page = signed_in_client.get(reverse("children:identifier-add", args=[child.public_id])).text

    assert "Closed Organisation" not in page


def test_the_find_page_pauses_checks_beyond_the_limit_for_that_person(client, outsider, settings, child):
    settings.BEACON_POSSIBLE_MATCH_RATE = "2/hour"
    sign_in(client, outsider)
    for _ in range(2):
        assert client.post(FIND, {"nhs_number": spaced(child.nhs_number)}).status_code == 200

    response = client.post(FIND, {"nhs_number": spaced(child.nhs_number)})

    assert response.status_code == 429
    assert "Beacon has paused checking for you" in response.text
    assert "A record may already exist" not in response.text
    assert int(response["Retry-After"]) > 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH, child=None).count() == 2
    # Someone else is not held up by it.
    other = sign_in(Client(), ProfessionalFactory())
    assert other.post(FIND, {"nhs_number": spaced(child.nhs_number)}).status_code == 200


def test_the_find_page_and_the_api_share_one_allowance(client, api_client, outsider, settings, child):
    settings.BEACON_POSSIBLE_MATCH_RATE = "2/hour"
    sign_in(client, outsider)
    sign_in(api_client, outsider)
    assert client.post(FIND, {"nhs_number": spaced(child.nhs_number)}).status_code == 200
    assert api_client.post(MATCHES_API, {"nhs_number": child.nhs_number}, format="json").status_code == 200

    assert client.post(FIND, {"nhs_number": spaced(child.nhs_number)}).status_code == 429
    assert api_client.post(MATCHES_API, {"nhs_number": child.nhs_number}, format="json").status_code == 429


def test_the_list_never_counts_a_flag_the_viewer_may_not_see(client, child, lead_professional):
    """A sensitive flag counted in a list would tell someone without that category that it exists (R80)."""
    from apps.children.services import vulnerability_flag_add
    from tests.factories import vulnerability_type

    for code in ("young-carer", "substance-misuse"):
        vulnerability_flag_add(
            actor=lead_professional,
            child=child,
            type=vulnerability_type(code),
            source="the young person",
            identified_on=datetime.date(2026, 9, 1),
        )
    sign_in(client, lead_professional)

    row = client.get(reverse("children:list")).context["children"][0]
    assert row.current_flag_count == 1


# --- The NHS number is checked at step one (issue 14) --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("999 000 0019", "the last digit does not match the check"),
        ("999 000 001", "An NHS number is 10 digits long; this one has 9"),
        ("999-ABC-0018", "Enter an NHS number using numbers only"),
    ],
)
def test_step_one_refuses_a_mistyped_nhs_number_saying_what_is_wrong(signed_in_client, child, typed, message):
    response = signed_in_client.post(FIND, {"nhs_number": typed})

    assert response.status_code == 200  # not on to "no record found" and a second record
    page = response.text
    assert 'class="govuk-error-summary"' in page
    assert message in page
    assert "children:searched" not in signed_in_client.session  # nothing carried on to step two


def test_step_one_checks_the_nhs_number_as_the_box_is_left_with_the_same_rule(signed_in_client):
    check = reverse("children:nhs-number-check")

    form_page = signed_in_client.get(FIND).text
    assert f'hx-post="{check}"' in form_page
    assert 'hx-trigger="blur changed"' in form_page

    wrong = signed_in_client.post(check, {"nhs_number": "999 000 0019"}, headers={"HX-Request": "true"})
    assert wrong.status_code == 200
    assert "the last digit does not match the check" in wrong.text
    assert "govuk-error-message" in wrong.text

    right = signed_in_client.post(check, {"nhs_number": "999 000 0018"}, headers={"HX-Request": "true"})
    assert right.text.strip() == ""
    assert signed_in_client.post(check, {"nhs_number": ""}).text.strip() == ""
    assert signed_in_client.get(check).status_code == 405


def test_the_nhs_number_check_is_for_signed_in_professionals(client):
    response = client.post(reverse("children:nhs-number-check"), {"nhs_number": "999 000 0018"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
