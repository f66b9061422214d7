"""The disclosure log (R75): who outside the record's organisation saw what, and on what basis."""

from apps.accounts.models import User
from apps.audit.context import current_interface
from apps.audit.services import actor_organisation_id
from apps.children.categories import Category
from apps.children.models import Child
from apps.consent.models import (
    Disclosure,
)
from apps.consent.selectors import (
    consents_naming,
    overrides_in_force,
)


def disclosure_record(*, child: Child, viewer: User, access) -> Disclosure | None:
    """Log a view of the child's information by someone outside the organisation that holds the record (R75).

    Records what was seen (the categories the access decision allows), who, when, through which interface,
    and on what lawful basis: the override if one is in use; else consent, with the consent, where any
    category is seen because the young person (or a parent) agreed; else the basis the decision gives the
    core record (direct care, coordination, a legal duty).
    """
    viewer_organisation_id = actor_organisation_id(viewer)
    if viewer_organisation_id is not None and viewer_organisation_id == child.created_by_organisation_id:
        return None
    override = overrides_in_force(child=child, user=viewer).first()
    if override:
        basis = Disclosure.Basis.SAFEGUARDING
    elif any(access.basis(category) == Disclosure.Basis.CONSENT for category in access.categories):
        basis = Disclosure.Basis.CONSENT
    else:
        basis = access.basis() or Disclosure.Basis.DIRECT_CARE
    consent = consents_naming(child=child, user=viewer).first() if basis == Disclosure.Basis.CONSENT else None
    return Disclosure.objects.create(
        child=child,
        viewer=viewer,
        viewer_organisation_id=viewer_organisation_id,
        categories=sorted(access.categories),
        interface=current_interface(),
        basis=basis,
        consent=consent,
        override=override,
    )


def disclosures_record_listed(*, children, viewer: User, access_by_child: dict) -> None:
    """Log, in one query, that a list showed these children's core details to someone from elsewhere, each on
    the lawful basis the access decision gives (``apps.sharing.access.children_access``)."""
    viewer_organisation_id = actor_organisation_id(viewer)
    Disclosure.objects.bulk_create(
        Disclosure(
            child=child,
            viewer=viewer,
            viewer_organisation_id=viewer_organisation_id,
            categories=[Category.CORE],
            interface=current_interface(),
            basis=access_by_child[child.pk].basis() or Disclosure.Basis.DIRECT_CARE,
        )
        for child in children
        if viewer_organisation_id is None or child.created_by_organisation_id != viewer_organisation_id
    )
