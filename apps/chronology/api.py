"""The chronology over the API: a child's timeline across agencies, and adding a significant event (R12).

``GET /api/v1/children/{public_id}/chronology/`` pages the entries newest first, each shown only as far as the
access decision allows (a withheld entry is ``{"withheld": true, "category": ..., "reason": ...}`` with its
date); ``POST`` to the same path adds a significant event for those who may change the record.
"""

from datetime import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.accounts.models import Organisation
from apps.children.categories import Category
from apps.children.selectors import CHANGE
from apps.chronology.entries import EARLIEST_DAY, LATEST_DAY, ChronologyEntry, ChronologyFilters, Kind
from apps.chronology.models import SIGNIFICANT_EVENT_CATEGORIES, SignificantEvent
from apps.chronology.selectors import Chronology, chronology_read_audit
from apps.chronology.services import significant_event_record
from apps.core.api.fields import PublicIdRelatedField
from apps.core.exceptions import NotPermitted
from apps.sharing.selectors import access_child

TAGS = ["Chronology"]
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)


class IsProfessionalOrParentCarer(IsAuthenticated):
    """Signed in as a professional, or as a parent or carer consent names, as the child's information
    endpoint allows: each entry is then shown as the access decision says."""

    message = "Sign in as a professional, or as a parent or carer, to use this part of the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (user.is_professional or user.is_parent_or_carer)


class AgencyOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The organisation's public id.")
    name = serializers.CharField()

    class Meta:
        ref_name = "ChronologyAgency"


class ChronologyEntryOutputSerializer(serializers.Serializer):
    """One entry. A withheld one has only ``date``, ``withheld``, ``category`` and ``reason``."""

    date = serializers.DateField(help_text="The day it happened (in England).")
    withheld = serializers.BooleanField(help_text="True: you may not see this entry, only that it exists.")
    category = serializers.ChoiceField(
        choices=Category.choices, help_text="The category of information the entry is in."
    )
    reason = serializers.CharField(required=False, help_text="Why it is withheld, and what would open it.")
    at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When it happened, where its record holds a time."
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    kind_label = serializers.CharField(required=False)
    agency = AgencyOutputSerializer(required=False, allow_null=True, help_text="The agency it came from.")
    summary = serializers.CharField(required=False)
    record_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="The public id of the record it was read from."
    )
    involved = serializers.BooleanField(
        required=False, help_text="True: you hold this item yourself (the appointment you hold, say)."
    )
    not_for_young_person_reason = serializers.CharField(
        required=False,
        help_text="Kept from the young person's own chronology, and why (empty: they see it).",
    )

    class Meta:
        ref_name = "ChronologyEntry"


def chronology_entry_data(entry: ChronologyEntry) -> dict:
    """An entry as the API gives it: a withheld one says only its day, its category and why."""
    if entry.withheld:
        return {
            "date": entry.day.isoformat(),
            "withheld": True,
            "category": entry.category,
            "reason": entry.withheld_reason,
        }
    return {
        "date": entry.day.isoformat(),
        "withheld": False,
        "category": entry.category,
        "at": serializers.DateTimeField().to_representation(entry.when)
        if isinstance(entry.when, datetime)
        else None,
        "kind": entry.kind,
        "kind_label": entry.kind_label,
        "agency": AgencyOutputSerializer(entry.agency).data if entry.agency else None,
        "summary": entry.summary,
        "record_id": str(entry.record_id) if entry.record_id else None,
        "involved": entry.involved,
        "not_for_young_person_reason": entry.not_for_young_person_reason,
    }


class SignificantEventOutputSerializer(serializers.ModelSerializer):
    source_organisation = AgencyOutputSerializer(help_text="The agency it came from.")
    recorded_by = serializers.CharField(help_text="Who added it.")

    class Meta:
        model = SignificantEvent
        ref_name = "SignificantEvent"
        fields = [
            "public_id",
            "occurred_on",
            "what_happened",
            "in_plain_words",
            "source_organisation",
            "category",
            "not_for_young_person",
            "not_for_young_person_reason",
            "recorded_by",
            "recorded_at",
        ]


