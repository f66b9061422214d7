"""Identity you can trust and one record per child (R2) in the demo: NHS numbers verified against the
national register, a request for access waiting for the lead professional's answer, and a duplicate record
that was merged into the child's own (its merge record on the child's page, reversible for 30 days).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from apps.children.merging import child_merge
from apps.children.models import Child, ChildMerge, NhsNumberStatus
from apps.children.services import child_create
from apps.children.verification import child_nhs_number_status_record
from apps.core.exceptions import ApplicationError
from apps.demo.loader.base import DemoLoaderBase
from apps.sharing.access import child_access
from apps.teams.models import AccessRequest
from apps.teams.services import access_request_create


class IdentityLoader(DemoLoaderBase):
    def load_identity(self, children: dict[str, Child]) -> None:
        spec = self.data.get("identity", {})
        try:
            self._verify(children, spec.get("verified_nhs_numbers", {}))
            self._access_requests(children, spec.get("access_requests", []))
            self._merged_duplicates(children, spec.get("merged_duplicates", []))
        except (ValidationError, ApplicationError) as error:
            detail = error.message_dict if isinstance(error, ValidationError) else error.message
            raise CommandError(f"The demo's identity data did not load: {detail}") from error

    def _verify(self, children: dict[str, Child], verified: dict[str, dict]) -> None:
        """Who checked each NHS number against the national register, and when."""
        for nhs_number, item in verified.items():
            child = children[nhs_number]
            if child.nhs_number_status == NhsNumberStatus.VERIFIED:
                self.present["verified NHS numbers"] += 1
                continue
            child_nhs_number_status_record(
                actor=self.people[item["by"]],
                child=child,
                status=NhsNumberStatus.VERIFIED,
                verified_on=max(self.days_ago(item["days_ago"]), child.date_of_birth),
            )
            self.created["verified NHS numbers"] += 1

    def _access_requests(self, children: dict[str, Child], requests: list[dict]) -> None:
        """A professional elsewhere found a record they cannot see, and asked its lead professional for
        access."""
        for item in requests:
            asker, child = self.people[item["by"]], children[item["nhs_number"]]
            if AccessRequest.objects.filter(requested_by=asker, child=child).exists():
                self.present["requests for access"] += 1
                continue
            access_request_create(actor=asker, reason=item["reason"], nhs_number=item["nhs_number"])
            self.created["requests for access"] += 1

    def _merged_duplicates(self, children: dict[str, Child], duplicates: list[dict]) -> None:
        """A second record of a child, typed with another spelling and no NHS number, merged into theirs."""
        for item in duplicates:
            survivor = children[item["into"]]
            if ChildMerge.objects.filter(
                survivor=survivor, duplicate__given_name=item["given_name"]
            ).exists():
                self.present["merged duplicate records"] += 1
                continue
            duplicate = child_create(
                actor=self.people[item["created_by"]],
                given_name=item["given_name"],
                family_name=item["family_name"],
                date_of_birth=survivor.date_of_birth,
            )
            merger = self.people[item["merged_by"]]
            for record in (survivor, duplicate):
                record.access = child_access(user=merger, child=record)
            child_merge(actor=merger, survivor=survivor, duplicate=duplicate, reason=item["reason"])
            self.created["merged duplicate records"] += 1
