"""Template helpers for Beacon's GOV.UK pages: ``{% load beacon %}``."""

from datetime import date

from django import forms, template
from django.conf import settings
from django.template.defaultfilters import pluralize
from django.utils import timezone

register = template.Library()


def _first_input_id(field: forms.BoundField) -> str:
    """The id of the input an error summary link should focus: the day of a date, the first radio."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # crispy-forms-gds numbers radios and checkboxes from 1.
        return f"id_{field.html_name}_1"
    return field.auto_id


@register.simple_tag
def error_summary_items(form: forms.BaseForm) -> list[tuple[str, str]]:
    """Each error on ``form`` as (id of the input to fix, message), in the order the fields appear.

    A date's own parsing errors name the day, month or year box they concern; anything else about a
    date (a service saying it is in the future) links to its day box, as the Design System asks.
    """
    visible = form.visible_fields()
    items = [(_first_input_id(visible[0]) if visible else "", message) for message in form.non_field_errors()]
    for field in visible:
        if not field.errors:
            continue
        placed = set()
        for index, subfield in enumerate(getattr(field.field, "fields", ())):
            for message in getattr(subfield.widget, "errors", ()):
                items.append((f"{field.auto_id}_{index}", message))
                placed.add(message)
        items.extend((_first_input_id(field), message) for message in field.errors if message not in placed)
    return items


@register.filter
def age(date_of_birth: date | None) -> str:
    """How old someone is today in Europe/London, in words: "14 years old", "8 months old"."""
    if not date_of_birth:
        return ""
    today = timezone.localdate()
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month
    if today.day < date_of_birth.day:
        months -= 1
    if months < 12:
        return f"{months} month{pluralize(months)} old"
    years = months // 12
    return f"{years} year{pluralize(years)} old"


@register.simple_tag
def crisis_contacts() -> list[dict[str, str]]:
    """The crisis numbers from ``settings.BEACON_CRISIS_CONTACTS``, in the order they are to be read."""
    return list(settings.BEACON_CRISIS_CONTACTS)
