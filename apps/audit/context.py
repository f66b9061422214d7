"""Which interface a request came through, for the audit log, without threading it through every call."""

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from apps.audit.models import AuditEvent

_interface: ContextVar[str] = ContextVar("beacon_audit_interface", default=AuditEvent.Interface.SYSTEM)


def current_interface() -> str:
    return _interface.get()


class AuditInterfaceMiddleware:
    """Mark the request as browser, API or admin: Celery tasks and commands stay 'system'."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            interface = AuditEvent.Interface.API
        elif request.path.startswith("/admin/"):
            interface = AuditEvent.Interface.ADMIN
        else:
            interface = AuditEvent.Interface.BROWSER
        token = _interface.set(interface)
        try:
            return self.get_response(request)
        finally:
            _interface.reset(token)
