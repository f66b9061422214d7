"""The in-app list obeys the one access decision too: a message about information no longer shared with the
person stays listed (it was theirs, and the unread count stays true) with its subject, text and link withheld.
"""

import pytest
from django.urls import reverse

from apps.children.categories import Category
from apps.consent.services import parent_withholding_record
from apps.notifications.models import Notification
from apps.notifications.selectors import WITHHELD_SUBJECT, notification_list, notifications_readable
from apps.notifications.services import notification_send
from tests.auth import sign_in
from tests.notifications.factories import parent_with, young_person_competent

pytestmark = pytest.mark.django_db


def _send(recipient, child, *, kind, category, key):
    return notification_send(
        recipient=recipient,
        kind=kind,
        dedupe_key=key,
        subject=f"Something about {child.known_as}",
        subject_for_email="there is news",
        body="MARKER-BODY",
        child=child,
        category=category,
    )


def test_a_message_about_information_no_longer_shared_stays_listed_with_its_subject_withheld(
    child, lead_professional
):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS)
    kept, _ = _send(
        parent, child, kind=Notification.Kind.REFERRAL_ACCEPTED, category=Category.REFERRALS, key="a"
    )
    parent_withholding_record(
        actor=lead_professional, child=child, category=Category.REFERRALS, judgement="She asked, and is 16."
    )
    (listed,) = notifications_readable(user=parent, notifications=notification_list(user=parent))
    assert listed.pk == kept.pk
    assert listed.is_withheld
    assert (listed.subject, listed.body, listed.link) == (WITHHELD_SUBJECT, "", "")


def test_the_notifications_page_does_not_show_a_withheld_message(client, child, lead_professional):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS, username="mum")
    _send(parent, child, kind=Notification.Kind.REFERRAL_ACCEPTED, category=Category.REFERRALS, key="b")
    parent_withholding_record(
        actor=lead_professional, child=child, category=Category.REFERRALS, judgement="She asked, and is 16."
    )
    sign_in(client, parent)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "MARKER-BODY" not in page
    assert child.known_as not in page
    assert WITHHELD_SUBJECT in page


def test_the_notifications_page_asks_the_decision_once_whatever_the_length(
    client, child, lead_professional, django_assert_max_num_queries
):
    sign_in(client, lead_professional)
    for number in range(30):
        _send(
            lead_professional, child, kind=Notification.Kind.MESSAGE, category=Category.CORE, key=f"n{number}"
        )
    with django_assert_max_num_queries(12) as counted:
        client.get(reverse("notifications:list"))
    few = len(counted.captured_queries)
    for number in range(30, 60):
        _send(
            lead_professional, child, kind=Notification.Kind.MESSAGE, category=Category.CORE, key=f"n{number}"
        )
    with django_assert_max_num_queries(few):
        client.get(reverse("notifications:list") + "?page=2")
