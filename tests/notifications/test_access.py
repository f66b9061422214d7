"""Messages obey the one access decision: a notification about a child reaches a person only if they could
see the category it is about, today, when it is made, when each email or text leaves, and when it is listed.
"""

import datetime

import pytest
import time_machine
from django.core import mail

from apps.accounts.models import User
from apps.appointments.services import appointment_outcome_record
from apps.children.categories import Category
from apps.consent.models import Consent
from apps.consent.services import (
    consent_withdraw,
    parent_withholding_record,
)
from apps.notifications.models import Delivery, Notification, Reminder
from apps.notifications.services import (
    NO_LONGER_SHARED,
    delivery_send,
    notification_send,
    reminder_due_sweep,
    reminder_schedule,
)
from apps.sharing.access import child_access
from apps.sharing.models import LawfulBasis
from tests.appointments.factories import booked
from tests.factories import ProfessionalFactory, UserFactory
from tests.notifications.factories import parent_with, young_person_competent
from tests.referrals.factories import accepted_referral, camhs_organisation
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

# The category each kind of message is about, as its callers send it. Every kind must be here, so a new kind
# cannot be added without saying what it is about.
CATEGORY_OF_KIND = {
    Notification.Kind.ACTION_DUE_SOON: Category.PLANS,
    Notification.Kind.ACTION_OVERDUE: Category.PLANS,
    Notification.Kind.HANDOVER: Category.TEAM,
    Notification.Kind.CONTINUITY: Category.TEAM,
    Notification.Kind.OVERRIDE: Category.CORE,
    Notification.Kind.MISSED_APPOINTMENT: Category.APPOINTMENTS,
    Notification.Kind.FOLLOW_UP_DUE: Category.APPOINTMENTS,
    Notification.Kind.FOLLOW_UP_OVERDUE: Category.APPOINTMENTS,
    Notification.Kind.SAFEGUARDING_ESCALATION: Category.APPOINTMENTS,
    Notification.Kind.APPOINTMENT_REMINDER: Category.APPOINTMENTS,
    Notification.Kind.WAITING_CONTACT_DUE: Category.REFERRALS,
    Notification.Kind.WAITING_WORSE: Category.REFERRALS,
    Notification.Kind.WAIT_TARGET_AT_RISK: Category.REFERRALS,
    Notification.Kind.CONSULTATION: Category.REFERRALS,
    Notification.Kind.REFERRAL_RECEIVED: Category.REFERRALS,
    Notification.Kind.REFERRAL_ACCEPTED: Category.REFERRALS,
    Notification.Kind.REFERRAL_DECLINED: Category.REFERRALS,
    Notification.Kind.REFERRAL_TRIAGED: Category.REFERRALS,
    Notification.Kind.REFERRAL_OFFERED: Category.REFERRALS,
    Notification.Kind.DECLINE_REVIEW: Category.REFERRALS,
    Notification.Kind.MESSAGE: Category.CORE,
    Notification.Kind.PASSPORT_PROPOSAL: Category.CORE,
    Notification.Kind.PASSPORT_DECISION: Category.CORE,
    # A request for access names the child only to someone who sees the core record (apps.teams), else none.
    Notification.Kind.ACCESS_REQUEST: Category.CORE,
    Notification.Kind.ACCESS_REQUEST_ANSWER: Category.CORE,
}
TODAY = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)


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


def test_every_kind_of_message_has_a_category():
    assert set(CATEGORY_OF_KIND) == set(Notification.Kind)


@pytest.mark.parametrize("kind", list(Notification.Kind))
def test_a_parent_hears_about_a_category_only_if_they_may_see_it(kind, child, lead_professional):
    category = CATEGORY_OF_KIND[kind]
    young_person_competent(child, lead_professional)
    may = parent_with(child, lead_professional, Category.CORE, category)
    # A parent with no consent at all for a message about the core record; else consent without the category.
    may_not = UserFactory(kind=User.Kind.PARENT_CARER)
    if category != Category.CORE:
        may_not = parent_with(child, lead_professional, Category.CORE)

    told, created = _send(may, child, kind=kind, category=category, key=f"{kind}:may")
    withheld, withheld_created = _send(may_not, child, kind=kind, category=category, key=f"{kind}:may-not")

    assert created
    assert told.category == category
    assert (withheld, withheld_created) == (None, False)
    assert not Notification.objects.filter(recipient=may_not).exists()
    if category != Category.CORE:
        # The young person asks for it to be kept from parents: the parent who could hears nothing more.
        parent_withholding_record(
            actor=lead_professional, child=child, category=category, judgement="She is 16 and clear about it."
        )
        assert _send(may, child, kind=kind, category=category, key=f"{kind}:after") == (None, False)


def test_a_sensitive_category_never_reaches_a_parent(child, lead_professional):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS)
    sent = _send(
        parent, child, kind=Notification.Kind.MESSAGE, category=Category.SUBSTANCE_MISUSE, key="sensitive"
    )
    assert sent == (None, False)


def test_a_message_about_a_child_must_say_which_category(child, lead_professional):
    with pytest.raises(ValueError, match="category"):
        notification_send(
            recipient=lead_professional,
            kind=Notification.Kind.MESSAGE,
            dedupe_key="no-category",
            subject="About Sam",
            subject_for_email="news",
            child=child,
        )


def test_a_withheld_message_is_logged_without_naming_anyone(child, caplog):
    parent = UserFactory(kind=User.Kind.PARENT_CARER, display_name="Grace Okafor")
    with caplog.at_level("INFO", logger="apps.notifications.services"):
        _send(parent, child, kind=Notification.Kind.MESSAGE, category=Category.CORE, key="logged")
    (record,) = [r for r in caplog.records if "withheld" in r.getMessage()]
    assert record.category == Category.CORE
    assert "Okafor" not in str(record.__dict__)
    assert "Sam" not in str(record.__dict__)


