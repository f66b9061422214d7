"""The disclosure log: who outside the record's organisation saw the child's information (R75)."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView

from apps.caseload.consent_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.consent_api.serializers import DisclosureOutputSerializer
from apps.consent.selectors import (
    disclosure_log,
)
from apps.sharing.selectors import access_child


class DisclosureListApi(GenericAPIView):
    """Who outside the record's organisation saw the child's information, and on what basis (R75)."""

    @extend_schema(
        operation_id="children_disclosures_list",
        summary="List who has seen the child's information",
        description="Newest first: what, who, when, through which interface, and on what basis.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: DisclosureOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        page = self.paginate_queryset(disclosure_log(child=child))
        return self.get_paginated_response(DisclosureOutputSerializer(page, many=True).data)
