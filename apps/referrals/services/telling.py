"""Who is told of each change of a referral's state, and in what words (R39, R51, R141).

One table, ``TELLING``, says for each state change (received, triaged, accepted, declined, a first
appointment offered) which people hear of it: the receiving service's staff, the referrer, the lead
professional, and the young person and family. ``referral_tell`` is the only place that sends them, so a
reviewer reads one function to know who is told of what.

Each message asks the one access decision (``notification_send`` asks ``may_see`` with the child and the
referrals category), and asks it again before an email or text leaves. The young person's and family's
messages say only that there is news; what it is, in plain words, is behind their sign-in, with the
receiving service's "what to expect" page for an acknowledgement and a first appointment. Emails and
texts to them carry the fixed private words of ``apps.notifications.messages``.

Nobody is told of their own action. A referral made without consent (for a safeguarding reason) is not
told to the young person or family by Beacon: the professionals decide when and how it is safe to, and
their messages say so.
"""

from dataclasses import dataclass

from django.urls import reverse

from apps.accounts.models import User
from apps.children.categories import Category
from apps.children.models import Child
from apps.directory.selectors import service_of_organisation
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.referrals.models import Referral
from apps.referrals.services.common import (
    _lead_professional,
    _referral_link,
    family_message,
    organisation_staff,
)
from apps.sharing.access import may_see


@dataclass(frozen=True)
class Telling:
    """Who hears of one state change, the kind of notification, and what professionals read."""

    kind: str
    subject: str  # In Beacon, behind the sign-in: may name the child and the service.
    email_referrer: str  # In emails and texts: no names, nothing clinical.
    email_lead: str
    receiving_staff: bool = False
    family: bool = True


TELLING: dict[str, Telling] = {
    "received": Telling(
        kind=Notification.Kind.REFERRAL_RECEIVED,
        subject="{child} was referred to {service}",
        email_referrer="a referral you made was received",
        email_lead="a child you lead on was referred",
        receiving_staff=True,
    ),
    "triaged": Telling(
        kind=Notification.Kind.REFERRAL_TRIAGED,
        subject="The referral for {child} was looked at by {service}, who decided how soon to see them",
        email_referrer="a referral you made was triaged",
        email_lead="a referral for a child you lead on was triaged",
    ),
    "accepted": Telling(
        kind=Notification.Kind.REFERRAL_ACCEPTED,
        subject="The referral for {child} was accepted",
        email_referrer="a referral you made was accepted",
        email_lead="a referral for a child you lead on was accepted",
    ),
    "declined": Telling(
        kind=Notification.Kind.REFERRAL_DECLINED,
        subject="The referral for {child} was not accepted; an alternative was arranged",
        email_referrer="a referral you made was declined",
        email_lead="a referral for a child you lead on was declined",
    ),
    "offered": Telling(
        kind=Notification.Kind.REFERRAL_OFFERED,
        subject="{service} offered {child} a first appointment",
        email_referrer="a first appointment was offered on a referral you made",
        email_lead="a first appointment was offered to a child you lead on",
    ),
}

FAMILY_SUBJECT = "There is news about the request for help. Sign in to read it."
FAMILY_NOT_TOLD = (
    " The young person and family were not told by Beacon, because the referral was made without "
    "consent: tell them when it is safe to."
)


def family_accounts(child: Child) -> list[User]:
    """The young person's own sign-in, and the parent and carer accounts that may see the child's referrals
    today (R74, R80).

    Which parents may is the one access decision's answer, not the consent register's wording: a consent that
    does not cover referrals, one that has ended or was withdrawn, and a young person's wish to keep their
    referrals from parents all keep a parent out. Candidates are the parent and carer accounts any consent
    for the child ever named; the decision then chooses among them.
    """
    from apps.consent.models import Consent

    account = child.account
    people: list[User] = [account] if account is not None and account.is_active else []
    named = User.objects.filter(
        pk__in=Consent.objects.filter(child=child, recipient_user__isnull=False).values("recipient_user"),
        kind=User.Kind.PARENT_CARER,
        is_active=True,
    ).order_by("pk")
    if account is not None:
        named = named.exclude(pk=account.pk)
    people.extend(
        parent for parent in named if may_see(user=parent, child=child, category=Category.REFERRALS)
    )
    return sorted(people, key=lambda user: user.pk)


def family_is_told(referral: Referral) -> bool:
    """Whether Beacon tells the young person and family itself: not for a referral made without consent."""
    return referral.consent_to_refer != Referral.ConsentToRefer.WITHOUT_CONSENT


def what_to_expect_link(referral: Referral) -> str:
    """The receiving service's "what to expect" page, when it has a directory entry (R141); else ""."""
    service = service_of_organisation(organisation_id=referral.receiving_organisation_id)
    if service is None:
        return ""
    return reverse("directory:what-to-expect", kwargs={"service_id": service.public_id})


def referral_tell(*, referral: Referral, actor: User | None, event: str) -> list[Notification]:
    """Tell the people ``TELLING`` names of ``event`` on ``referral``; returns the notifications sent now.

    Called inside the transaction that made the change: a change that rolls back sends nothing by email
    or text. Each recipient's key is fixed by the referral, the event and the person, so telling twice
    changes nothing.
    """
    telling = TELLING[event]
    child = referral.child
    subject = telling.subject.format(child=child.known_as, service=referral.receiving_organisation.name)
    if subject[0].islower():
        subject = subject[0].upper() + subject[1:]
    family_told = family_is_told(referral)
    professional_subject = subject if family_told or not telling.family else subject + "." + FAMILY_NOT_TOLD
    link = _referral_link(referral)
    sent: list[Notification] = []

    def send(recipient: User, key: str, **fields) -> None:
        if actor is not None and recipient.pk == actor.pk:
            return  # Nobody is told of what they did themselves.
        notification, created = notification_send(
            recipient=recipient,
            kind=telling.kind,
            dedupe_key=f"referral:{referral.pk}:{event}:{key}",
            child=child,
            category=Category.REFERRALS,
            **fields,
        )
        if created and notification is not None:
            sent.append(notification)

    if telling.receiving_staff:
        for person in organisation_staff(organisation=referral.receiving_organisation):
            # Key kept from before this module, so a referral told under the old code is not told again.
            send(
                person,
                f"{person.pk}",
                subject=f"A referral for {child.known_as} is waiting for triage",
                subject_for_email="a referral is waiting for triage",
                link=link,
            )
    if referral.made_by_id:
        send(
            referral.made_by,
            "referrer",
            subject=professional_subject,
            subject_for_email=telling.email_referrer,
            link=link,
            involved=True,  # What a professional does, they see: the referral they made.
        )
    lead = _lead_professional(child)
    if lead is not None and lead.pk != referral.made_by_id:
        # The lead sees referrals on a coordination basis, unless the young person objected: then the one
        # access decision keeps the message from them too.
        send(
            lead,
            f"lead:{lead.pk}",
            subject=professional_subject,
            subject_for_email=telling.email_lead,
            link=link,
        )
    if telling.family and family_told:
        # The page they can open: the service's "what to expect" for an acknowledgement or an appointment.
        family_link = what_to_expect_link(referral) if event != "declined" else ""
        for person in family_accounts(child):
            send(
                person,
                f"family:{person.pk}",
                subject=FAMILY_SUBJECT,
                subject_for_email="there is news for you",
                body=family_message(referral=referral),
                link=family_link,
            )
    return sent
