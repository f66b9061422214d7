"""Access groups follow organisation memberships, whichever way a membership is written.

A membership starts and ends through the accounts services, the admin site, a data load or a test factory.
Access that an organisation holds must follow every one of those writes, or "consent outlives the job"
comes back; so this one projection is kept in step from the model's own save and delete, and only the
sharing service it calls touches the groups.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts.models import OrganisationMembership
from apps.sharing.services import access_groups_sync


@receiver(post_save, sender=OrganisationMembership, dispatch_uid="sharing_membership_saved")
@receiver(post_delete, sender=OrganisationMembership, dispatch_uid="sharing_membership_deleted")
def _membership_changed(sender, instance: OrganisationMembership, **kwargs) -> None:
    with transaction.atomic():
        access_groups_sync(user=instance.user)
