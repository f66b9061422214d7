"""What an email or a text message says. Nothing here may reveal anything sensitive on a lock screen.

A professional's email or text carries only ``subject_for_email``, which callers write without names
or clinical words ("an action is overdue"). A young person or a parent or carer gets one fixed text
whatever the notification is about: that Beacon has a message for them, and where to read it. Even
"appointment" or "referral" stays behind the sign-in, because a phone is often seen by others at home.
"""

from dataclasses import dataclass

from django.conf import settings

from apps.accounts.models import User
from apps.notifications.models import Delivery, Notification

# For professionals. Names and details stay behind the sign-in: an email can be read on a shared screen.
PROFESSIONAL_EMAIL_SUBJECT = "Beacon: {subject_for_email}"
PROFESSIONAL_EMAIL_BODY = (
    "You have a new message in Beacon: {subject_for_email}.\n\n"
    "Sign in to Beacon to read it: {url}\n\n"
    "This email does not contain details about any child, to keep them private."
)
PROFESSIONAL_SMS = "Beacon: {subject_for_email}. Sign in to read it: {url}"

# For young people, parents and carers: the same words whatever the message is about.
PRIVATE_EMAIL_SUBJECT = "You have a new message from Beacon"
PRIVATE_EMAIL_BODY = (
    "You have a new message from Beacon.\n\n"
    "Sign in to read it: {url}\n\n"
    "We do not put what it says in emails, so that it stays private."
)
PRIVATE_SMS = "You have a new message from Beacon. Sign in to read it: {url}"


@dataclass(frozen=True)
class OutgoingText:
    subject: str
    body: str


def _inbox_url() -> str:
    return f"{settings.BEACON_SITE_URL}/notifications/"


def outgoing_text(*, notification: Notification, recipient: User, channel: str) -> OutgoingText:
    """The words an email or text about ``notification`` carries to ``recipient``."""
    url = _inbox_url()
    if recipient.is_professional:
        about = notification.subject_for_email or "something needs your attention"
        if channel == Delivery.Channel.SMS:
            return OutgoingText(subject="", body=PROFESSIONAL_SMS.format(subject_for_email=about, url=url))
        return OutgoingText(
            subject=PROFESSIONAL_EMAIL_SUBJECT.format(subject_for_email=about),
            body=PROFESSIONAL_EMAIL_BODY.format(subject_for_email=about, url=url),
        )
    if channel == Delivery.Channel.SMS:
        return OutgoingText(subject="", body=PRIVATE_SMS.format(url=url))
    return OutgoingText(subject=PRIVATE_EMAIL_SUBJECT, body=PRIVATE_EMAIL_BODY.format(url=url))
