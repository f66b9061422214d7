"""What a merge of two records of one child (apps.children.merging) means for the team around the child.

Registered with ``apps.children.merging.CHILD_MERGED`` by TeamsConfig.ready(): the team's rows have moved
(or moved back), and who leads, who is in the team and what each member's access gives must agree again.
"""

from apps.children.models import Child
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_revoke, membership_access_revoke
from apps.teams.models import LeadProfessionalAppointment, TeamMembership
from apps.teams.selectors import current_lead_appointment
from apps.teams.services.common import _membership_grant


def team_after_merge(*, run) -> None:
    """After the rows moved: the lead professional's appointment holds a current membership, and each
    member's access is what their place in the team gives, on both records.

    Someone in the team around both records keeps their membership of the survivor's team and the
    duplicate's ends (``MERGE_RULES``). If they led the duplicate and the survivor had no lead, their
    appointment moved with the ended membership: it is moved onto their current one, recorded in the merge
    so a reversal puts it back.
    """
    if not run.reversing:
        moved_with_ended_membership = LeadProfessionalAppointment.objects.filter(
            child=run.survivor, ended_on__isnull=True, membership__ended_on__isnull=False
        ).select_related("membership")
        for appointment in moved_with_ended_membership:
            current = (
                TeamMembership.objects.current()
                .filter(child=run.survivor, user_id=appointment.membership.user_id)
                .first()
            )
            if current is not None:
                run.change(
                    LeadProfessionalAppointment.objects.filter(pk=appointment.pk), membership_id=current.pk
                )
    for child in (run.survivor, run.duplicate):
        team_access_rederive(child=child, actor=run.actor)


def team_access_rederive(*, child: Child, actor) -> None:
    """Make each professional's access to ``child`` what the team says: a current member's grant (the lead
    professional's may change the record, and coordinates); a past member's grant ended; a coordination
    basis for the current lead professional only."""
    lead = current_lead_appointment(child=child)
    lead_user_id = lead.membership.user_id if lead else None
    for membership in TeamMembership.objects.current().filter(
        child=child, kind=TeamMembership.Kind.PROFESSIONAL, user__isnull=False
    ):
        _membership_grant(membership=membership, actor=actor)
    for membership in TeamMembership.objects.filter(
        child=child,
        ended_on__isnull=False,
        access_grants__revoked_at__isnull=True,
    ).distinct():
        membership_access_revoke(membership=membership, revoked_by=actor)
    coordinating = AccessGrant.objects.filter(
        child=child, basis=AccessGrant.Basis.COORDINATION, revoked_at__isnull=True
    )
    if lead_user_id is not None:
        coordinating = coordinating.exclude(user_id=lead_user_id)
    for grant in coordinating:
        child_access_revoke(grant=grant, revoked_by=actor)
