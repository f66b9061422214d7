"""Forms for adding an action and completing one."""

from crispy_forms_gds.layout import Button, Field
from django import forms

from apps.accounts.models import User
from apps.children.categories import Category
from apps.teams.forms.common import _date_field, _described_category_field, _helper, _owner_field


class ActionForm(forms.Form):
    """An action for the child, with one owner and a due date."""

    description = forms.CharField(label="What needs to be done", required=False, widget=forms.Textarea)
    description_category = _described_category_field(Category.PLANS, what="the action")
    due_on = _date_field("Due date", "Due date", required=False)

    def __init__(self, *args, owners: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(owners)
        self.order_fields(["description", "description_category", "owner", "due_on"])
        self.helper = _helper(
            Field.textarea("description", rows=3),
            Field.select("description_category"),
            Field.select("owner"),
            Field("due_on"),
            Button.primary("add", "Add action"),
        )


class ActionCompleteForm(forms.Form):
    completed_on = _date_field("Date done", "Date it was done")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("completed_on"), Button.primary("complete", "Mark as done"))
