"""Never lose typing (issue 14): typing keeps the session alive through a small authenticated POST, and a long
form's draft is kept on the server, restored only to its author on that form, deleted once the form is sent
and when it runs out."""

import datetime
import json

import pytest
import time_machine
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.drafts import draft_for, draft_save, drafts_purge_expired
from apps.accounts.models import FormDraft
from apps.accounts.tasks import form_drafts_purge
from apps.audit.models import AuditEvent
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.models import Meeting
from tests.auth import sign_in
from tests.factories import ProfessionalFactory

# The team's fixtures: a lead professional in the team with consent to see plans, and a member.
from tests.teams.test_views import lead_membership, meeting_data, member, member_membership  # noqa: F401

pytestmark = pytest.mark.django_db

KEEP_ALIVE = reverse("accounts:session-keep-alive")
CHILDREN = reverse("children:list")
VIEWS = "When we met, Sam said she does not feel safe walking home past the park."


def meeting_form(child) -> str:
    return reverse("teams:meeting-record", args=[child.public_id])


def typed(child, **fields) -> dict[str, str]:
    """What the page sends with its keep-alive while someone types into the meeting form."""
    values = {"young_person_views": [VIEWS], "location": ["Riverside Academy"], **fields}
    return {"draft_key": meeting_form(child), "draft": json.dumps(values)}


# --- The keep-alive ----------------------------------------------------------------------------


def test_keep_alive_is_a_post_answering_204_signed_in_and_401_signed_out(signed_in_client):
    assert signed_in_client.post(KEEP_ALIVE).status_code == 204
    assert signed_in_client.get(KEEP_ALIVE).status_code == 405
    assert Client().post(KEEP_ALIVE).status_code == 401


def test_keep_alive_needs_the_csrf_token(lead_professional):
    browser = sign_in(Client(enforce_csrf_checks=True), lead_professional)
    assert browser.post(KEEP_ALIVE).status_code == 403  # another site cannot keep a session alive

    page = browser.get(CHILDREN)
    token = str(page.context["csrf_token"])
    assert browser.post(KEEP_ALIVE, headers={"X-CSRFToken": token}).status_code == 204


