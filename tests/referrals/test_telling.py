"""Who is told of each change of a referral's state (R51), with the "what to expect" page (R141).

One function (``apps.referrals.services.telling.referral_tell``) decides: the referrer, the lead
professional, and, where the access decision allows, the young person and family. Nobody is told of their
own action, a parent the young person kept referrals from hears nothing, telling twice tells nobody twice,
and a referral made without consent is not told to the family by Beacon.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import Category
from apps.consent.services import coordination_objection_record, parent_withholding_record
from apps.notifications.models import Delivery, Notification
from apps.notifications.services import deliveries_enqueue
from apps.referrals.services import (
    referral_accept,
    referral_clock_record,
    referral_decline,
    referral_triage,
)
from apps.referrals.services.telling import referral_tell
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.directory.factories import service
from tests.factories import ProfessionalFactory, UserFactory
from tests.notifications.factories import parent_with, young_person_competent
from tests.referrals.factories import referral_for
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

ALTERNATIVE = {
    "kind": "named_service",
    "service_name": "Open Door Counselling",
    "detail": "Open Door can see Sam within three weeks; school will help her go the first time.",
}


@pytest.fixture
def world(child, lead_professional, camhs, spa_clinician):
    """Sam, her lead professional, a school referrer, her own account, a parent she shares referrals with,
    a parent from whom she has kept referrals, and an outsider; CAMHS has a directory entry."""
    lead_for(child, lead_professional)
    referrer = ProfessionalFactory(username="teacher", display_name="Tess Teacher")
    child_access_grant(
        child=child, user=referrer, basis=AccessGrant.Basis.ADMINISTRATOR, granted_by=None, reason="School"
    )
    young_person = UserFactory(kind=User.Kind.YOUNG_PERSON)
    child.account = young_person
    child.save(update_fields=["account"])
    young_person_competent(child, lead_professional)
    mum = parent_with(child, lead_professional, Category.CORE, Category.REFERRALS, username="mum")
    entry = service("Synthetic CAMHS service", kind="statutory", organisation=camhs)
    return {
        "child": child,
        "lead": lead_professional,
        "referrer": referrer,
        "young_person": young_person,
        "mum": mum,
        "clinician": spa_clinician,
        "camhs": camhs,
        "page": reverse("directory:what-to-expect", kwargs={"service_id": entry.public_id}),
    }


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def family_note(person: User, kind: str) -> Notification:
    return Notification.objects.get(recipient=person, kind=kind)


def test_received_tells_the_lead_the_service_and_the_family_with_what_to_expect_not_the_referrer(world):
    referral = referral_for(world["child"], world["referrer"], world["camhs"], route="school")

    received = told(Notification.Kind.REFERRAL_RECEIVED)
    # The referrer made it (their own action); the receiving clinician is asked to triage it.
    assert world["referrer"].pk not in received
    assert {world["lead"].pk, world["clinician"].pk, world["young_person"].pk, world["mum"].pk} == received
    for person in (world["young_person"], world["mum"]):
        note = family_note(person, Notification.Kind.REFERRAL_RECEIVED)
        # The acknowledgement, in plain words behind the sign-in, with the service's "what to expect" page.
        assert "has your request for help" in note.body
        assert note.link == world["page"]
        assert world["page"] in note.body
        assert "Sam" not in note.subject
        assert "CAMHS" not in note.subject
    assert referral.status == "received"


def test_triage_tells_referrer_lead_and_family_once_not_the_triager_and_not_again_on_retriage(world):
    referral = referral_for(world["child"], world["referrer"], world["camhs"], route="school")
    referral_triage(actor=world["clinician"], referral=referral, urgency="routine")
    referral_triage(actor=world["clinician"], referral=referral, urgency="urgent")  # Things got worse.

    triaged = Notification.objects.filter(kind=Notification.Kind.REFERRAL_TRIAGED)
    assert sorted(triaged.values_list("recipient", flat=True)) == sorted(
        [world["referrer"].pk, world["lead"].pk, world["young_person"].pk, world["mum"].pk]
    )
    note = family_note(world["young_person"], Notification.Kind.REFERRAL_TRIAGED)
    assert "has looked at the request for help" in note.body
    # Never the urgency or anything clinical in what the family reads.
    assert "urgent" not in note.body.lower()
    assert "routine" not in note.body.lower()


def test_a_parent_the_young_person_kept_referrals_from_hears_of_no_change(world):
    parent_withholding_record(
        actor=world["lead"],
        child=world["child"],
        category=Category.REFERRALS,
        judgement="Sam wants to tell her mum herself; no safeguarding concern.",
    )
    referral = referral_for(world["child"], world["referrer"], world["camhs"], route="school")
    referral_triage(actor=world["clinician"], referral=referral, urgency="routine")
    referral_decline(
        actor=world["clinician"],
        referral=referral,
        reason="not_specialist_need",
        explanation="Sam's needs can be met nearer home.",
        alternatives=[ALTERNATIVE],
    )

    assert not Notification.objects.filter(recipient=world["mum"]).exists()
    # Sam herself is told of each change, the decline included.
    kinds = set(Notification.objects.filter(recipient=world["young_person"]).values_list("kind", flat=True))
    assert kinds == {
        Notification.Kind.REFERRAL_RECEIVED,
        Notification.Kind.REFERRAL_TRIAGED,
        Notification.Kind.REFERRAL_DECLINED,
    }
    assert world["referrer"].pk in told(Notification.Kind.REFERRAL_DECLINED)


def test_a_lead_the_young_person_objected_to_seeing_referrals_is_not_told(
    child, lead_professional, camhs, spa_clinician
):
    """The lead sees referrals on a coordination basis; a young person's objection takes that away, and the
    one access decision keeps every message about the referral from them too."""
    coordinator = ProfessionalFactory(username="coordinator", display_name="Cory Coordinator")
    lead_for(child, coordinator)
    young_person_competent(child, lead_professional)
    coordination_objection_record(
        actor=coordinator,
        child=child,
        category=Category.REFERRALS,
        judgement="Sam is 16 and understands what coordination means; no safeguarding reason against it.",
        in_their_words="I don't want my lead reading about my referral.",
    )
    referral = referral_for(child, lead_professional, camhs)
    referral_triage(actor=spa_clinician, referral=referral, urgency="routine")

    assert not Notification.objects.filter(
        recipient=coordinator, child=child, kind__startswith="referral"
    ).exists()
    # The referrer, who holds the referral they made, is still told of the triage.
    assert told(Notification.Kind.REFERRAL_TRIAGED) == {lead_professional.pk}


def test_first_appointment_offered_tells_everyone_with_the_date_and_what_to_expect(world):
    referral = referral_for(world["child"], world["referrer"], world["camhs"], route="school")
    referral_triage(actor=world["clinician"], referral=referral, urgency="routine")
    referral_accept(actor=world["clinician"], referral=referral)
    at = timezone.now() + datetime.timedelta(days=9)
    referral_clock_record(actor=world["clinician"], referral=referral, clock="first_appointment", at=at)

    offered = told(Notification.Kind.REFERRAL_OFFERED)
    assert offered == {world["referrer"].pk, world["lead"].pk, world["young_person"].pk, world["mum"].pk}
    note = family_note(world["mum"], Notification.Kind.REFERRAL_OFFERED)
    assert "has offered a first appointment on" in note.body
    assert f"{timezone.localtime(at):%-d %B %Y}" in note.body
    assert note.link == world["page"]
    # The acceptance carried the page too; the email or text says only that there is a message.
    assert family_note(world["mum"], Notification.Kind.REFERRAL_ACCEPTED).link == world["page"]
    email = Delivery.objects.get(notification=note, channel=Delivery.Channel.EMAIL)
    assert email.status == Delivery.Status.PENDING
    deliveries_enqueue(delivery_ids=[email.pk])
    from django.core import mail

    assert mail.outbox, "the email to the parent was sent"
    sent = mail.outbox[-1]
    assert sent.subject == "You have a new message from Beacon"
    for word in ("appointment", "referral", "CAMHS", "Sam"):
        assert word not in sent.body


def test_telling_twice_tells_nobody_twice(world):
    referral = referral_for(world["child"], world["referrer"], world["camhs"], route="school")
    before = Notification.objects.count()
    assert referral_tell(referral=referral, actor=world["referrer"], event="received") == []
    assert Notification.objects.count() == before


def test_no_directory_entry_means_no_link_and_no_what_to_expect_line(child, lead_professional, camhs):
    account = UserFactory(kind=User.Kind.YOUNG_PERSON)
    child.account = account
    child.save(update_fields=["account"])
    referral_for(child, lead_professional, camhs)
    note = family_note(account, Notification.Kind.REFERRAL_RECEIVED)
    assert note.link == ""
    assert "What to expect" not in note.body


def test_a_referral_made_without_consent_is_not_told_to_the_family_and_the_professionals_are_told_so(world):
    referral = referral_for(
        world["child"],
        world["referrer"],
        world["camhs"],
        route="school",
        consent_to_refer="without_consent",
        consent_note="Disclosure at school about home; telling the family could put Sam at risk.",
    )
    referral_triage(actor=world["clinician"], referral=referral, urgency="urgent")

    assert not Notification.objects.filter(recipient__in=[world["young_person"], world["mum"]]).exists()
    note = Notification.objects.get(recipient=world["referrer"], kind=Notification.Kind.REFERRAL_TRIAGED)
    assert "were not told by Beacon" in note.subject
