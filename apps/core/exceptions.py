"""Errors that services raise and both interfaces (browser and API) turn into a clear message.

A service raises one of these *before* anything is written, or inside its transaction so that the
transaction rolls back: nothing is ever half-saved.
"""


class ApplicationError(Exception):
    """A rule of the domain was broken. ``field`` names the input to fix, where there is one."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class DuplicateRecord(ApplicationError):
    """The record would duplicate one that exists (an identifier already in use)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="duplicate")


class NotPermitted(ApplicationError):
    """The person may see the thing but may not do this to it (an HTTP 403, never a 404)."""

    def __init__(
        self, message: str = "You do not have permission to do this.", *, code: str = "permission_denied"
    ) -> None:
        super().__init__(message, code=code)


class Withheld(NotPermitted):
    """The person may see the child, but not this category of their information. ``reason`` says why, and
    what would open it, in plain words (the access decision in apps.sharing writes it)."""

    def __init__(self, category_label: str, *, reason: str = "") -> None:
        super().__init__(
            f"Withheld: {reason}" if reason else f"Withheld: no consent to share {category_label.lower()}.",
            code="withheld",
        )
        self.category_label = category_label
        self.reason = reason


class RecordMerged(Exception):
    """The record asked for was merged into another (a tombstone), which the person may see: pages send them
    on to it (``apps.core.middleware.MergedRecordRedirectMiddleware``), the API names it. Not an
    ``ApplicationError``, so that no form handler catches it as a message about the input."""

    def __init__(self, *, old_public_id, survivor_public_id) -> None:
        super().__init__(f"This record was merged into {survivor_public_id}.")
        self.old_public_id = old_public_id
        self.survivor_public_id = survivor_public_id