def test_typing_keeps_the_session_past_the_idle_limit(client, lead_professional, settings):
    settings.BEACON_SESSION_IDLE_MINUTES = 30
    with time_machine.travel("2026-11-23 09:00 +00:00", tick=False) as clock:
        sign_in(client, lead_professional)
        client.get(CHILDREN)
        for _ in range(4):  # Two hours of typing, the page telling the server every 25 minutes at most.
            clock.shift(25 * 60)
            assert client.post(KEEP_ALIVE).status_code == 204
        clock.shift(25 * 60)
        assert client.get(CHILDREN).status_code == 200

        clock.shift(31 * 60)  # Then away from the desk: the server ends it.
        assert client.post(KEEP_ALIVE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_keep_alive_does_not_pass_the_absolute_limit(client, lead_professional, child, settings):
    settings.BEACON_SESSION_MAX_AGE_HOURS = 1
    settings.BEACON_SESSION_IDLE_MINUTES = 30
    with time_machine.travel("2026-11-23 08:00 +00:00", tick=False) as clock:
        sign_in(client, lead_professional)
        for _ in range(5):
            clock.shift(10 * 60)
            assert client.post(KEEP_ALIVE, typed(child)).status_code == 204
        clock.shift(11 * 60)  # 61 minutes after signing in, typing all the while.
        response = client.post(KEEP_ALIVE, typed(child, decisions=["Typed after the limit"]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in client.session
    # What was sent after the limit is not kept: the session had ended before the view ran.
    assert "decisions" not in FormDraft.objects.get(user=lead_professional).fields


def test_keep_alive_is_not_a_record_read(signed_in_client, child):
    before = AuditEvent.objects.count()

    assert signed_in_client.post(KEEP_ALIVE).status_code == 204
    assert signed_in_client.post(KEEP_ALIVE, typed(child)).status_code == 204

    assert AuditEvent.objects.count() == before


# --- Drafts ---------------------------------------------------------------------------------------


def test_typing_into_the_meeting_form_keeps_a_draft_and_the_form_shows_it_again(
    signed_in_client, lead_professional, child
):
    with time_machine.travel("2026-11-23 14:32 +00:00", tick=False):
        assert signed_in_client.post(KEEP_ALIVE, typed(child)).status_code == 204
    draft = FormDraft.objects.get(user=lead_professional)
    assert draft.fields["young_person_views"] == [VIEWS]

    with time_machine.travel("2026-11-23 14:50 +00:00", tick=False):
        page = signed_in_client.get(meeting_form(child)).content.decode()

    assert f'data-form-draft="{meeting_form(child)}"' in page
    fields = page.split('id="form-draft-fields" type="application/json">')[1].split("</script>")[0]
    assert json.loads(fields)["young_person_views"] == [VIEWS]
    # Hidden until the page's script has put the draft back, so it never claims a restore that did not happen.
    assert 'id="form-draft-restored" hidden' in page
    assert "We restored what you had typed at 14:32</p>" in page


def test_a_draft_from_another_day_says_which_day(signed_in_client, lead_professional, child):
    with time_machine.travel("2026-11-20 16:05 +00:00", tick=False):
        signed_in_client.post(KEEP_ALIVE, typed(child))
    with time_machine.travel("2026-11-23 09:00 +00:00", tick=False):
        sign_in(signed_in_client, lead_professional)  # Monday morning, signing in again
        page = signed_in_client.get(meeting_form(child)).content.decode()
    assert "We restored what you had typed at 16:05 on 20 November 2026" in page


def test_a_draft_is_only_ever_shown_to_its_author(signed_in_client, lead_professional, child, outsider):
    colleague = ProfessionalFactory(username="colleague", display_name="Cole League")
    child_access_grant(
        child=child, user=colleague, basis=AccessGrant.Basis.ADMINISTRATOR, granted_by=None, reason="Cover."
    )
    signed_in_client.post(KEEP_ALIVE, typed(child))

    colleague_page = sign_in(Client(), colleague).get(meeting_form(child))
    assert colleague_page.status_code == 200  # the colleague may record a meeting for this child ...
    assert VIEWS not in colleague_page.content.decode()  # ... but never sees the lead's draft
    assert "We restored" not in colleague_page.content.decode()

    # Someone without access gets the page's 404, whatever drafts exist for it.
    outsider_browser = sign_in(Client(), outsider)
    outsider_browser.post(KEEP_ALIVE, typed(child, decisions=["Outsider's words"]))
    refused = outsider_browser.get(meeting_form(child))
    assert refused.status_code == 404
    assert VIEWS not in refused.content.decode()
    assert draft_for(user=lead_professional, key=meeting_form(child)).fields["young_person_views"] == [VIEWS]


def test_sending_the_meeting_form_deletes_the_draft_and_a_refused_send_keeps_it(
    signed_in_client,
    lead_professional,
    child,
    member_membership,  # noqa: F811 (the team's fixture, imported above)
):
    signed_in_client.post(KEEP_ALIVE, typed(child))

    refused = signed_in_client.post(
        meeting_form(child), meeting_data(member_membership, young_person_views="")
    )
    assert refused.status_code == 200  # drawn again with its errors
    assert "We restored" not in refused.content.decode()  # what was just sent is newer than the draft
    assert FormDraft.objects.filter(user=lead_professional).exists()

    sent = signed_in_client.post(meeting_form(child), meeting_data(member_membership))
    assert sent.status_code == 302
    assert Meeting.objects.filter(child=child).count() == 1
    assert not FormDraft.objects.filter(user=lead_professional).exists()
    assert "We restored" not in signed_in_client.get(meeting_form(child)).content.decode()


def test_a_draft_runs_out_and_is_purged(signed_in_client, lead_professional, child, settings):
    settings.BEACON_FORM_DRAFT_HOURS = 72
    with time_machine.travel("2026-11-20 16:00 +00:00", tick=False) as clock:
        signed_in_client.post(KEEP_ALIVE, typed(child))
        other = ProfessionalFactory()
        draft_save(user=other, key=meeting_form(child), fields={"location": ["Later"]})
        FormDraft.objects.filter(user=other).update(updated_at="2026-11-22 16:00+00:00")

        clock.shift(datetime.timedelta(hours=71, minutes=59))
        assert draft_for(user=lead_professional, key=meeting_form(child)) is not None
        assert drafts_purge_expired() == 0

        clock.shift(datetime.timedelta(minutes=2))
        sign_in(signed_in_client, lead_professional)
        # Never shown once run out, even before the purge.
        assert VIEWS not in signed_in_client.get(meeting_form(child)).content.decode()
        assert form_drafts_purge() == 1
    assert list(FormDraft.objects.values_list("user", flat=True)) == [other.pk]


def test_a_draft_never_keeps_passwords_codes_or_tokens(signed_in_client, lead_professional, child):
    fields = {"decisions": ["Keep CBT weekly"], "password": ["hunter2"], "otp_code": ["123456"]}
    fields["csrfmiddlewaretoken"] = ["abc"]
    response = signed_in_client.post(
        KEEP_ALIVE, {"draft_key": meeting_form(child), "draft": json.dumps(fields)}
    )

    assert response.status_code == 204
    assert FormDraft.objects.get(user=lead_professional).fields == {"decisions": ["Keep CBT weekly"]}


@pytest.mark.parametrize(
    ("key", "draft"),
    [
        (CHILDREN, json.dumps({"q": ["Sam"]})),  # a page that keeps no draft
        ("/not-a-page/", json.dumps({"q": ["Sam"]})),
        (None, "not json"),
        (None, json.dumps(["a list"])),
        (None, json.dumps({"decisions": "not a list"})),
        (None, json.dumps({"decisions": ["x" * 100_001]})),
    ],
)
def test_a_draft_no_form_would_send_is_refused_but_the_session_is_kept(
    signed_in_client, lead_professional, child, key, draft
):
    response = signed_in_client.post(KEEP_ALIVE, {"draft_key": key or meeting_form(child), "draft": draft})

    assert response.status_code == 400
    assert not FormDraft.objects.exists()
    assert signed_in_client.get(CHILDREN).status_code == 200


def test_every_long_form_is_marked_for_drafts_and_other_forms_are_not(signed_in_client, child):
    page = signed_in_client.get(meeting_form(child)).content.decode()
    assert "data-form-draft=" in page

    action_page = signed_in_client.get(reverse("teams:action-add", args=[child.public_id])).content.decode()
    assert "data-form-draft=" not in action_page  # same page template, a short form


def test_the_template_tag_offers_nothing_to_someone_signed_out(child):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template
    from django.urls import resolve

    request = RequestFactory().get(meeting_form(child))
    request.user = AnonymousUser()
    request.resolver_match = resolve(request.path)
    get_token(request)
    assert Template("{% load drafts %}{% form_draft %}").render(Context({"request": request})) == ""


def test_the_warning_says_that_typing_counts_and_drafts_are_kept(signed_in_client, settings):
    settings.BEACON_KEEP_ALIVE_SECONDS = 45
    page = signed_in_client.get(CHILDREN).content.decode()

    assert 'data-session-keep-alive-seconds="45"' in page
    assert "Typing counts as doing something: you stay signed in while you type." in page


def test_every_draft_form_names_a_page_that_exists():
    from django.urls import get_resolver

    from apps.accounts.drafts import DRAFT_FORMS

    resolver = get_resolver()
    names = {
        f"{namespace}:{name}"
        for namespace, (_prefix, sub) in resolver.namespace_dict.items()
        for name in sub.reverse_dict
        if isinstance(name, str)
    }
    assert set(DRAFT_FORMS) <= names
