"""The demo's service directory (R49, R141): the local CAMHS, a voluntary counselling service, an online
service, a school's counselling and a peer group, so the directory, the decline alternatives and the
"what to expect" page that goes with acknowledgements and first appointments all have something to show.
"""

from apps.demo.loader.base import DemoLoaderBase
from apps.directory.models import RouteIn, Service

ROUTE_FIELDS = {
    RouteIn.SELF: "takes_self_referral",
    RouteIn.PARENT: "takes_parent_referral",
    RouteIn.PROFESSIONAL: "takes_professional_referral",
}


class DirectoryLoader(DemoLoaderBase):
    def load_directory(self) -> None:
        """Each entry in ``directory``, matched by name: an entry already there (perhaps edited by an
        administrator since) is left as it is. Loaded before the referrals, so their messages link to it."""
        entries = self.data.get("directory", [])
        existing = Service.objects.in_bulk([entry["name"] for entry in entries], field_name="name")
        for entry in entries:
            if entry["name"] in existing:
                self.present["directory services"] += 1
                continue
            fields = {key: value for key, value in entry.items() if key not in ("organisation", "routes_in")}
            routes = set(entry["routes_in"])
            fields.update({field: route in routes for route, field in ROUTE_FIELDS.items()})
            service = Service(
                organisation=self.organisations[entry["organisation"]] if "organisation" in entry else None,
                **fields,
            )
            service.full_clean()
            service.save()
            self.created["directory services"] += 1
