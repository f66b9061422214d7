"""The team around each child: members, lead professional, handovers, meetings, actions, and the
administrators' view-only grants."""

from datetime import datetime
from datetime import time as clock

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from apps.accounts.models import User
from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.demo.loader.base import LEGACY_TEAM_GRANT_REASON, DemoLoaderBase
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant, child_access_revoke
from apps.teams.models import TeamMembership
from apps.teams.services import (
    action_add,
    action_complete,
    lead_professional_appoint,
    lead_professional_hand_over,
    meeting_record,
    team_member_add,
    team_member_direct_contact_give,
    team_member_end,
    team_member_offer_for_young_person_set,
    trusted_worker_name,
)


class TeamsLoader(DemoLoaderBase):
    def load_teams(self, children: dict[str, Child]) -> None:
        """Give each child the team around them, unless they already have one."""
        with_team = set(
            TeamMembership.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for record in self.data["children"]:
            if "team" not in record:
                continue
            child = children[record["nhs_number"]]
            if child.pk in with_team:
                self.present["teams"] += 1
                continue
            try:
                self.team_load(child, record)
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(f"The team around {child.known_as} did not load: {detail}") from error
            self.created["teams"] += 1

    def team_load(self, child: Child, record: dict) -> None:
        """Build one child's team in the order it would have happened.

        Members join first (including those who later left), then the lead professional and the trusted
        worker are named, meetings and actions follow in date order, those who left leave, and any
        handover comes last, because the service dates a handover today.
        """
        actor = self.people[record["created_by"]]
        self.legacy_grants_revoke(child)
        members: dict[str, TeamMembership] = {}
        for item in sorted(record["team"], key=lambda item: -item["started_days_ago"]):
            members[item.get("user") or item["person_name"]] = self.member_add(actor, child, item)
        lead = record.get("lead_professional")
        if lead:
            lead_professional_appoint(
                actor=self.people[lead.get("appointed_by", record["created_by"])],
                membership=members[lead["member"]],
                route=lead["route"],
                started_on=self.days_ago(lead["started_days_ago"]),
            )
            self.created["lead professional appointments"] += 1
        if "trusted_worker" in record:
            trusted_worker_name(actor=actor, membership=members[record["trusted_worker"]])
            for item in record.get("direct_contact", []):
                team_member_direct_contact_give(
                    actor=actor, membership=members[item["member"]], reason=item["reason"], confirmed=True
                )
        for item in sorted(record.get("meetings", []), key=lambda item: self.day(item, "held")):
            self.meeting_load(actor, child, item, members)
        for item in record.get("actions", []):
            self.action_load(actor, child, item)
        for item in record["team"]:
            if "ended_days_ago" in item:
                team_member_end(
                    actor=actor,
                    membership=members[item.get("user") or item["person_name"]],
                    ended_on=self.days_ago(item["ended_days_ago"]),
                )
        handover = record.get("handover")
        if handover:
            lead_professional_hand_over(
                actor=self.people[handover.get("recorded_by", record["created_by"])],
                appointment=child.lead_appointments.get(ended_on__isnull=True),
                successor=members[handover["to"]],
                note=handover["note"],
                overlap_until=self.day(handover, "overlap_until", required=False),
            )
            self.created["handovers"] += 1

    def legacy_grants_revoke(self, child: Child) -> None:
        legacy = AccessGrant.objects.filter(
            child=child,
            basis=AccessGrant.Basis.ADMINISTRATOR,
            reason=LEGACY_TEAM_GRANT_REASON,
            revoked_at__isnull=True,
        ).select_related("child", "user")
        for grant in legacy:
            child_access_revoke(grant=grant, revoked_by=self.people[self.data["administrator"]])
            self.changed["stand-in team grants revoked"] += 1

    def member_add(self, actor: User, child: Child, item: dict) -> TeamMembership:
        organisation = item.get("organisation")
        if "user" in item:
            work = self.person_records[item["user"]]
            membership = team_member_add(
                actor=actor,
                child=child,
                kind=TeamMembership.Kind.PROFESSIONAL,
                user=self.people[item["user"]],
                offering=item.get("offering", ""),
                # A professional is reached at work unless the team agreed another route.
                contact_details=item.get("contact_details")
                or " or ".join(filter(None, [work.get("phone"), work.get("email")])),
                started_on=self.days_ago(item["started_days_ago"]),
            )
        else:
            membership = team_member_add(
                actor=actor,
                child=child,
                kind=item["kind"],
                person_name=item["person_name"],
                organisation=self.organisations[organisation] if organisation else None,
                caregiver_role=item.get("caregiver_role", ""),
                role_description=item.get("role_description", ""),
                offering=item.get("offering", ""),
                contact_details=item.get("contact_details", ""),
                started_on=self.days_ago(item["started_days_ago"]),
            )
        if item.get("offer_for_young_person"):
            # What the young person reads on "Who is working with me", in plain words spoken to them.
            team_member_offer_for_young_person_set(
                actor=actor, membership=membership, offer=item["offer_for_young_person"]
            )
        self.created["team members"] += 1
        return membership

    def meeting_load(self, actor: User, child: Child, item: dict, members: dict[str, TeamMembership]) -> None:
        hour, minute = (int(part) for part in item.get("time", "10:00").split(":"))
        held_at = timezone.make_aware(datetime.combine(self.day(item, "held"), clock(hour, minute)))
        actions = item.get("actions", [])
        meeting = meeting_record(
            actor=self.people[item["recorded_by"]] if "recorded_by" in item else actor,
            child=child,
            kind=item["kind"],
            held_at=held_at,
            location=item.get("location", ""),
            young_person_views=item.get("young_person_views", ""),
            young_person_views_not_given_reason=item.get("young_person_views_not_given_reason", ""),
            decisions=item.get("decisions", ""),
            participants=[
                {
                    "membership": members[person["member"]] if "member" in person else None,
                    "name": person.get("name", ""),
                    "invited": person.get("invited", True),
                    "attended": person.get("attended", False),
                }
                for person in item.get("participants", [])
            ],
            actions=[
                {
                    "description": action["description"],
                    "owner": self.people[action["owner"]],
                    "due_on": self.day(action, "due"),
                }
                for action in actions
            ],
        )
        self.created["meetings"] += 1
        self.created["actions"] += len(actions)
        done = {action["description"]: action for action in actions if "completed_days_ago" in action}
        for action in meeting.actions.filter(description__in=done):
            action_complete(
                actor=action.owner,
                action=action,
                completed_on=self.days_ago(done[action.description]["completed_days_ago"]),
            )

    def action_load(self, actor: User, child: Child, item: dict) -> None:
        action = action_add(
            actor=actor,
            child=child,
            description=item["description"],
            owner=self.people[item["owner"]],
            due_on=self.day(item, "due"),
        )
        if "completed_days_ago" in item:
            action_complete(
                actor=action.owner, action=action, completed_on=self.days_ago(item["completed_days_ago"])
            )
        self.created["actions"] += 1

    def load_access(self, children: dict[str, Child]) -> None:
        """View-only grants an administrator gives to people outside the team: the IRO, the team manager."""
        administrator = self.people[self.data["administrator"]]
        reasons = self.data["view_only_reasons"]
        granted = set(
            AccessGrant.objects.filter(
                child__in=children.values(), basis=AccessGrant.Basis.ADMINISTRATOR, revoked_at__isnull=True
            ).values_list("child_id", "user_id")
        )
        for record in self.data["children"]:
            child = children[record["nhs_number"]]
            for username in record.get("view_only", []):
                user = self.people[username]
                if (child.pk, user.pk) in granted:
                    self.present["view-only grants"] += 1
                    continue
                child_access_grant(
                    child=child,
                    user=user,
                    basis=AccessGrant.Basis.ADMINISTRATOR,
                    granted_by=administrator,
                    can_change=False,
                    reason=reasons[username],
                )
                self.created["view-only grants"] += 1

    # ---------------------------------------------------------------------------------- consent
