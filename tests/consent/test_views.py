"""The consent pages in the browser: the register, its forms, overrides, the disclosure log, withheld data."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, ProfessionalRole
from apps.children.categories import Category
from apps.children.models import VulnerabilityFlag
from apps.consent.models import CompetenceAssessment, Consent, ConsentReview, Disclosure, SafeguardingOverride
from apps.consent.services import competence_assess, consent_record, safeguarding_override_open
from apps.notifications.models import Notification
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.auth import sign_in
from tests.factories import (
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    YoungPersonUserFactory,
    vulnerability_type,
)

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
JUSTIFICATION = (
    "Police report a missing episode tonight; we need the full picture to plan a strategy meeting."
)


def today() -> datetime.date:
    return timezone.localdate()


def date_parts(name: str, value: datetime.date | None) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def field_error(page: str, message: str) -> bool:
    """The message is in the error summary and beside the field, the GOV.UK way."""
    escaped = re.escape(message).replace("'", "(?:'|&#x27;)")
    in_summary = re.search(r'<li><a href="#[\w-]+">' + escaped + "</a></li>", page)
    beside_field = re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span> ' + escaped, page
    )
    return bool(in_summary and beside_field)


def url(name: str, child, *args) -> str:
    return reverse(f"consent:{name}", args=[child.public_id, *args])


# --- People and records -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def record_held_by_social_care(child, social_care):
    """The record belongs to the lead's organisation: their reads are not disclosures, others' are."""
    child.created_by_organisation = social_care
    child.save(update_fields=["created_by_organisation"])


@pytest.fixture
def parent(child):
    return FamilyMemberFactory(child=child, name="Grace Okafor")


@pytest.fixture
def clinician(child, lead_professional):
    """A CAMHS clinician in another organisation who can see the core record (an administrator's grant)."""
    person = ProfessionalFactory(
        username="clinician",
        display_name="Dr T Wieczorek",
        organisation=OrganisationFactory(name="Northbrook CAMHS"),
        organisation__role="camhs-clinician",
    )
    child_access_grant(
        child=child,
        user=person,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        can_change=False,
        reason="Assessment under way.",
    )
    return person


@pytest.fixture
def safeguarding_lead(social_care):
    return ProfessionalFactory(
        username="dsl",
        display_name="Sadia Safeguarding",
        organisation=social_care,
        organisation__role="safeguarding-lead",
    )


@pytest.fixture
def substance_flag(child, lead_professional):
    return VulnerabilityFlag.objects.create(
        child=child,
        type=vulnerability_type("substance-misuse"),
        source="school",
        identified_on=datetime.date(2025, 6, 1),
        note="Cannabis use at weekends",
        recorded_by=lead_professional,
    )


def consent_to(child, person, categories, *, actor, parent) -> Consent:
    return consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=parent,
        categories=categories,
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=person,
        purpose="To plan support together",
        valid_from=today(),
        form=Consent.Form.WRITTEN,
        evidence="Signed form scanned to the record",
    )


def consent_post(**overrides) -> dict:
    data = {
        "grantor": Consent.Grantor.PARENT,
        "categories": [Category.PLANS, Category.ASSESSMENTS],
        "recipient_kind": Consent.RecipientKind.ORGANISATION,
        "purpose": "To plan support at school",
        "form": Consent.Form.WRITTEN,
        "evidence": "Signed form in the school file",
        **date_parts("valid_from", today()),
        **date_parts("valid_until", None),
    }
    data.update(overrides)
    return data


# --- Who may open each page ---------------------------------------------------------------------

VIEW_PAGES = ["child-consent", "disclosures", "override-open"]
CHANGE_PAGES = ["consent-record", "competence-assess"]


@pytest.mark.parametrize("name", VIEW_PAGES + CHANGE_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, child, name):
    response = client.get(url(name, child))

    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


@pytest.mark.parametrize("name", VIEW_PAGES + CHANGE_PAGES)
def test_a_child_not_shared_is_not_found(client, child, outsider, name):
    sign_in(client, outsider)

    assert client.get(url(name, child)).status_code == 404


