"""The categories of a child's information that consent covers, each one guardian permission on Child.

Categories are code, not reference data: each is a permission that pages and API endpoints check, and a
category without the code that honours it would promise a protection that does not exist.

The vocabulary lives with the child it describes, in the lowest app that needs it (the child's model
holds one permission per category), so every app above may use it; consent records which are shared.
"""

from django.db import models


class Category(models.TextChoices):
    CORE = "core", "Core record"
    TEAM = "team", "Team around the child"
    PLANS = "plans", "Plans, meetings and reviews"
    ASSESSMENTS = "assessments", "Assessments and measures"
    APPOINTMENTS = "appointments", "Appointments and attendance"
    REFERRALS = "referrals", "Referrals"
    CHRONOLOGY = "chronology", "Chronology"
    # Sensitive (R80): never shared by default, never shown to parents or carers.
    SEXUAL_HEALTH = "sexual_health", "Sexual health, sexual abuse or exploitation"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    GANG_INVOLVEMENT = "gang_involvement", "Gang involvement"
    SEXUALITY_GENDER = "sexuality_gender", "Sexual orientation and gender identity"
    IMMIGRATION = "immigration", "Immigration status"


SENSITIVE = frozenset(
    {
        Category.SEXUAL_HEALTH,
        Category.SUBSTANCE_MISUSE,
        Category.GANG_INVOLVEMENT,
        Category.SEXUALITY_GENDER,
        Category.IMMIGRATION,
    }
)

# The permission names on Child: one place, used by the sharing services that write them and the one access
# decision (apps.sharing.access) that reads them.
VIEW_CHILD = "view_child"
CHANGE_CHILD = "change_child"
VIEW_CHILD_TEAM = "view_child_team"
# Booking appointments and recording what happened: direct care, not the record's other changes.
RECORD_APPOINTMENTS = "record_child_appointments"

# What a lead professional coordinates, and so sees on a coordination basis unless a competent young person
# objected to a category (R16-R19): the team, the appointments, the referrals, the plans and meetings.
COORDINATED = frozenset({Category.TEAM, Category.APPOINTMENTS, Category.REFERRALS, Category.PLANS})

# The permission codename on Child for each category.
PERMISSION = {
    Category.CORE: VIEW_CHILD,
    Category.TEAM: VIEW_CHILD_TEAM,
    **{
        category: f"view_child_{category.value}"
        for category in Category
        if category not in {Category.CORE, Category.TEAM}
    },
}
CATEGORY_FOR_PERMISSION = {codename: category for category, codename in PERMISSION.items()}

# The Meta.permissions entries Child declares for the categories beyond the core record and the team.
CHILD_CATEGORY_PERMISSIONS = [
    (PERMISSION[category], f"Can see the child's {category.label[0].lower()}{category.label[1:]}")
    for category in Category
    if category not in {Category.CORE, Category.TEAM}
]
