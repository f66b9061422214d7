"""The child or young person: one record across every agency (R1-R15).

One platform-wide public id, the NHS number as the common identifier, each agency's own ids beside it,
and an honest picture: social-work involvement over time, vulnerabilities as they build up, family,
communication needs and, first of all, strengths.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone

from apps.children.categories import CHILD_CATEGORY_PERMISSIONS, Category
from apps.core.nhs_number import format_nhs_number, validate_nhs_number
from apps.core.validation import validate_date_of_birth, validate_printable_name


class ChildQuerySet(models.QuerySet):
    def restrict(self, user, perm: str = "view_child") -> "ChildQuerySet":
        """Only the children ``user`` holds ``perm`` on, directly or through a group (the choke point).

        Built on django-guardian's direct foreign-key permission tables as ``pk IN (direct UNION ALL
        through a group)``, so it composes with any filter, ordering or paging in a single SQL statement
        and its cost follows the children the person can see, not every child in Beacon (an
        ``EXISTS ... OR EXISTS ...`` filter is costed per child and was 300 times slower at 10,000
        children: see bench/README.md). Nobody sees a child by default; superusers get no bypass, so the
        admin shows no more than the application does.

        Reads the permission's id and the person's groups first, in one small query, when it is called
        (never cached on the user: memberships and consents change within a request).
        """
        holding = _holding(user, perm)
        return self.none() if holding is None else self.filter(pk__in=holding.child_ids())

    def restrict_in_order(self, user, perm: str = "view_child") -> "ChildQuerySet":
        """The same children as ``restrict()``, as a filter the planner can check child by child while it
        walks an ordered index: for a list page, where a person whose groups hold thousands of children
        should read the first page's few dozen in name order rather than all of them.

        PostgreSQL cannot push a join into ``IN (... UNION ALL ...)``, nor estimate how many distinct
        children it holds, so with 40,000 children it probes and sorts all 40,000 (about 500 ms at a large
        authority, bench/README.md). ``EXISTS (direct) OR EXISTS (through a group)`` with the ids as values
        is walked in name order against a hashed set instead; it is planned as if three children in four
        passed, so it is used only when the person's groups hold enough rows for that walk to be short,
        which one bounded index-only count tells. Otherwise it is ``restrict()``.
        """
        holding = _holding(user, perm)
        if holding is None:
            return self.none()
        many, any_direct = holding.holds_many_through_groups()
        if not many:
            return self.filter(pk__in=holding.child_ids())
        direct, through_group = holding.rows()
        if not any_direct:
            # Everything through groups: the group half alone, a semi-join PostgreSQL walks in name order
            # probing the covering index child by child (no hashing of every row the groups hold).
            return self.filter(pk__in=through_group.values("content_object_id"))
        return self.filter(
            Exists(direct.filter(content_object_id=OuterRef("pk")))
            | Exists(through_group.filter(content_object_id=OuterRef("pk")))
        )


# restrict_in_order() walks a list's index when the person's groups hold at least this many rows: then the
# first page is found within about 25 / (this / children) rows of the walk (1,250 at 100,000 children).
MANY_THROUGH_GROUPS = 2_000

# Why the person who created a child's record may see it: the words the creation's audit row records, and
# the label of sharing's grant on that basis (``apps.sharing.models.AccessGrant.Basis.CREATOR``).
CREATOR_BASIS = "Created the record"


@dataclass(frozen=True)
class _Holding:
    """What ``restrict()`` needs to know about a person and one permission, read in one small query."""

    user_id: int
    permission_id: int
    group_ids: tuple[int, ...]

    def rows(self) -> tuple[models.QuerySet, models.QuerySet]:
        """The person's own rows and their groups' rows of the permission in force now."""
        # The permission rows are sharing's models, whose foreign keys point at the child: reached through
        # those reverse relations, as the foreign keys already make the record depend on them.
        user_rows = Child._meta.get_field("childuserobjectpermission").related_model
        group_rows = Child._meta.get_field("childgroupobjectpermission").related_model

        # A permission whose consent or override has run out is ignored at once, sweep or no sweep.
        in_force = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        direct = user_rows.objects.filter(in_force, user_id=self.user_id, permission_id=self.permission_id)
        through_group = group_rows.objects.filter(
            in_force, group_id__in=self.group_ids, permission_id=self.permission_id
        )
        return direct, through_group

    def child_ids(self, *, distinct: bool = False) -> models.QuerySet:
        """The ids of the children held, as one lazy query: ``UNION ALL`` (or ``UNION`` when ``distinct``)
        of the two halves, both index-only scans on the covering indexes (``apps.sharing.models``)."""
        direct, through_group = self.rows()
        ids = direct.values("content_object_id")
        if self.group_ids:
            ids = ids.union(through_group.values("content_object_id"), all=not distinct)
        # The direct rows alone hold each child once: guardian's unique (user, permission, object).
        return ids

    def holds_many_through_groups(self) -> tuple[bool, bool]:
        """Whether the person's groups hold at least ``MANY_THROUGH_GROUPS`` rows, and whether the person
        holds any row of their own: one small query of two bounded index-only reads."""
        if not self.group_ids:
            return False, True
        direct, through_group = self.rows()
        group_sql, group_params = through_group.values("content_object_id")[
            :MANY_THROUGH_GROUPS
        ].query.sql_with_params()
        direct_sql, direct_params = direct.values("pk")[:1].query.sql_with_params()
        with connection.cursor() as cursor:
            # Both are the ORM's own compiled queries, their values passed separately as parameters.
            cursor.execute(
                f"SELECT (SELECT count(*) FROM ({group_sql}) AS g), EXISTS ({direct_sql})",  # noqa: S608
                (*group_params, *direct_params),
            )
            held, any_direct = cursor.fetchone()
        return held >= MANY_THROUGH_GROUPS, any_direct


def _holding(user, perm: str) -> _Holding | None:
    """The permission id and the person's group ids, read first so that ``restrict()`` writes them into its
    query as values: with them the planner searches the composite permission indexes on both columns and
    knows from the statistics how many rows a group holds (a service's group may hold 40,000 children),
    where joins to ``auth_permission`` and ``auth_group`` left it guessing 19 (bench/README.md, issue 11).
    None for nobody: an anonymous or inactive user, or a permission that does not exist."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    from django.contrib.auth.models import Permission

    # One round trip for both: the permission's id (tagged 0) and each group the person is in (tagged 1).
    permission = Permission.objects.filter(
        content_type__app_label="children", content_type__model="child", codename=perm.split(".", 1)[-1]
    ).annotate(tag=Value(0))
    memberships = user.groups.through.objects.filter(user_id=user.pk).annotate(tag=Value(1))
    found = list(
        # No ORDER BY on either half: SQLite (make run) refuses one inside a compound statement.
        permission.order_by()
        .values_list("tag", "pk")
        .union(memberships.order_by().values_list("tag", "group_id"), all=True)
    )
    permission_id = next((value for tag, value in found if tag == 0), None)
    if permission_id is None:
        return None
    group_ids = tuple(sorted(value for tag, value in found if tag == 1))
    return _Holding(user_id=user.pk, permission_id=permission_id, group_ids=group_ids)


def visible_child_count(user, perm: str = "view_child") -> int:
    """How many children ``user`` holds ``perm`` on: exactly ``restrict(user, perm).count()``, counted from
    the permission indexes alone, without the join back to every child (a paginator's count).

    ``count(DISTINCT ...)`` over the ``UNION ALL``: PostgreSQL 15 sorts inside the aggregate, three to four
    times faster than hashing the ``UNION`` (bench/README.md). Every row's child exists (a cascading
    foreign key), so the count of ids is the count of children.
    """
    holding = _holding(user, perm)
    if holding is None:
        return 0
    if len(holding.group_ids) == 1:
        # One group holds each child once (guardian's unique group, permission, object): its rows counted
        # index-only, plus the person's own rows for children the group does not hold (usually few, each
        # one probe). No de-duplication of the 40,000: 7 ms to 5 ms at a large authority (bench/README.md).
        direct, through_group = holding.rows()
        own_only = direct.exclude(
            Exists(through_group.filter(content_object_id=OuterRef("content_object_id")))
        ).values("pk")
        group_sql, group_params = through_group.values("content_object_id").query.sql_with_params()
        own_sql, own_params = own_only.query.sql_with_params()
        with connection.cursor() as cursor:
            # Both are the ORM's own compiled queries, their values passed separately as parameters.
            cursor.execute(
                f"SELECT (SELECT count(*) FROM ({group_sql}) AS g) + (SELECT count(*) FROM ({own_sql}) AS d)",  # noqa: S608
                (*group_params, *own_params),
            )
            return cursor.fetchone()[0]
    sql, params = holding.child_ids().query.sql_with_params()
    with connection.cursor() as cursor:
        # ``sql`` is the ORM's own compiled query, its values passed separately as parameters.
        cursor.execute(f"SELECT count(DISTINCT content_object_id) FROM ({sql}) AS held", params)  # noqa: S608
        return cursor.fetchone()[0]


class NhsNumberStatus(models.TextChoices):
    """How far the NHS number on a record can be trusted (the Children's Wellbeing and Schools Act 2026 makes
    it the child's single identifier): checked against the national register (the Personal Demographics
    Service) by a named person on a date, typed in but not yet checked, or not available for a recorded
    reason."""

    VERIFIED = "verified", "Verified against the national register"
    UNVERIFIED = "unverified", "Not verified"
    UNAVAILABLE = "unavailable", "Not available"


class Child(models.Model):
    # Not a field: the access decision for the person asking (``apps.sharing.access.ChildAccess``), which
    # ``apps.sharing.selectors.access_child`` sets on the child it fetches. Typed loosely, as the decision
    # lives in a layer above this one.
    access: Any

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    # Identity. The legal name is for matching and letters; the preferred name is what people use.
    given_name = models.CharField("first name (legal)", max_length=100, validators=[validate_printable_name])
    family_name = models.CharField("last name (legal)", max_length=100, validators=[validate_printable_name])
    preferred_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the young person likes to be called.",
        validators=[validate_printable_name],
    )
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    nhs_number = models.CharField(
        "NHS number", max_length=10, unique=True, null=True, blank=True, validators=[validate_nhs_number]
    )
    # Whether the number was checked against the national register, when and by whom; or why there is none.
    # An unverified number never matches a record silently (apps.children.selectors.child_possible_matches).
    # The database default covers rows a release still running writes without it.
    nhs_number_status = models.CharField(
        "NHS number status",
        max_length=12,
        choices=NhsNumberStatus.choices,
        default=NhsNumberStatus.UNVERIFIED,
        db_default=NhsNumberStatus.UNVERIFIED.value,
    )
    nhs_number_verified_on = models.DateField("NHS number verified on", null=True, blank=True)
    nhs_number_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nhs_number_unavailable_reason = models.TextField(
        "why there is no NHS number", blank=True, default="", db_default=""
    )

    # Strengths first (R14): shown before any diagnosis or risk.
    strengths = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    what_helps = models.TextField("what helps", blank=True)
    what_does_not_help = models.TextField("what does not help", blank=True)

    # Communication (R8, R142).
    communication_needs = models.TextField(blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    prefers_easy_read = models.BooleanField("prefers Easy Read", default=False)

    # Area deprivation (R5): Index of Multiple Deprivation decile of the home or placement postcode,
    # 1 = most deprived 10%. Kept apart from any household poverty flag.
    deprivation_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    # A young person's own sign-in, for the portal and passport.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_record",
        limit_choices_to={"kind": "young_person"},
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A duplicate record merged into another (R2): a tombstone that redirects to the record that survived
    # (``apps.children.merging``). It holds no rows of its own and no one's permissions; empty otherwise.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "children"
        ordering = ["family_name", "given_name", "pk"]
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("view_child_team", "Can see the team around the child"),
            # Book appointments and record what happened: direct care by the team and an accepting service.
            ("record_child_appointments", "Can book the child's appointments and record what happened"),
            *CHILD_CATEGORY_PERMISSIONS,
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deprivation_decile__isnull=True) | Q(deprivation_decile__range=(1, 10)),
                name="deprivation_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number__isnull=True) | Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="nhs_number_ten_digits",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number_status__in=NhsNumberStatus.values), name="nhs_number_status_known"
            ),
            # Verified means a number, checked on a day, by a named person.
            models.CheckConstraint(
                condition=~Q(nhs_number_status=NhsNumberStatus.VERIFIED)
                | Q(
                    nhs_number__isnull=False,
                    nhs_number_verified_on__isnull=False,
                    nhs_number_verified_by__isnull=False,
                ),
                name="nhs_number_verified_with_date_and_by",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number_status=NhsNumberStatus.VERIFIED)
                | Q(nhs_number_verified_on__isnull=True, nhs_number_verified_by__isnull=True),
                name="nhs_number_verification_only_when_verified",
            ),
            # Unavailable means no number, and a reason why.
            models.CheckConstraint(
                condition=~Q(nhs_number_status=NhsNumberStatus.UNAVAILABLE)
                | (Q(nhs_number__isnull=True) & ~Q(nhs_number_unavailable_reason="")),
                name="nhs_number_unavailable_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number_status=NhsNumberStatus.UNAVAILABLE)
                | Q(nhs_number_unavailable_reason=""),
                name="nhs_number_unavailable_reason_only_when_unavailable",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="child_not_merged_into_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name", "date_of_birth"], name="child_name_dob"),
        ]

    def __str__(self) -> str:
        return self.known_as

    @property
    def known_as(self) -> str:
        """The name to use: preferred first name with family name."""
        return f"{self.preferred_name or self.given_name} {self.family_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def nhs_number_is_verified(self) -> bool:
        return bool(self.nhs_number) and self.nhs_number_status == NhsNumberStatus.VERIFIED

    @property
    def nhs_number_with_status(self) -> str:
        """The NHS number as people read it, with how far it can be trusted, wherever it is shown: "943 476
        5919 (verified 3 Dec 2026)", "943 476 5919 (not verified)", "Not available" or "Not known"."""
        if self.nhs_number:
            if self.nhs_number_is_verified and self.nhs_number_verified_on:
                return f"{self.nhs_number_display} (verified {self.nhs_number_verified_on:%-d %b %Y})"
            return f"{self.nhs_number_display} (not verified)"
        if self.nhs_number_status == NhsNumberStatus.UNAVAILABLE:
            return "Not available"
        return "Not known"

    @property
    def is_merged(self) -> bool:
        """A duplicate merged into another record: a tombstone (``merged_into``)."""
        return self.merged_into_id is not None


