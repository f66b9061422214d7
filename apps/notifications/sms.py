"""Text messages through GOV.UK Notify, switched on by setting.

Set ``BEACON_NOTIFY_API_KEY`` and ``BEACON_NOTIFY_SMS_TEMPLATE_ID`` (a Notify text message template
whose whole content is ``((message))``). Without them, text message deliveries are marked not needed,
with the reason, and nothing is sent.

Each text carries Notify's ``reference`` = the delivery's public id, so what reached a phone can be
traced back to one delivery row (and a rare repeat, see ``services.delivery_send``, can be spotted).
"""

import re

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from apps.core.exceptions import ApplicationError

# UK mobiles: 07 then 9 digits, or +44 7 then 9 digits; spaces and dashes are allowed when typed.
_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


class DeliveryTemporaryFailure(Exception):
    """The provider could not take the message just now (timeout, rate limit, server error): try again."""


class DeliveryRejected(Exception):
    """The provider refused the message for good (bad number, bad key, bad template): do not retry."""


def mobile_number_normalise(value: str) -> str:
    """A UK mobile number as +447XXXXXXXXX, or ApplicationError saying what a valid one looks like."""
    compact = re.sub(r"[\s\-()]", "", value or "")
    if not _UK_MOBILE.match(compact):
        raise ApplicationError(
            "Enter a UK mobile number, like 07700 900123 or +44 7700 900123", field="mobile_number"
        )
    return "+44" + compact[-10:]


def sms_enabled() -> bool:
    return bool(settings.BEACON_NOTIFY_API_KEY and settings.BEACON_NOTIFY_SMS_TEMPLATE_ID)


def notify_client() -> NotificationsAPIClient:
    """The Notify client. Tests replace this function with one that returns a fake client."""
    return NotificationsAPIClient(settings.BEACON_NOTIFY_API_KEY, timeout=20)


def sms_send(*, phone_number: str, message: str, reference: str, client=None) -> str:
    """Send one text through Notify; returns Notify's id for it.

    Raises DeliveryTemporaryFailure for what a retry may fix (Notify down or rate-limiting, network
    errors, which the client reports as 503) and DeliveryRejected for what it never will (400, 403).
    """
    client = client or notify_client()
    try:
        response = client.send_sms_notification(
            phone_number=phone_number,
            template_id=settings.BEACON_NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"message": message},
            reference=reference,
        )
    except APIError as error:
        if error.status_code == 429 or error.status_code >= 500:
            raise DeliveryTemporaryFailure(f"GOV.UK Notify answered {error.status_code}") from error
        raise DeliveryRejected(f"GOV.UK Notify refused the text message ({error.status_code})") from error
    return str(response.get("id", ""))
