"""Recompute every child's permissions from their reasons: once after a release that changes the rules.

Safe to run any number of times, and while Beacon serves: each child is recomputed in its own transaction.
This release moved organisation and role consents, and referrals to a service, from one row per member of
staff to one row per organisation or role (their access groups), and added the lead professional's
coordination basis; this command moves existing records across.

It lives in the teams app, not sharing, because it reads the lead professional appointments: the access
decision beneath teams is told about them, it does not go and look (the import contract in pyproject.toml).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.models import User
from apps.children.models import Child
from apps.sharing.services import access_groups_sync, child_access_resync, child_coordination_set
from apps.teams.models import LeadProfessionalAppointment


class Command(BaseCommand):
    help = (
        "Recompute every child's access from grants, consents, overrides and lead professional appointments."
    )

    def handle(self, *args, **options) -> None:
        for user in User.objects.filter(kind=User.Kind.PROFESSIONAL).iterator():
            access_groups_sync(user=user)
        for appointment in LeadProfessionalAppointment.objects.filter(
            ended_on__isnull=True, membership__user__isnull=False
        ).select_related("child", "membership__user"):
            with transaction.atomic():
                child_coordination_set(
                    child=appointment.child, user=appointment.membership.user, is_lead=True, granted_by=None
                )
        count = 0
        for child in Child.objects.order_by("pk").iterator():
            with transaction.atomic():
                child_access_resync(child=child)
            count += 1
        self.stdout.write(f"Recomputed access for {count} children.")
