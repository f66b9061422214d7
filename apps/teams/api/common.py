"""What the team's endpoints share: the schema's tag and path parameters, and lookups through the child."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field

from apps.accounts.models import User
from apps.children.models import Child
from apps.core.api.fields import ChildScopedPublicIdField
from apps.sharing.selectors import child_owned
from apps.teams.models import TeamMembership

TAGS = ["Teams"]
# Meetings and actions are the "plans" category: shared by consent, not by team membership alone.
VIEW_CHILD_PLANS = "view_child_plans"
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
MEMBERSHIP_ID = OpenApiParameter(
    "membership_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The public id of a membership of this child's team (from the team roster).",
)
MEETING_ID = OpenApiParameter("meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
ACTION_ID = OpenApiParameter("action_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


# The one child-scoped lookup (apps.sharing.selectors.child_owned), under the name this module's views use.
_get_through_child = child_owned


def _team_members(child: Child) -> QuerySet[TeamMembership]:
    return child.team_memberships.select_related("user", "organisation", "professional_role", "child")


def _team_users(child: Child) -> QuerySet[User]:
    """Everyone with a sign-in who is or was in this child's team: the only people who can own its actions."""
    return User.objects.filter(team_memberships__child=child).distinct()


@extend_schema_field(OpenApiTypes.UUID)
def _membership_field(**kwargs) -> ChildScopedPublicIdField:
    return ChildScopedPublicIdField(
        what="team member", scope=lambda child: child.team_memberships.all(), **kwargs
    )


def _owner_field(**kwargs) -> ChildScopedPublicIdField:
    return ChildScopedPublicIdField(what="team member", scope=_team_users, **kwargs)
