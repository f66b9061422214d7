"""Free text on the team's pages, as the reader may see it: the text, or "withheld" with the reason.

Pages show an offer, a reason, a decision or an action only through these tags, which ask the one access
decision (``child.access``) about the category the text describes (``apps.teams.free_text``).
"""

from django import template

from apps.teams.free_text import ShownText, free_text_shown

register = template.Library()


def _shown(context, record, field: str) -> ShownText:
    child = context.get("child")
    access = getattr(child, "access", None)
    # One page's withheld reasons are worked out once, whatever the number of rows.
    reasons = context.render_context.setdefault("free_text_reasons", {})
    return free_text_shown(access=access, record=record, field=field, reasons=reasons)


@register.inclusion_tag("teams/includes/free_text.html", takes_context=True)
def free_text(context, record, field: str, empty: str = "", inset: bool = False) -> dict:
    """``{% free_text member "offering" empty="Not recorded" %}``: the text with its line breaks, or that it
    is withheld and why (a GOV.UK inset with ``inset=True``, a hint otherwise)."""
    return {"shown": _shown(context, record, field), "empty": empty, "inset": inset}


@register.simple_tag(takes_context=True)
def free_text_shown_as(context, record, field: str) -> ShownText:
    """``{% free_text_shown_as action "description" as shown %}``, for a page that words it itself."""
    return _shown(context, record, field)
