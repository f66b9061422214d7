from django import forms
from django.core.exceptions import ValidationError

from apps.accounts.models import User
from apps.children.models import Child
from apps.core.nhs_number import normalise_nhs_number
from apps.sharing.models import AccessGrant


class AdministratorGrantForm(forms.ModelForm):
    """Give a professional access to a child identified by NHS number or Beacon id.

    The child is typed, not picked from a list, so that the admin never lists children the
    administrator could not see in the application.
    """

    child_reference = forms.CharField(
        label="Child's NHS number or Beacon id",
        help_text="The 10-digit NHS number (spaces allowed) or the id at the end of the child's page address",
    )

    class Meta:
        model = AccessGrant
        fields = ["user", "can_change", "reason"]
        help_texts = {"reason": "Why this person needs to see the child's record. Recorded in the audit log."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(kind=User.Kind.PROFESSIONAL, is_active=True)
        self.fields["reason"].required = True

    def clean_child_reference(self) -> Child:
        reference = self.cleaned_data["child_reference"].strip()
        digits = normalise_nhs_number(reference)
        child = None
        if digits.isdigit():
            child = Child.objects.filter(nhs_number=digits).first()
        else:
            try:
                child = Child.objects.filter(public_id=reference).first()
            except ValidationError:
                child = None
        if child is None:
            raise ValidationError("No child has this NHS number or Beacon id. Check it and try again.")
        if digits.isdigit() and not child.nhs_number_is_verified:
            # An NHS number nobody has verified is never used to find a record silently (the Act of 2026
            # makes it the single identifier once it can be trusted): a mistyped one grants the wrong child.
            raise ValidationError(
                "This NHS number has not been verified against the national register, so Beacon will not "
                "use it to find the record. Use the child's Beacon id instead, or verify the number on the "
                "record first."
            )
        return child