@pytest.mark.parametrize("name", VIEW_PAGES + CHANGE_PAGES)
def test_young_people_cannot_open_professional_pages(client, child, name):
    sign_in(client, YoungPersonUserFactory())

    assert client.get(url(name, child)).status_code == 403


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_read_only_professional_sees_the_register_log_and_can_break_the_glass(
    client, child, read_only_professional, name
):
    sign_in(client, read_only_professional)

    assert client.get(url(name, child)).status_code == 200


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_read_only_professional_cannot_change_consent(client, child, read_only_professional, name):
    sign_in(client, read_only_professional)

    assert client.get(url(name, child)).status_code == 403
    assert client.post(url(name, child), consent_post()).status_code == 403


def test_withdraw_and_review_forms_are_forbidden_to_read_only(
    client, child, lead_professional, read_only_professional, parent
):
    consent = consent_to(
        child, read_only_professional, [Category.PLANS], actor=lead_professional, parent=parent
    )
    review = ConsentReview.objects.create(
        child=child, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=today()
    )
    sign_in(client, read_only_professional)

    assert client.get(url("consent-withdraw", child, consent.public_id)).status_code == 403
    assert client.get(url("review-complete", child, review.public_id)).status_code == 403


# --- The register -------------------------------------------------------------------------------


def test_register_shows_consents_competence_reviews_and_overrides(
    signed_in_client, child, lead_professional, parent, clinician
):
    consent_to(
        child,
        clinician,
        [Category.ASSESSMENTS, Category.SUBSTANCE_MISUSE],
        actor=lead_professional,
        parent=parent,
    )
    competence_assess(
        actor=lead_professional,
        child=child,
        assessed_on=today(),
        decision="Sharing the CAMHS assessment with school",
        outcome=CompetenceAssessment.Outcome.NOT_COMPETENT,
    )
    review = ConsentReview.objects.create(
        child=child, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=today()
    )
    safeguarding_override_open(
        actor=clinician,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.RISK_OF_SERIOUS_HARM,
        justification=JUSTIFICATION,
        categories=[Category.CHRONOLOGY],
    )

    response = signed_in_client.get(url("child-consent", child))
    page = response.text

    assert response.status_code == 200
    assert "Sam" not in re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Shared with Dr T Wieczorek" in page
    assert "Grace Okafor" in page
    assert 'Substance misuse <strong class="govuk-tag govuk-tag--purple">Sensitive</strong>' in page
    assert "In force" in page
    assert "Sharing the CAMHS assessment with school" in page
    assert url("review-complete", child, review.public_id) in page
    assert "Risk of serious harm" in page
    assert "Awaiting review" in page
    assert "Not yet" in page
    assert url("consent-record", child) in page
    assert url("competence-assess", child) in page
    assert url("override-open", child) in page


def test_child_page_links_to_consent_and_disclosures(signed_in_client, child):
    page = signed_in_client.get(reverse("children:detail", args=[child.public_id])).text

    assert url("child-consent", child) in page
    assert url("disclosures", child) in page


# --- Recording consent --------------------------------------------------------------------------


def test_recording_consent_to_an_organisation(signed_in_client, child, parent, social_care):
    school = OrganisationFactory(name="Synthetic Academy")
    response = signed_in_client.post(
        url("consent-record", child),
        consent_post(parent=str(parent.public_id), recipient_organisation=str(school.public_id)),
    )

    assert response.status_code == 302
    assert response.url == url("child-consent", child) + "#consents"
    consent = Consent.objects.get(child=child)
    assert consent.recipient_organisation == school
    assert consent.parent == parent
    assert sorted(consent.categories.values_list("category", flat=True)) == ["assessments", "plans"]


