"""API output shapes that the APIs of several apps share, beneath them all with the child's record."""

from rest_framework import serializers


class OrganisationReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
