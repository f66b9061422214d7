"""How long a young person has waited, said the same way on every page (R128).

``{{ referral.received_at|waiting_time }}`` reads "11 days since referral received on 3 Nov 2026": the
number and where it is counted from, from the one definition in ``apps.referrals.selectors``.
"""

from django import template

from apps.referrals.selectors import waiting_time as waiting_time_since

register = template.Library()


@register.filter
def waiting_time(received_at) -> str:
    if not received_at:
        return ""
    return str(waiting_time_since(received_at=received_at))