def test_recording_consent_to_a_role_at_an_organisation(signed_in_client, child, parent):
    school = OrganisationFactory(name="Synthetic Academy")
    role = ProfessionalRole.objects.get(code="camhs-clinician")
    response = signed_in_client.post(
        url("consent-record", child),
        consent_post(
            parent=str(parent.public_id),
            recipient_kind=Consent.RecipientKind.ROLE,
            recipient_role_organisation=str(school.public_id),
            recipient_role=role.code,
            sensitive_categories=[Category.SUBSTANCE_MISUSE],
        ),
    )

    assert response.status_code == 302
    consent = Consent.objects.get(child=child)
    assert (consent.recipient_organisation, consent.recipient_role) == (school, role)
    assert "substance_misuse" in consent.categories.values_list("category", flat=True)


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (
            {"grantor": Consent.Grantor.YOUNG_PERSON},
            "has not been assessed as competent to decide about sharing their information",
        ),
        ({"categories": []}, "Choose at least one kind of information to share"),
        ({"parent": ""}, "Choose the person with parental responsibility who gave consent"),
        ({"recipient_organisation": ""}, "Choose the organisation it is shared with"),
    ],
)
def test_bad_consent_shows_field_errors_and_saves_nothing(
    signed_in_client, child, parent, data, field_message
):
    school = OrganisationFactory()
    post = consent_post(parent=str(parent.public_id), recipient_organisation=str(school.public_id))
    post.update(data)

    response = signed_in_client.post(url("consent-record", child), post)

    assert response.status_code == 200
    assert field_message in response.text
    assert "govuk-error-summary" in response.text
    assert not Consent.objects.exists()


def test_end_date_before_start_is_an_error_beside_the_end_date(signed_in_client, child, parent):
    post = consent_post(
        parent=str(parent.public_id),
        recipient_organisation=str(OrganisationFactory().public_id),
        **date_parts("valid_from", today() + datetime.timedelta(days=10)),
        **date_parts("valid_until", today() + datetime.timedelta(days=2)),
    )

    page = signed_in_client.post(url("consent-record", child), post).text

    assert field_error(page, "The end date must be on or after the start date")
    assert not Consent.objects.exists()


def test_a_family_member_without_parental_responsibility_cannot_consent(signed_in_client, child):
    stepfather = FamilyMemberFactory(child=child, name="Kev Step", has_parental_responsibility=False)
    post = consent_post(
        parent=str(stepfather.public_id), recipient_organisation=str(OrganisationFactory().public_id)
    )

    response = signed_in_client.post(url("consent-record", child), post)

    assert response.status_code == 200
    assert "Kev Step" not in response.text  # Not offered at all.
    assert "govuk-error-message" in response.text
    assert not Consent.objects.exists()


def test_a_competent_under_16_gives_their_own_consent(signed_in_client, child, lead_professional, clinician):
    competence_assess(
        actor=lead_professional,
        child=child,
        assessed_on=today(),
        decision="Sharing information",
        outcome=CompetenceAssessment.Outcome.COMPETENT,
    )
    post = consent_post(
        grantor=Consent.Grantor.YOUNG_PERSON,
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=str(clinician.public_id),
    )

    assert signed_in_client.post(url("consent-record", child), post).status_code == 302
    assert Consent.objects.get(child=child).recipient_user == clinician


# --- Withdrawal takes effect on the next request ------------------------------------------------


def test_withdrawal_hides_the_sensitive_vulnerability_on_the_next_request(
    client, child, lead_professional, clinician, parent, substance_flag
):
    consent = consent_to(
        child, clinician, [Category.SUBSTANCE_MISUSE], actor=lead_professional, parent=parent
    )
    sign_in(client, clinician)
    child_url = reverse("children:detail", args=[child.public_id])

    before = client.get(child_url).text
    assert "Cannabis use at weekends" in before
    assert "Withheld: no consent to share substance misuse" not in before

    lead_client = type(client)()
    sign_in(lead_client, lead_professional)
    response = lead_client.post(
        url("consent-withdraw", child, consent.public_id), {"reason": "Sam asked us to stop sharing this"}
    )
    assert response.status_code == 302

    after = client.get(child_url).text
    assert "Withheld: no consent to share substance misuse" in after
    assert "Cannabis use at weekends" not in after
    consent.refresh_from_db()
    assert consent.withdrawn_reason == "Sam asked us to stop sharing this"
    assert "Withdrawn" in lead_client.get(url("child-consent", child)).text