class ChildIdentifier(models.Model):
    """An agency's own identifier for the child, unique within the organisation that issued it (R1)."""

    class Kind(models.TextChoices):
        SOCIAL_CARE_ID = "social_care_id", "Local authority social care ID"
        EDUCATION_UPN = "education_upn", "Education unique pupil number (UPN)"
        YOT_REFERENCE = "yot_reference", "Youth justice (YOT) reference"
        OTHER = "other", "Other local identifier"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=40)
    issuer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "value"],
                name="identifier_unique_per_issuer",
                violation_error_message="This organisation has already issued this identifier to a child.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class SocialWorkInvolvement(models.Model):
    """One period of social-work involvement (R3, R4). The open period (no end date) is the current one."""

    class Status(models.TextChoices):
        NONE = "none", "No social work involvement"
        CHILD_IN_NEED = "child_in_need", "Child in need or other social work involvement"
        CHILD_PROTECTION = "child_protection", "Child protection plan"
        EDGE_OF_CARE = "edge_of_care", "Edge of care"
        LOOKED_AFTER = "looked_after", "Looked after"
        CARE_LEAVER = "care_leaver", "Care leaver"

    class LegalStatus(models.TextChoices):
        IN_CARE = "in_care", "In care"
        ADOPTED_FROM_CARE = "adopted_from_care", "Adopted from care"
        KINSHIP_CARE = "kinship_care", "Kinship care"
        SPECIAL_GUARDIANSHIP = "special_guardianship", "Special Guardianship Order"
        CARE_LEAVER = "care_leaver", "Care leaver"

    class PlacementType(models.TextChoices):
        FOSTER_CARE = "foster_care", "Foster care"
        HOME_UNDER_SUPERVISION = "home_under_supervision", "At home under supervision"
        RESIDENTIAL_HOME = "residential_home", "Residential children's home"
        SCHOOL = "school", "Residential school"
        SECURE_UNIT = "secure_unit", "Secure unit"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="social_work_history")
    status = models.CharField(max_length=20, choices=Status.choices)
    legal_status = models.CharField(max_length=30, choices=LegalStatus.choices, blank=True)
    placement_type = models.CharField(max_length=30, choices=PlacementType.choices, blank=True)
    responsible_authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_current_social_work_status"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="social_work_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.started_on:%d %b %Y}"


