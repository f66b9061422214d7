"""What the children's endpoints share: the schema's tag and the child's path parameter."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)

CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
TAGS = ["Children"]
