"""Protected characteristics (R7): a few children's answers, some "prefer not to say", through the service."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from apps.children.characteristics import protected_characteristics_record
from apps.children.models import Child, DeclaredBy, ProtectedCharacteristics
from apps.demo.loader.base import DemoLoaderBase


class CharacteristicsLoader(DemoLoaderBase):
    def load_characteristics(self, children: dict[str, Child]) -> None:
        """Each listed child's answers, told by whom the fixture says. A child with answers keeps them."""
        for item in self.data.get("characteristics", {}).get("children", []):
            child = children[item["nhs_number"]]
            if ProtectedCharacteristics.objects.filter(child=child).exists():
                self.present["children with protected characteristics"] += 1
                continue
            # Told by the young person themselves: on their own account, as on the portal.
            account = child.account
            if item["declared_by"] == DeclaredBy.YOUNG_PERSON and account is not None:
                actor = account
            else:
                actor = self.people[item["recorded_by"]]
            try:
                protected_characteristics_record(
                    actor=actor, child=child, declared_by=item["declared_by"], **item["answers"]
                )
            except ValidationError as error:
                raise CommandError(
                    f"The protected characteristics of {child.known_as} did not load: {error.message_dict}"
                ) from error
            self.created["children with protected characteristics"] += 1
