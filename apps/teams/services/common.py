"""Helpers the team's writes share: today's date, a link to the child's team page, a member's access
grant, an action built from a form's item.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import SENSITIVE, Category
from apps.children.models import Child
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant, child_coordination_set
from apps.teams.free_text import described_category_clean
from apps.teams.models import Action, LeadProfessionalAppointment, TeamMembership


def _today() -> date:
    return timezone.localdate()


def _child_link(child: Child) -> str:
    return reverse("teams:team", args=[child.public_id])


def _membership_grant(*, membership: TeamMembership, actor: User | None) -> None:
    """Give (or re-shape) a professional member's access: the lead professional may also change the record."""
    if membership.user_id is None or not membership.user.is_professional:
        return  # Caregivers and trusted adults outside services do not sign in as professionals.
    is_lead = LeadProfessionalAppointment.objects.filter(
        membership=membership, ended_on__isnull=True
    ).exists()
    child_access_grant(
        child=membership.child,
        user=membership.user,
        basis=AccessGrant.Basis.TEAM_MEMBER,
        granted_by=actor,
        can_change=is_lead,
        membership=membership,
    )
    # The lead professional coordinates: the team, appointments, referrals and plans (unless objected to).
    child_coordination_set(child=membership.child, user=membership.user, is_lead=is_lead, granted_by=actor)


def _action_build(*, child: Child, index: int | None, item: dict, actor: User, meeting=None) -> Action:
    prefix = f"actions.{index}." if index is not None else ""
    errors = {}
    owner = item.get("owner")
    category = Category.PLANS.value
    try:
        category = described_category_clean(
            item.get("description_category"), home=Category.PLANS, field=f"{prefix}description_category"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (item.get("description") or "").strip():
        errors[f"{prefix}description"] = "Say what needs to be done"
    if owner is None:
        errors[f"{prefix}owner"] = "Every action needs one owner: choose who will do it"
    elif not TeamMembership.objects.current().filter(child=child, user=owner).exists():
        errors[f"{prefix}owner"] = f"{owner} is not in the team around this child"
    elif category in SENSITIVE and not child_access(user=owner, child=child).sees_text(category):
        # The owner could not read their own action: say so now, rather than hand them a withheld task.
        label = Category(category).label
        errors[f"{prefix}owner"] = (
            f"{owner} cannot see {label[0].lower()}{label[1:]} for this child, so could not read this "
            "action. Choose an owner who can, or write the action without the sensitive detail."
        )
    if not item.get("due_on"):
        errors[f"{prefix}due_on"] = "Enter the date the action is due"
    if errors:
        raise ValidationError(errors)
    return Action(
        child=child,
        meeting=meeting,
        description=item["description"].strip(),
        description_category=category,
        owner=owner,
        due_on=item["due_on"],
        created_by=actor,
    )
