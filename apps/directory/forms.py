from django import forms

from apps.directory.models import RouteIn, ServiceKind


class DirectorySearchForm(forms.Form):
    """The professionals' search: every filter optional, none of them an error when left out."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Kind of service", required=False, choices=[("", "Any kind"), *ServiceKind.choices]
    )
    age = forms.IntegerField(
        label="Age of the young person",
        required=False,
        min_value=0,
        max_value=25,
        error_messages={
            "min_value": "Enter an age from 0 to 25.",
            "max_value": "Enter an age from 0 to 25.",
            "invalid": "Enter the age as a number, like 14.",
        },
    )
    route_in = forms.ChoiceField(
        label="Who can ask", required=False, choices=[("", "Anyone"), *RouteIn.choices]
    )
