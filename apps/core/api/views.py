"""Views every part of the API shares."""

from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class EndpointNotFoundApi(APIView):
    """Any path under /api/v1/ that names no endpoint: a 404 in the API's error shape, not an HTML page.

    Routed last, so it answers only when nothing else matched. It needs no sign-in, because it says
    nothing about any record.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None  # Not an endpoint: left out of the OpenAPI schema.

    def initial(self, request, *args, **kwargs) -> None:
        raise exceptions.NotFound(
            "There is no such endpoint. API paths end with a slash; see /api/docs/ for the list."
        )