def test_withdrawing_needs_a_reason(signed_in_client, child, lead_professional, clinician, parent):
    consent = consent_to(child, clinician, [Category.PLANS], actor=lead_professional, parent=parent)

    page = signed_in_client.post(url("consent-withdraw", child, consent.public_id), {"reason": ""}).text

    assert field_error(page, "Record why consent was withdrawn, in the words used")
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_sensitive_vulnerability_is_withheld_without_consent_never_an_error(
    signed_in_client, child, substance_flag
):
    response = signed_in_client.get(reverse("children:detail", args=[child.public_id]))

    assert response.status_code == 200
    assert "Withheld: no consent to share substance misuse" in response.text
    assert "Cannabis use at weekends" not in response.text


# --- The team page: meetings and actions are the plans category ----------------------------------


def test_team_page_withholds_meetings_and_actions_without_plans_consent(
    client, child, lead_professional, clinician, parent
):
    from apps.teams.models import TeamMembership
    from apps.teams.services import team_member_add

    team_member_add(
        actor=lead_professional,
        child=child,
        kind=TeamMembership.Kind.PROFESSIONAL,
        user=lead_professional,
        started_on=today(),
    )
    sign_in(client, lead_professional)
    team_url = reverse("teams:team", args=[child.public_id])

    page = client.get(team_url).text
    assert "Withheld: no consent to share plans, meetings and reviews" in page
    assert "Open actions" not in page

    consent_to(child, lead_professional, [Category.PLANS], actor=lead_professional, parent=parent)
    page = client.get(team_url).text
    assert "Withheld: no consent to share" not in page
    assert "Open actions" in page


# --- Competence and reviews ---------------------------------------------------------------------


def test_recording_a_competence_assessment(signed_in_client, child, lead_professional):
    response = signed_in_client.post(
        url("competence-assess", child),
        {
            "scope": CompetenceAssessment.Scope.INFORMATION_SHARING,
            "decision": "Sharing CAMHS letters with school",
            "outcome": CompetenceAssessment.Outcome.COMPETENT,
            **date_parts("assessed_on", today()),
        },
    )

    assert response.status_code == 302
    assessment = CompetenceAssessment.objects.get(child=child)
    assert assessment.assessor == lead_professional


def test_a_future_competence_assessment_is_refused(signed_in_client, child):
    page = signed_in_client.post(
        url("competence-assess", child),
        {
            "scope": CompetenceAssessment.Scope.INFORMATION_SHARING,
            "decision": "Sharing CAMHS letters with school",
            "outcome": CompetenceAssessment.Outcome.COMPETENT,
            **date_parts("assessed_on", today() + datetime.timedelta(days=3)),
        },
    ).text

    assert field_error(page, "The assessment date must be today or in the past")
    assert not CompetenceAssessment.objects.exists()