# --- The referral decision's text to the family -------------------------------------------------------


@pytest.fixture
def decided(child, lead_professional):
    """Accept a referral for ``child`` (the lead professional referred): the family is told."""
    camhs = camhs_organisation()
    clinician = ProfessionalFactory(
        username="clinician", organisation=camhs, organisation__role="camhs-clinician"
    )

    def decide():
        return accepted_referral(child, lead_professional, camhs, clinician)

    return decide


def _family_told(parent) -> bool:
    return Notification.objects.filter(recipient=parent, kind=Notification.Kind.REFERRAL_ACCEPTED).exists()


def test_the_referral_decision_reaches_a_parent_whose_consent_covers_referrals(
    child, lead_professional, decided
):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS)
    decided()
    notification = Notification.objects.get(recipient=parent, kind=Notification.Kind.REFERRAL_ACCEPTED)
    assert notification.child == child
    assert notification.category == Category.REFERRALS
    assert "has said yes" in notification.body


def test_the_referral_decision_never_reaches_a_parent_whose_consent_does_not_cover_referrals(
    child, lead_professional, decided
):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.APPOINTMENTS)
    decided()
    assert not _family_told(parent)


def test_the_referral_decision_never_reaches_a_parent_whose_consent_has_ended(
    child, lead_professional, decided
):
    with time_machine.travel(TODAY, tick=False):
        young_person_competent(child, lead_professional)
        parent = parent_with(
            child,
            lead_professional,
            Category.CORE,
            Category.REFERRALS,
            valid_until=datetime.date(2026, 11, 24),
        )
    with time_machine.travel(TODAY + datetime.timedelta(days=2), tick=False):
        decided()
    assert not _family_told(parent)


def test_the_referral_decision_never_reaches_a_parent_once_referrals_are_kept_from_parents(
    child, lead_professional, decided
):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS)
    parent_withholding_record(
        actor=lead_professional,
        child=child,
        category=Category.REFERRALS,
        judgement="Sam is clear she wants to tell her mum herself; no safeguarding concern.",
    )
    decided()
    assert not _family_told(parent)


def test_the_referral_decision_reaches_the_young_persons_own_account(child, lead_professional, decided):
    account = UserFactory(kind=User.Kind.YOUNG_PERSON)
    child.account = account
    child.save(update_fields=["account"])
    decided()
    assert _family_told(account)


# --- Access ending between the event and the send ------------------------------------------------------


def test_an_email_is_not_sent_when_access_ended_between_the_event_and_the_send(child, lead_professional):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS)
    # Made now; the worker picks the email up later (the on-commit enqueue is not run here).
    notification, _ = _send(
        parent, child, kind=Notification.Kind.REFERRAL_ACCEPTED, category=Category.REFERRALS, key="late"
    )
    consent_withdraw(
        actor=lead_professional, consent=Consent.objects.get(recipient_user=parent), reason="Asked"
    )

    email = Delivery.objects.get(notification=notification, channel=Delivery.Channel.EMAIL)
    assert delivery_send(delivery_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == Delivery.Status.NOT_NEEDED
    assert email.reason == NO_LONGER_SHARED
    assert mail.outbox == []


def test_an_email_is_sent_while_access_lasts(child, lead_professional):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS)
    notification, _ = _send(
        parent, child, kind=Notification.Kind.REFERRAL_ACCEPTED, category=Category.REFERRALS, key="in-time"
    )
    email = Delivery.objects.get(notification=notification, channel=Delivery.Channel.EMAIL)
    assert delivery_send(delivery_id=email.pk) is True
    assert len(mail.outbox) == 1


def test_a_reminder_that_falls_due_after_access_ended_is_withheld(child, lead_professional):
    young_person_competent(child, lead_professional)
    parent = parent_with(child, lead_professional, Category.CORE, Category.APPOINTMENTS)
    reminder, _ = reminder_schedule(
        recipient=parent,
        kind=Notification.Kind.APPOINTMENT_REMINDER,
        dedupe_key="appointment:1:reminder",
        due_at=TODAY,
        subject="Sam's appointment is tomorrow",
        subject_for_email="an appointment is tomorrow",
        child=child,
        category=Category.APPOINTMENTS,
    )
    parent_withholding_record(
        actor=lead_professional, child=child, category=Category.APPOINTMENTS, judgement="He goes on his own."
    )
    reminder_due_sweep(now=TODAY + datetime.timedelta(days=400))
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.WITHHELD
    assert not Notification.objects.filter(recipient=parent).exists()


# --- Coordination: the lead professional is still told ----------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_lead_professional_is_still_told_of_a_missed_appointment(child, lead_professional):
    lead_for(child, lead_professional)
    assert child_access(user=lead_professional, child=child).basis(Category.APPOINTMENTS) == (
        LawfulBasis.COORDINATION
    )
    clinician = ProfessionalFactory(username="clinician", organisation__role="camhs-clinician")
    appointment = booked(child, clinician)
    appointment_outcome_record(actor=clinician, appointment=appointment, outcome="did_not_attend")
    notification = Notification.objects.get(
        recipient=lead_professional, kind=Notification.Kind.MISSED_APPOINTMENT
    )
    assert notification.category == Category.APPOINTMENTS
    assert notification.involved
    email = Delivery.objects.get(notification=notification, channel=Delivery.Channel.EMAIL)
    assert delivery_send(delivery_id=email.pk) is True