class VulnerabilityType(models.Model):
    """An entry in the configurable list of vulnerabilities (R6), seeded from seed 000's list."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150, unique=True)
    is_active = models.BooleanField(default=True)
    display_order = models.PositiveSmallIntegerField(default=100)
    # Which category of information a flag of this type is: most are the core record; some are sensitive.
    category = models.CharField(max_length=30, choices=Category.choices, default=Category.CORE)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class VulnerabilityFlag(models.Model):
    """A dated vulnerability with who identified it. Flags accumulate; none of them gates the record."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="vulnerability_flags")
    type = models.ForeignKey(VulnerabilityType, on_delete=models.PROTECT, related_name="flags")
    source = models.CharField(
        max_length=200,
        help_text="Who identified it, for example 'school', 'CAMHS assessment', 'the young person'.",
    )
    identified_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["type__display_order", "-identified_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "type"],
                condition=Q(ended_on__isnull=True),
                name="one_current_flag_per_type",
                violation_error_message="This child already has this vulnerability recorded as current.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("identified_on")),
                name="flag_ends_after_identified",
            ),
        ]

    def __str__(self) -> str:
        return str(self.type)


class FamilyMember(models.Model):
    """A parent, carer, sibling or relative (R9). Parental responsibility matters for consent."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        SIBLING = "sibling", "Brother or sister"
        FOSTER_CARER = "foster_carer", "Foster carer"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        ADOPTIVE_PARENT = "adoptive_parent", "Adoptive parent"
        SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
        OTHER_RELATIVE = "other_relative", "Other relative"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_members")
    name = models.CharField(max_length=150, validators=[validate_printable_name])
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    lives_in_household = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    services_received = models.CharField(
        max_length=300, blank=True, help_text="For example adult mental health services."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-has_parental_responsibility", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


# --- Protected characteristics (R7) ------------------------------------------------------------------
# Self-declared and optional, in the words of the 2021 census of England and Wales, so that reports can say
# whose voices are missing and compare like with like. Every question offers "prefer not to say", stored as
# an answer; an empty value means not asked or not recorded, which a report counts differently.

PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Ethnicity(models.TextChoices):
    """The 19 ethnic groups of the 2021 census of England and Wales, under its five headings (below)."""

    BANGLADESHI = "asian_bangladeshi", "Bangladeshi"
    CHINESE = "asian_chinese", "Chinese"
    INDIAN = "asian_indian", "Indian"
    PAKISTANI = "asian_pakistani", "Pakistani"
    OTHER_ASIAN = "asian_other", "Any other Asian background"
    AFRICAN = "black_african", "African"
    CARIBBEAN = "black_caribbean", "Caribbean"
    OTHER_BLACK = "black_other", "Any other Black, Black British or Caribbean background"
    WHITE_AND_ASIAN = "mixed_white_asian", "White and Asian"
    WHITE_AND_BLACK_AFRICAN = "mixed_white_black_african", "White and Black African"
    WHITE_AND_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "White and Black Caribbean"
    OTHER_MIXED = "mixed_other", "Any other Mixed or Multiple ethnic background"
    WHITE_BRITISH = "white_british", "English, Welsh, Scottish, Northern Irish or British"
    IRISH = "white_irish", "Irish"
    GYPSY_OR_IRISH_TRAVELLER = "white_gypsy_irish_traveller", "Gypsy or Irish Traveller"
    ROMA = "white_roma", "Roma"
    OTHER_WHITE = "white_other", "Any other White background"
    ARAB = "other_arab", "Arab"
    ANY_OTHER = "other_any", "Any other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


# The census's headings, each with its groups: how a form lists them.
ETHNIC_GROUPS: list[tuple[str, list[Ethnicity]]] = [
    (
        "Asian, Asian British or Asian Welsh",
        [
            Ethnicity.BANGLADESHI,
            Ethnicity.CHINESE,
            Ethnicity.INDIAN,
            Ethnicity.PAKISTANI,
            Ethnicity.OTHER_ASIAN,
        ],
    ),
    (
        "Black, Black British, Black Welsh, Caribbean or African",
        [Ethnicity.AFRICAN, Ethnicity.CARIBBEAN, Ethnicity.OTHER_BLACK],
    ),
    (
        "Mixed or Multiple ethnic groups",
        [
            Ethnicity.WHITE_AND_ASIAN,
            Ethnicity.WHITE_AND_BLACK_AFRICAN,
            Ethnicity.WHITE_AND_BLACK_CARIBBEAN,
            Ethnicity.OTHER_MIXED,
        ],
    ),
    (
        "White",
        [
            Ethnicity.WHITE_BRITISH,
            Ethnicity.IRISH,
            Ethnicity.GYPSY_OR_IRISH_TRAVELLER,
            Ethnicity.ROMA,
            Ethnicity.OTHER_WHITE,
        ],
    ),
    ("Other ethnic group", [Ethnicity.ARAB, Ethnicity.ANY_OTHER]),
]


class Sex(models.TextChoices):
    """The census question "What is your sex?"."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class GenderIdentity(models.TextChoices):
    """The census question "Is the gender you identify with the same as your sex registered at birth?"."""

    SAME = "same", "Yes, the same as my sex registered at birth"
    DIFFERENT = "different", "No, different from my sex registered at birth"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class SexualOrientation(models.TextChoices):
    """The census question "Which of the following best describes your sexual orientation?"."""

    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Other sexual orientation"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Disability(models.TextChoices):
    """Disabled in the Equality Act 2010's sense, as the census asks it: a physical or mental health condition
    lasting, or expected to last, 12 months or more that reduces the ability to do day-to-day things."""

    YES_A_LOT = "yes_a_lot", "Yes, limited a lot"
    YES_A_LITTLE = "yes_a_little", "Yes, limited a little"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Religion(models.TextChoices):
    """The census question "What is your religion?"."""

    NO_RELIGION = "none", "No religion"
    CHRISTIAN = "christian", "Christian (all denominations)"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class DeclaredBy(models.TextChoices):
    """Who gave the answers: self-declared, or as close to it as the record can say."""

    YOUNG_PERSON = "young_person", "The young person, themselves"
    PROFESSIONAL_AS_TOLD = "professional_as_told", "A professional, as the young person told them"
    PARENT_CARER = "parent_carer", "A parent or carer"


