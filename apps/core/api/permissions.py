from rest_framework import permissions


class IsProfessional(permissions.IsAuthenticated):
    """Signed in, active, and a professional: young people use their own portal endpoints."""

    message = "Sign in as a professional to use this part of the API."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_professional
