"""The service directory over the REST API (read only, for professionals): /api/v1/directory/."""

import uuid

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apps.directory.models import RouteIn, Service, ServiceKind
from apps.directory.selectors import service_listed, service_search

TAGS = ["Service directory"]


class ServiceOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    organisation = serializers.UUIDField(source="organisation.public_id", allow_null=True, default=None)
    routes_in = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Service
        fields = [
            "public_id",
            "name",
            "kind",
            "kind_label",
            "organisation",
            "summary",
            "eligibility",
            "min_age",
            "max_age",
            "catchment",
            "takes_self_referral",
            "takes_parent_referral",
            "takes_professional_referral",
            "routes_in",
            "typical_wait",
            "takes_children_already_supported",
            "takes_children_waiting_elsewhere",
            "locations",
            "phone",
            "email",
            "website",
            "what_to_expect",
            "updated_at",
        ]
        ref_name = "DirectoryService"


class ServiceListApi(GenericAPIView):
    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
        kind = serializers.ChoiceField(required=False, default="", choices=ServiceKind.choices)
        age = serializers.IntegerField(required=False, default=None, min_value=0, max_value=25)
        route_in = serializers.ChoiceField(required=False, default="", choices=RouteIn.choices)

        class Meta:
            ref_name = "DirectoryQuery"

    @extend_schema(
        operation_id="directory_list",
        summary="Search the service directory",
        tags=TAGS,
        parameters=[
            OpenApiParameter("q", str, description="Words in the name, summary, eligibility or catchment."),
            OpenApiParameter("kind", str, enum=ServiceKind.values),
            OpenApiParameter("age", int, description="An age the service takes (0 to 25)."),
            OpenApiParameter("route_in", str, enum=RouteIn.values),
        ],
        responses={200: ServiceOutputSerializer(many=True)},
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        services = service_search(
            text=data["q"], kind=data["kind"], age=data["age"], route_in=data["route_in"]
        )
        page = self.paginate_queryset(services)
        return self.get_paginated_response(ServiceOutputSerializer(page, many=True).data)


class ServiceDetailApi(GenericAPIView):
    @extend_schema(
        operation_id="directory_retrieve",
        summary="One service in the directory",
        tags=TAGS,
        parameters=[OpenApiParameter("service_id", str, OpenApiParameter.PATH, description="Its public id.")],
        responses={200: ServiceOutputSerializer},
    )
    def get(self, request, service_id: str):
        try:
            public_id = uuid.UUID(service_id)
        except ValueError:
            raise Http404 from None
        service = service_listed(public_id=public_id)
        if service is None:
            raise Http404
        return Response(ServiceOutputSerializer(service).data)
