"""Template helpers about children: ``{% load children_tags %}``.

Kept here rather than in apps.core's ``beacon`` library because they speak the children app's vocabulary,
and apps.core sits beneath every app (the import contract in pyproject.toml).
"""

from django import template

from apps.children.models import SocialWorkInvolvement

register = template.Library()


@register.filter
def social_work_status(code: str | None) -> str:
    """The words for a social-work status code (as annotated on a list of children); none recorded yet."""
    if not code:
        return "Not recorded"
    return SocialWorkInvolvement.Status(code).label