class ChronologyApi(GenericAPIView):
    """The child's chronology across agencies (R12), and adding a significant event to it."""

    permission_classes = [IsProfessionalOrParentCarer]

    class QuerySerializer(serializers.Serializer):
        agency = PublicIdRelatedField(
            what="organisation",
            queryset=Organisation.objects.all(),
            required=False,
            help_text="Only entries from this agency (an organisation's public id).",
        )
        kind = serializers.MultipleChoiceField(
            choices=Kind.choices,
            required=False,
            help_text="Only entries of these kinds (repeat the parameter).",
        )
        since = serializers.DateField(required=False, help_text="Only entries on or after this day.")
        until = serializers.DateField(required=False, help_text="Only entries on or before this day.")

        class Meta:
            ref_name = "ChronologyQuery"

        def validate(self, attrs: dict) -> dict:
            for name in ("since", "until"):
                day = attrs.get(name)
                if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                    raise serializers.ValidationError({name: "Enter a date from 1900 to 2100."})
            if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
                raise serializers.ValidationError(
                    {"until": "The until date must be on or after the since date."}
                )
            return attrs

    class InputSerializer(serializers.Serializer):
        occurred_on = serializers.DateField(
            help_text="The day it happened: today or before, not before birth."
        )
        what_happened = serializers.CharField(allow_blank=True)
        source_organisation = PublicIdRelatedField(
            what="organisation",
            queryset=Organisation.objects.filter(is_active=True),
            help_text="The agency it came from.",
        )
        category = serializers.ChoiceField(
            choices=[(category.value, category.label) for category in SIGNIFICANT_EVENT_CATEGORIES],
            required=False,
            default=Category.CHRONOLOGY.value,
            help_text="`chronology`, or the sensitive category it describes: then only those who may see "
            "that category read it, never a parent or carer.",
        )
        in_plain_words = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="What the young person reads instead."
        )
        not_for_young_person = serializers.BooleanField(
            required=False, default=False, help_text="Keep it from the young person's own chronology."
        )
        not_for_young_person_reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Why, required when `not_for_young_person` is true (recorded with the event).",
        )

        class Meta:
            ref_name = "SignificantEventInput"

    @extend_schema(
        operation_id="children_chronology_list",
        summary="The child's chronology across agencies, newest first",
        description=(
            "Referrals and their decisions, appointments attended, missed and cancelled, missed-appointment "
            "follow-ups, meetings and their decisions, the lead professional and who joined or left the "
            "team, social-work status and placement, consents given and withdrawn, safeguarding overrides, "
            "and significant events added by hand: read from those records, never a copy. Each entry is in "
            "its source's category and shown only as the access decision allows; otherwise it is "
            '`{"withheld": true, "category": ..., "reason": ...}` with its date, and to a parent or carer a '
            "sensitive entry is left out altogether. Filtering by `agency` or `kind` lists only entries you "
            "may see (matching them would tell you a withheld entry's agency or kind). A read from outside "
            "the record's organisation is logged as a disclosure the young person can see."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, QuerySerializer],
        responses={200: ChronologyEntryOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, audit=False)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = ChronologyFilters(
            agency=data.get("agency"),
            kinds=frozenset(data.get("kind") or ()),
            since=data.get("since"),
            until=data.get("until"),
        )
        chronology = Chronology(child=child, access=child.access, filters=filters)
        page: list[ChronologyEntry] = self.paginate_queryset(chronology) or []
        chronology_read_audit(actor=request.user, child=child, access=child.access, entries=page)
        return self.get_paginated_response([chronology_entry_data(entry) for entry in page])

    @extend_schema(
        operation_id="children_chronology_create",
        summary="Add a significant event to the child's chronology",
        description=(
            "For someone who may change the child's record. The date is today or before and not before the "
            "child's birth; `not_for_young_person` needs its reason."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: SignificantEventOutputSerializer},
    )
    def post(self, request, public_id: str):
        if not request.user.is_professional:
            raise NotPermitted(
                "Only a professional who may change the child's record adds to the chronology."
            )
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = significant_event_record(actor=request.user, child=child, **serializer.validated_data)
        return Response(SignificantEventOutputSerializer(event).data, status=status.HTTP_201_CREATED)