def test_completing_a_review(signed_in_client, child):
    review = ConsentReview.objects.create(
        child=child, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=today()
    )

    response = signed_in_client.post(
        url("review-complete", child, review.public_id),
        {"outcome_note": "Sam still agrees to share with school"},
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.completed_on == today()


# --- Safeguarding overrides ---------------------------------------------------------------------


def test_opening_an_override_shows_the_information_and_alerts_the_safeguarding_lead(
    client, child, read_only_professional, safeguarding_lead, substance_flag, lead_professional
):
    # The reader works alongside the lead, so the lead's safeguarding lead is theirs too.
    OrganisationMembership.objects.filter(user=read_only_professional).update(
        organisation=OrganisationMembership.objects.get(user=lead_professional).organisation
    )
    sign_in(client, read_only_professional)
    child_url = reverse("children:detail", args=[child.public_id])
    assert "Withheld: no consent to share substance misuse" in client.get(child_url).text

    page = client.get(url("override-open", child)).text
    assert "safeguarding lead (or, where it has none, a team manager or administrator) is alerted" in page

    response = client.post(
        url("override-open", child),
        {
            "lawful_basis": SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
            "justification": JUSTIFICATION,
            "categories": [Category.SUBSTANCE_MISUSE],
        },
    )

    assert response.status_code == 302
    override = SafeguardingOverride.objects.get(child=child)
    # The confirmation names who was actually asked to review it.
    confirmation = client.get(response.url).text
    assert f"Asked to review it: {safeguarding_lead}" in confirmation
    after = client.get(child_url).text
    assert "Cannabis use at weekends" in after
    notification = Notification.objects.get(recipient=safeguarding_lead, kind=Notification.Kind.OVERRIDE)
    assert url("override-review", child, override.public_id) in notification.link


def test_an_override_needs_a_justification(signed_in_client, child):
    page = signed_in_client.post(
        url("override-open", child),
        {
            "lawful_basis": SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
            "justification": "urgent",
            "categories": [Category.PLANS],
        },
    ).text

    assert field_error(page, "Explain why this cannot wait for consent, in a sentence or two")
    assert not SafeguardingOverride.objects.exists()


@pytest.fixture
def override(child, clinician):
    return safeguarding_override_open(
        actor=clinician,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.RISK_OF_SERIOUS_HARM,
        justification=JUSTIFICATION,
        categories=[Category.ASSESSMENTS],
    )


def test_review_page_is_forbidden_to_those_who_are_not_safeguarding_leads(
    client, child, override, lead_professional, outsider
):
    review_url = url("override-review", child, override.public_id)
    sign_in(client, lead_professional)
    assert client.get(review_url).status_code == 403
    assert client.post(review_url, {"outcome": "upheld", "note": "Fine"}).status_code == 403

    sign_in(client, outsider)
    assert client.get(review_url).status_code == 404


def test_the_safeguarding_lead_reviews_and_ends_an_override(client, child, override, safeguarding_lead):
    sign_in(client, safeguarding_lead)
    review_url = url("override-review", child, override.public_id)

    assert client.get(review_url).status_code == 200
    response = client.post(
        review_url,
        {
            "outcome": SafeguardingOverride.ReviewOutcome.UPHELD,
            "note": "Justified on the facts",
            "end_now": "on",
        },
    )

    assert response.status_code == 302
    override.refresh_from_db()
    assert override.reviewed_by == safeguarding_lead
    assert override.ended_at is not None


def test_a_safeguarding_lead_the_override_does_not_concern_is_offered_no_review_and_refused_it(
    client, child, override, safeguarding_lead
):
    elsewhere = ProfessionalFactory(username="dsl.elsewhere", organisation__role="safeguarding-lead")
    for lead in (safeguarding_lead, elsewhere):  # Both may see the child; only one leads where it concerns.
        child_access_grant(
            child=child,
            user=lead,
            basis=AccessGrant.Basis.ADMINISTRATOR,
            granted_by=None,
            can_change=False,
            reason="Strategy discussion.",
        )
    review_url = url("override-review", child, override.public_id)

    sign_in(client, safeguarding_lead)
    assert review_url in client.get(url("child-consent", child)).text
    client.logout()
    sign_in(client, elsewhere)

    assert review_url not in client.get(url("child-consent", child)).text
    assert client.get(review_url).status_code == 403


def test_recording_that_the_young_person_was_told(signed_in_client, child, override, lead_professional):
    response = signed_in_client.post(
        url("override-told", child, override.public_id), date_parts("told_on", today())
    )

    assert response.status_code == 302
    override.refresh_from_db()
    assert override.young_person_told_on == today()
    assert "Yes, on" in signed_in_client.get(url("child-consent", child)).text


def test_recording_told_is_forbidden_to_a_reader_who_did_not_open_it(
    client, child, override, read_only_professional
):
    sign_in(client, read_only_professional)

    assert client.get(url("override-told", child, override.public_id)).status_code == 403


# --- Who has seen this child's information ------------------------------------------------------


def test_disclosure_log_reads_in_plain_english(client, child, lead_professional, clinician, parent):
    consent_to(child, clinician, [Category.ASSESSMENTS], actor=lead_professional, parent=parent)
    sign_in(client, clinician)
    client.get(reverse("children:detail", args=[child.public_id]))
    disclosure = Disclosure.objects.filter(child=child, viewer=clinician).first()
    assert disclosure.basis == Disclosure.Basis.CONSENT

    sign_in(client, lead_professional)
    page = client.get(url("disclosures", child)).text

    when = timezone.localtime(disclosure.occurred_at)
    assert "Dr T Wieczorek from Northbrook CAMHS</span>" in page
    seen = "saw assessments and measures, core record, team around the child"
    assert f"{seen} on {when:%-d %B %Y} at {when:%H:%M}" in page
    assert "in Beacon, because a parent or carer agreed (consent)." in page
    assert "Sam" not in re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_disclosure_log_is_paged_50_at_a_time(signed_in_client, child, clinician):
    Disclosure.objects.bulk_create(
        Disclosure(
            child=child, viewer=clinician, categories=["core"], interface="api", basis=Disclosure.Basis.TEAM
        )
        for _ in range(51)
    )

    first = signed_in_client.get(url("disclosures", child)).text
    second = signed_in_client.get(url("disclosures", child) + "?page=2").text

    assert first.count("through another system, as a member of the team") == 50
    assert "govuk-pagination" in first
    assert second.count("through another system, as a member of the team") == 1


def test_the_lead_can_open_every_form(
    signed_in_client, child, lead_professional, clinician, parent, override
):
    consent = consent_to(child, clinician, [Category.PLANS], actor=lead_professional, parent=parent)
    review = ConsentReview.objects.create(child=child, reason=ConsentReview.Reason.TRANSITION, due_on=today())
    pages = [
        url("consent-record", child),
        url("competence-assess", child),
        url("consent-withdraw", child, consent.public_id),
        url("review-complete", child, review.public_id),
        url("override-open", child),
        url("override-told", child, override.public_id),
    ]

    for page_url in pages:
        response = signed_in_client.get(page_url)
        assert response.status_code == 200, page_url
        assert "Sam" not in re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)

    record = signed_in_client.get(url("consent-record", child)).text
    assert "never with parents or carers" in record
    assert "Grace Okafor" in record
    assert 'name="sensitive_categories"' in record
    assert 'class="govuk-radios__conditional' in record


