"""Making a referral through the single point of access (R34-R36)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Organisation, User
from apps.accounts.selectors import OrganisationUse, organisation_type_problem
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.referrals.models import ConcernLevel, Consultation, PreferredSupport, Referral, Route
from apps.referrals.services.common import _grant_referral_access, _when
from apps.referrals.services.telling import referral_tell

# --- Referral (R34-R42) ----------------------------------------------------------------------------

# What to fix, said the GOV.UK way (an instruction, not "This field is required."), for the browser and API.
REFERRAL_MESSAGES = {
    "receiving_organisation": "Select the service you are referring to",
    "route": "Select who the referral is from",
    "referrer_name": "Enter the name of the parent, carer or trusted adult making the referral",
    "presenting_needs": "Enter the reason for referral: what is happening for the young person",
    "professional_concern": "Select how worried professionals are",
    "family_concern": "Select how worried the family is",
    "consent_to_refer": "Select who agreed to the referral, or that it is made without consent",
    "consent_note": "Enter the safeguarding reason for making the referral without consent",
    "preferred_support": "Select a kind of support from the list",
}


def referral_problems(
    *,
    receiving_organisation: Organisation | None = None,
    route: str = "",
    referrer_name: str = "",
    presenting_needs: str = "",
    professional_concern: str = "",
    family_concern: str = "",
    consent_to_refer: str = "",
    consent_note: str = "",
    preferred_support: str = "",
) -> dict[str, str]:
    """Everything wrong with a referral's answers at once, by field, so each is shown together (the
    GOV.UK error summary) rather than one per attempt. Empty when the referral can be made."""
    problems: dict[str, str] = {}
    if receiving_organisation is None or not receiving_organisation.is_active:
        problems["receiving_organisation"] = REFERRAL_MESSAGES["receiving_organisation"]
    elif wrong_service := organisation_type_problem(
        receiving_organisation, OrganisationUse.RECEIVES_REFERRALS
    ):
        problems["receiving_organisation"] = wrong_service
    if route not in Route.values:
        problems["route"] = REFERRAL_MESSAGES["route"]
    elif route in (Route.PARENT_CARER, Route.TRUSTED_ADULT) and not referrer_name.strip():
        problems["referrer_name"] = REFERRAL_MESSAGES["referrer_name"]
    if not presenting_needs.strip():
        problems["presenting_needs"] = REFERRAL_MESSAGES["presenting_needs"]
    for field, value in (("professional_concern", professional_concern), ("family_concern", family_concern)):
        if value not in ConcernLevel.values:
            problems[field] = REFERRAL_MESSAGES[field]
    if consent_to_refer not in Referral.ConsentToRefer.values:
        problems["consent_to_refer"] = REFERRAL_MESSAGES["consent_to_refer"]
    elif consent_to_refer == Referral.ConsentToRefer.WITHOUT_CONSENT and not consent_note.strip():
        problems["consent_note"] = REFERRAL_MESSAGES["consent_note"]
    if preferred_support not in PreferredSupport.values:
        problems["preferred_support"] = REFERRAL_MESSAGES["preferred_support"]
    return problems


def referral_create(
    *,
    actor: User,
    child: Child | None,
    receiving_organisation: Organisation | None,
    route: str,
    presenting_needs: str,
    professional_concern: str,
    family_concern: str,
    consent_to_refer: str,
    consent_note: str = "",
    what_has_been_tried: str = "",
    young_person_views: str = "",
    preferred_support: str = "",
    diagnosis: str = "",
    referrer_name: str = "",
    referrer_contact: str = "",
    consultation: Consultation | None = None,
    received_at: datetime | None = None,
) -> Referral:
    """Make a referral through the receiving service's single point of access (R34-R36).

    From any route (R35): a professional enters it, for themselves or for a young person or family
    member who referred themselves. It is about need; a diagnosis is optional. It must be about a child
    with a record: find them, or add them first (with the usual check for an existing record). The
    child's social-work involvement and area deprivation now are kept with it.
    """
    if not actor.is_professional:
        raise NotPermitted("Referrals are entered by a professional; young people and families can ask one.")
    if child is None:
        raise ApplicationError(
            "A referral must be about a child with a record in Beacon. Find the child, or add them first.",
            field="child",
        )
    problems = referral_problems(
        receiving_organisation=receiving_organisation,
        route=route,
        referrer_name=referrer_name,
        presenting_needs=presenting_needs,
        professional_concern=professional_concern,
        family_concern=family_concern,
        consent_to_refer=consent_to_refer,
        consent_note=consent_note,
        preferred_support=preferred_support,
    )
    if problems or receiving_organisation is None:
        raise ValidationError(problems)
    if consultation is not None:
        if Referral.objects.filter(consultation=consultation).exists():
            raise ApplicationError("This consultation has already become a referral.", field="consultation")
        if consultation.child_id and consultation.child_id != child.pk:
            raise ApplicationError("The consultation was about a different child.", field="child")
    current_status = (
        SocialWorkInvolvement.objects.filter(child=child, ended_on__isnull=True)
        .values_list("status", flat=True)
        .first()
    )
    with transaction.atomic():
        if consultation is not None:
            # Under the consultation's lock: two referrals made from it at once become one, not a 500.
            lock_for_change(consultation, "child_id")
            if Referral.objects.filter(consultation=consultation).exists():
                raise ApplicationError(
                    "This consultation has already become a referral.", field="consultation"
                )
        referral = Referral.objects.create(
            child=child,
            consultation=consultation,
            receiving_organisation=receiving_organisation,
            route=route,
            made_by=actor,
            referrer_name=referrer_name.strip(),
            referrer_contact=referrer_contact.strip(),
            presenting_needs=presenting_needs.strip(),
            professional_concern=professional_concern,
            family_concern=family_concern,
            what_has_been_tried=what_has_been_tried.strip(),
            young_person_views=young_person_views.strip(),
            preferred_support=preferred_support,
            consent_to_refer=consent_to_refer,
            consent_note=consent_note.strip(),
            diagnosis=diagnosis.strip(),
            social_work_status_at_referral=current_status or "",
            deprivation_decile_at_referral=child.deprivation_decile,
            received_at=_when(
                received_at,
                after=consultation.requested_at if consultation is not None else None,
                field="received_at",
            ),
        )
        if consultation is not None and consultation.child_id is None:
            # The consultation was about a child not yet named: it now belongs to this child.
            consultation.child = child
            consultation.child_description = ""
            consultation.save(update_fields=["child", "child_description"])
        _grant_referral_access(
            child=child, organisation=receiving_organisation, granted_by=actor, referrer=actor
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=referral,
            child=child,
            detail={"route": route, "from_consultation": consultation is not None},
        )
        referral_tell(referral=referral, actor=actor, event="received")
    return referral
