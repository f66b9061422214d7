"""What the consent pages share: finding the child, the consent page's address, rendering a form page,
and the words and colours a consent is shown in.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.accounts.models import OrganisationMembership, User
from apps.children.categories import Category
from apps.children.models import Child
from apps.consent import services
from apps.consent.models import Consent, Disclosure
from apps.core.exceptions import NotPermitted
from apps.sharing.selectors import access_child

DISCLOSURES_PAGE_SIZE = 50


# --- Helpers ------------------------------------------------------------------------------------


def _child(user: User, public_id, *, perm: str) -> Child:
    """The child if ``user`` holds ``perm``: 404 if it is not shared with them, 403 if shared without it."""
    try:
        return access_child(user, public_id, perm=perm)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _consent_url(child: Child, anchor: str = "") -> str:
    return reverse("consent:child-consent", args=[child.public_id]) + (f"#{anchor}" if anchor else "")


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest, *, child: Child, form, title: str, heading: str, **extra
) -> HttpResponse:
    context = {"child": child, "form": form, "title": title, "heading": heading, **extra}
    return render(request, "consent/form_page.html", context)


def _lead_organisations(user: User) -> set[int]:
    """The organisations where ``user`` is a safeguarding lead today."""
    return set(
        OrganisationMembership.objects.current()
        .filter(user=user, role__code=services.SAFEGUARDING_LEAD_ROLE)
        .values_list("organisation_id", flat=True)
    )


def category_labels(categories) -> list[str]:
    labels = dict(Category.choices)
    return [labels.get(category, category) for category in categories]


# Each of a consent's standings (``Consent.status_on``) as a GOV.UK tag colour.
STATUS_COLOURS = {
    Consent.Status.WITHDRAWN: "red",
    Consent.Status.EXPIRED: "grey",
    Consent.Status.NOT_STARTED: "blue",
    Consent.Status.IN_FORCE: "green",
}


def _consent_status(consent: Consent, today) -> tuple[str, str]:
    """In words, and as a GOV.UK tag colour."""
    status = consent.status_on(today)
    return status.label, STATUS_COLOURS[status]


BASIS_WORDS = {
    Disclosure.Basis.DIRECT_CARE: "because they work with the young person (direct care)",
    Disclosure.Basis.COORDINATION: "as lead professional, coordinating the young person's care",
    Disclosure.Basis.LEGAL_DUTY: "under a legal duty to share",
    Disclosure.Basis.SAFEGUARDING: "under a safeguarding override",
    Disclosure.Basis.OVERRIDE: "under a safeguarding override",
    Disclosure.Basis.TEAM: "as a member of the team",
    Disclosure.Basis.GRANT: "because an administrator gave them access",
}


def _basis_words(disclosure: Disclosure) -> str:
    if disclosure.basis == Disclosure.Basis.CONSENT:
        if disclosure.consent and disclosure.consent.grantor == Consent.Grantor.PARENT:
            return "because a parent or carer agreed (consent)"
        return "because the young person agreed (consent)"
    return BASIS_WORDS.get(disclosure.basis, disclosure.get_basis_display())