# Each question with its own-words field, and the answers that take words ("any other ...", "different").
OWN_WORDS: dict[str, tuple[str, frozenset[str]]] = {
    "ethnicity": (
        "ethnicity_own_words",
        frozenset(
            {
                Ethnicity.OTHER_ASIAN,
                Ethnicity.OTHER_BLACK,
                Ethnicity.OTHER_MIXED,
                Ethnicity.OTHER_WHITE,
                Ethnicity.ANY_OTHER,
            }
        ),
    ),
    "gender_identity": ("gender_identity_own_words", frozenset({GenderIdentity.DIFFERENT})),
    "sexual_orientation": ("sexual_orientation_own_words", frozenset({SexualOrientation.OTHER})),
    "religion": ("religion_own_words", frozenset({Religion.OTHER})),
}
# The questions and their lists of answers.
CHARACTERISTIC_CHOICES: dict[str, type[models.TextChoices]] = {
    "ethnicity": Ethnicity,
    "sex": Sex,
    "gender_identity": GenderIdentity,
    "sexual_orientation": SexualOrientation,
    "disability": Disability,
    "religion": Religion,
}
# Sexual orientation and gender identity are the sensitive category ``Category.SEXUALITY_GENDER`` (R80):
# never shown to a parent or carer, to a professional only with consent naming it or an override.
SEXUALITY_GENDER_FIELDS = (
    "gender_identity",
    "gender_identity_own_words",
    "sexual_orientation",
    "sexual_orientation_own_words",
)