def test_a_young_person_sees_who_has_their_information_in_plain_english(client):
    from apps.accounts.models import User
    from apps.consent.models import Consent
    from apps.consent.services import consent_record
    from apps.sharing.selectors import access_child
    from tests.factories import ChildFactory, ProfessionalFactory, UserFactory

    account = UserFactory(kind=User.Kind.YOUNG_PERSON, username="jay")
    child = ChildFactory(
        given_name="Jay", date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 17)
    )
    child.account = account
    child.save()
    worker = ProfessionalFactory(display_name="Cara Clinician")
    consent_record(
        actor=worker,
        child=child,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=["core", "assessments"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=worker,
        purpose="To plan support with school",
        valid_from=timezone.localdate(),
        form=Consent.Form.VERBAL,
        evidence="Agreed in session",
    )
    access_child(worker, child.public_id)
    sign_in(client, account)
    page = client.get(reverse("consent:my-information")).content.decode()
    assert "Cara Clinician</span> can see your core record, assessments and measures" in page
    assert "because you agreed" in page


def test_the_my_information_page_is_only_for_young_people(client, lead_professional):
    sign_in(client, lead_professional)
    assert client.get(reverse("consent:my-information")).status_code == 404


def test_keeping_something_from_parents_needs_a_competent_young_person(signed_in_client, child):
    url = reverse("consent:parent-withholding-add", args=[child.public_id])
    response = signed_in_client.post(url, {"category": "appointments", "judgement": "She asked."})
    assert response.status_code == 200
    assert "competent" in response.content.decode()
    assert not child.parent_withholdings.exists()
