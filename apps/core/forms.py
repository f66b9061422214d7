"""Form helpers shared by every browser interface: GOV.UK date input, a typed time, and service errors onto
a form.

Forms here only parse what was typed. The rules of the domain live in the services, which raise
``ValidationError`` (a dict of field errors) or ``ApplicationError``; ``add_service_errors`` puts either
onto the form so the page shows them the GOV.UK way, in the error summary and beside the field.
"""

from datetime import date, time

from crispy_forms.utils import TEMPLATE_PACK, render_field
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import ConditionalQuestion
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.validation import parse_time_of_day, validate_date_of_birth, validate_event_date

_PARTS = ("day", "month", "year")


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year) with the Design System's error messages.

    ``name`` is how the date is called in an error, with a capital: "Date of birth". Only whether the
    date is a real one is checked here; whether it may be in the future is for the service to say.
    """

    def __init__(self, *, name: str, **kwargs) -> None:
        super().__init__(require_all_fields=False, **kwargs)
        self.name = name
        self.error_messages = {
            **self.error_messages,
            "required": f"Enter the {name[0].lower()}{name[1:]}",
            "invalid": f"{name} must be a real date",
        }
        for part, subfield in zip(_PARTS, self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"{name} must include a {part}"
            subfield.validators = [RegexValidator(r"^[0-9]+$", f"{name} must be a real date")]

    def compress(self, data_list) -> date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            example = timezone.localdate().year
            raise ValidationError(f"Year must include 4 numbers, like {example}", code="invalid")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def add_service_errors(
    form: forms.BaseForm, error: ValidationError | ApplicationError, *, fallback_field: str | None = None
) -> None:
    """Show a service's errors on ``form``: against the field named, else ``fallback_field``, else the form.

    A service may name a field the form does not show (``child``, a database constraint): that message
    still reaches the person, against ``fallback_field`` when the page knows which input it concerns.
    """

    def target(field: str | None) -> str | None:
        if field in form.fields:
            return field
        if fallback_field in form.fields:
            return fallback_field
        return None

    if isinstance(error, ApplicationError):
        form.add_error(target(error.field), error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(target(None if field == NON_FIELD_ERRORS else field), messages)
    else:
        form.add_error(target(None), error.messages)


class DateOfBirthField(GovukDateField):
    """A date of birth: today or before, not before 1900 (apps.core.validation)."""

    default_validators = [validate_date_of_birth]


class EventDateField(GovukDateField):
    """The day of a meeting or appointment: within 10 years back and 5 years ahead (apps.core.validation)."""

    default_validators = [validate_event_date]


class TimeOfDayField(forms.CharField):
    """A typed time of day, "14:30" or "2:30pm", read by the one parser every interface uses
    (``apps.core.validation.parse_time_of_day``)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "For example, 14:30 or 2:30pm")
        super().__init__(**kwargs)

    def clean(self, value) -> time | None:
        # No length limit of its own: anything too long to be a time gets the parser's "Enter a time, like
        # 14:30", not a count of characters.
        text = super().clean(value)
        return parse_time_of_day(text) if text else None


# The GOV.UK form pieces the teams, consent and appointments forms share (they began in apps/teams/forms.py).
DATE_HINT = "For example, 27 3 2026"


def _by_public_id(choices) -> dict[str, object]:
    return {str(item.public_id): item for item in choices}


class RevealingChoice(ConditionalQuestion):
    """A radio that reveals more questions, its id numbered from 1 like every other radio.

    crispy-forms-gds numbers conditional radios from 0 and plain ones from 1; the error summary links to
    ``id_<field>_1``, the first radio, so these are numbered from 1 as well.
    """

    def render(self, bound_field, form, context, template_pack=TEMPLATE_PACK, **kwargs) -> str:
        labels = [label for _, label in bound_field.field.choices]
        position = labels.index(self.value)
        revealed = "".join(
            render_field(field, form, context, template_pack=template_pack, **kwargs) for field in self.fields
        )
        context.update(
            {
                "choice": bound_field.field.choices[position],
                "field": bound_field,
                "position": position + 1,
                "conditional_content": revealed,
            }
        )
        return render_to_string(self.get_template_name(template_pack), context.flatten())


class PublicIdChoiceField(forms.ChoiceField):
    """A choice among model objects named by their public id; cleans to the object itself (or None)."""

    def __init__(self, *, objects, label_for, empty_label: str | None = None, hints=None, **kwargs) -> None:
        self.objects = _by_public_id(objects)
        hints = hints or {}
        choices = [
            Choice(key, label_for(item), hint=hints[key]) if key in hints else (key, label_for(item))
            for key, item in self.objects.items()
        ]
        if empty_label is not None:
            choices.insert(0, ("", empty_label))
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None
