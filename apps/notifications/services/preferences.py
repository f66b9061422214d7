"""How each person wants to be told: their contact preferences."""

from django.db import transaction

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError
from apps.notifications import sms
from apps.notifications.models import ContactPreference

# --- Contact preferences ------------------------------------------------------------------------------


def contact_preference_set(
    *, user: User, mobile_number: str = "", by_email: bool = True, by_sms: bool = True
) -> ContactPreference:
    """Record how a person wants to hear from Beacon outside it. A mobile number must be a UK mobile."""
    number = sms.mobile_number_normalise(mobile_number) if mobile_number.strip() else ""
    if by_sms and not by_email and not number:
        # Texts only, with no number, would leave them hearing nothing outside Beacon.
        raise ApplicationError("Enter a mobile number to get text messages", field="mobile_number")
    with transaction.atomic():
        preference, _ = ContactPreference.objects.update_or_create(
            user=user, defaults={"mobile_number": number, "by_email": by_email, "by_sms": by_sms}
        )
    return preference
