"""What an OPTIONS request answers."""

from rest_framework.metadata import SimpleMetadata


class Metadata(SimpleMetadata):
    """The endpoint's name, description and media types, without DRF's "actions".

    DRF builds "actions" by instantiating ``serializer_class`` and, for PUT, fetching the object. Beacon's
    views declare nested ``InputSerializer``/``OutputSerializer`` classes and look their objects up
    through permission-scoped selectors, so that step ended in a server error on every such view. The
    OpenAPI schema at /api/schema/ describes every field already.
    """

    def determine_actions(self, request, view):
        return {}
