"""Free text in the team around the child, held in the category of what it describes (R72, R80).

An offer, a direct-contact reason, a meeting's decisions and an action carry whatever their writer puts in
them: "weekly sessions about his cannabis use" is substance misuse, whichever box it was typed in. The
writer says which category the text describes (its record's own, or a sensitive one); every page, API
response and message shows the text only where the one access decision says the reader sees that category,
and otherwise says it is withheld and why, never the text.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from apps.children.categories import SENSITIVE, Category
from apps.sharing.access import ChildAccess
from apps.teams.models import FREE_TEXT, Action

# The sensitive categories in the register's order, as the writer is offered them.
SENSITIVE_IN_ORDER = [category for category in Category if category in SENSITIVE]


def described_category_choices(home: Category) -> list[tuple[str, str]]:
    """What a piece of free text may describe: its record's own category, or one sensitive category."""
    return [
        (home.value, "Nothing sensitive"),
        *((category.value, category.label) for category in SENSITIVE_IN_ORDER),
    ]


# Named for the API schema (ENUM_NAME_OVERRIDES): each is shared by several fields.
TEAM_TEXT_CATEGORIES = described_category_choices(Category.TEAM)
PLANS_TEXT_CATEGORIES = described_category_choices(Category.PLANS)


def described_category_clean(value: str | None, *, home: Category, field: str) -> str:
    """The category chosen for a piece of free text, or a clear error naming ``field``; empty is the home."""
    value = (value or "").strip() or home.value
    if value != home.value and value not in SENSITIVE:
        allowed = ", ".join(f"`{choice}`" for choice, _ in described_category_choices(home))
        raise ValidationError(
            {field: f"Choose what this text describes: {allowed}. “{value[:40]}” is not one of them."}
        )
    return value


@dataclass(frozen=True)
class ShownText:
    """A piece of free text as one reader may see it: the text, or that it is withheld and why."""

    text: str
    withheld: bool = False
    reason: str = ""


def free_text_shown(
    *, access: ChildAccess | None, record: models.Model, field: str, reasons: dict | None = None
) -> ShownText:
    """``record``'s free text ``field`` as the reader whose ``access`` this is may see it.

    Without an access decision nothing is shown. Where even saying that text is withheld would tell a parent
    or carer that something sensitive is recorded (R80), the text is left out as if none were written.
    ``reasons`` caches the withheld reasons of one page or response, so a list costs no query per row.
    """
    category_field, _home = FREE_TEXT[type(record)][field]
    text = getattr(record, field) or ""
    category = getattr(record, category_field)
    if access is None:
        return ShownText("", withheld=bool(text), reason="")
    involved = isinstance(record, Action) and record.owner_id == access.user.pk
    if access.sees_text(category, involved=involved):
        return ShownText(text)
    if not text or not access.may_know_withheld(category):
        return ShownText("")
    reasons = {} if reasons is None else reasons
    if category not in reasons:
        reasons[category] = access.withheld_reason(category)
    return ShownText("", withheld=True, reason=reasons[category])