def _answer_in_list(field: str, choices: type[models.TextChoices]) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": ["", *choices.values]}), name=f"characteristics_{field}_in_list"
    )


def _own_words_only_with(field: str) -> models.CheckConstraint:
    words, takes_words = OWN_WORDS[field]
    return models.CheckConstraint(
        condition=Q(**{words: ""}) | Q(**{f"{field}__in": sorted(takes_words)}),
        name=f"characteristics_{words}_with_other",
    )


class ProtectedCharacteristics(models.Model):
    """A young person's protected characteristics (R7; Equality Act 2010), all optional and self-declared.

    First language and the need for an interpreter stay on the child's record (``Child.first_language``,
    ``Child.interpreter_needed``): they are how the team speaks with the young person, not only who they are.
    Only "prefer not to say" about the first language is kept here, as the record has no place for it.
    """

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="protected_characteristics")
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    ethnicity_own_words = models.CharField(
        "ethnic group in their own words", max_length=100, blank=True, validators=[validate_printable_name]
    )
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    gender_identity = models.CharField(
        "gender the same as sex registered at birth",
        max_length=20,
        choices=GenderIdentity.choices,
        blank=True,
    )
    gender_identity_own_words = models.CharField(
        "gender identity in their own words", max_length=100, blank=True, validators=[validate_printable_name]
    )
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices, blank=True)
    sexual_orientation_own_words = models.CharField(
        "sexual orientation in their own words",
        max_length=100,
        blank=True,
        validators=[validate_printable_name],
    )
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    religion = models.CharField(max_length=20, choices=Religion.choices, blank=True)
    religion_own_words = models.CharField(
        "religion in their own words", max_length=100, blank=True, validators=[validate_printable_name]
    )
    first_language_prefer_not_to_say = models.BooleanField(
        "prefers not to say their first language", default=False
    )

    # Who gave the answers and when: for the core answers, and apart for sexual orientation and gender
    # identity, which only the young person may tell (themselves, or to a professional who records it).
    declared_by = models.CharField("who told us", max_length=30, choices=DeclaredBy.choices, blank=True)
    declared_at = models.DateTimeField("when they told us", null=True, blank=True)
    sexuality_gender_declared_by = models.CharField(
        "who told us their sexual orientation and gender identity",
        max_length=30,
        choices=DeclaredBy.choices,
        blank=True,
    )
    sexuality_gender_declared_at = models.DateTimeField(
        "when they told us their sexual orientation and gender identity", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "protected characteristics"
        constraints = [
            *(_answer_in_list(field, choices) for field, choices in CHARACTERISTIC_CHOICES.items()),
            *(_own_words_only_with(field) for field in OWN_WORDS),
            models.CheckConstraint(
                condition=Q(declared_by__in=["", *DeclaredBy.values]),
                name="characteristics_declared_by_in_list",
            ),
            # Sexual orientation and gender identity are the young person's own to tell (R7, R80).
            models.CheckConstraint(
                condition=Q(
                    sexuality_gender_declared_by__in=[
                        "",
                        DeclaredBy.YOUNG_PERSON.value,
                        DeclaredBy.PROFESSIONAL_AS_TOLD.value,
                    ]
                ),
                name="characteristics_sexuality_gender_self_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"Protected characteristics of {self.child}"


class DifferentChildConfirmation(models.Model):
    """Someone adding a record found a possible existing one, and said it is a different child, and why (R2).

    Written with the new record, one per record that matched (``apps.children.services.child_create``). A
    later merge of the two shows it first (``apps.children.merging``): someone once judged them different.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The record added, and the existing record it matched.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="different_child_confirmations")
    matched_child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    matched_on = models.CharField("what matched", max_length=100)
    reason = models.TextField("why it is a different child")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="different_child_confirmation_has_reason"),
            models.CheckConstraint(
                condition=~Q(child=models.F("matched_child")), name="different_child_is_another_record"
            ),
        ]

    def __str__(self) -> str:
        return f"Confirmed a different child ({self.matched_on})"


class ChildMerge(models.Model):
    """Two records of one child made one (R2): who, why, when, which record survived, and every row moved.

    ``moved`` holds, per model label, each group of rows changed and the values before and after
    (``{"teams.Meeting": [{"pks": [4, 9], "fields": {"child_id": [12, 3]}}]}``), so that
    ``child_merge_reverse`` can put back exactly what the merge changed, within
    ``apps.children.merging.REVERSIBLE_DAYS``. The duplicate stays as a tombstone (``Child.merged_into``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_received")
    duplicate = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_as_duplicate")
    reason = models.TextField("why these are the same child")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    moved = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=models.F("duplicate")), name="merge_two_records"),
            models.CheckConstraint(condition=~Q(reason=""), name="merge_has_reason"),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True, reversed_by__isnull=True, reversal_reason="")
                | (Q(reversed_at__isnull=False, reversed_by__isnull=False) & ~Q(reversal_reason="")),
                name="merge_reversed_with_who_and_why",
            ),
            # A duplicate is merged once at a time: a second merge of the same record is refused.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=Q(reversed_at__isnull=True),
                name="one_live_merge_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of {self.duplicate_id} into {self.survivor_id}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None
