"""factory-boy factories shared by every test package. Synthetic data only: NHS numbers from the 999 range."""

import datetime

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import (
    Organisation,
    OrganisationMembership,
    OrganisationType,
    ProfessionalRole,
    User,
)
from apps.children.models import (
    Child,
    ChildIdentifier,
    FamilyMember,
    SocialWorkInvolvement,
    VulnerabilityType,
)
from apps.core.nhs_number import nhs_number_check_digit

PASSWORD = "correct-horse-battery-staple"


def nhs_number_from(seed: int) -> str:
    """A valid NHS number in the 999 test range, different for each seed from 0 to 499,999.

    Each seed owns two nine-digit stems (2n and 2n+1). When the first is one no NHS number is issued
    with (its check digit would be 10), the second is not: adding one to the ninth digit moves the
    weighted sum by 2, so the remainder can no longer be the unissuable one.
    """
    if not 0 <= seed < 500_000:
        raise ValueError("seed must be from 0 to 499,999")
    for stem in (999_000_000 + 2 * seed, 999_000_000 + 2 * seed + 1):
        check = nhs_number_check_digit(f"{stem:09d}")
        if check is not None:
            return f"{stem:09d}{check}"
    raise AssertionError("unreachable: one of two neighbouring stems is always issuable")


# Factories take seeds below 400,000; tests that need a number no factory will make use 400,000 and up.
_nhs_seed = iter(range(1, 400_000))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Synthetic Organisation {n}")
    type = factory.LazyFunction(lambda: OrganisationType.objects.get(code="la-childrens-social-care"))


# Every test professional's authenticator app shares this key, so a browser test can compute a code
# without touching the database (tests.auth.current_code).
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy's signature
        if create:
            obj.save()


class ProfessionalFactory(UserFactory):
    """A professional with a current membership of an organisation (a new one unless given), and an
    authenticator app set up with ``TEST_TOTP_KEY`` (``authenticator=False`` for someone yet to set one up).
    """

    kind = User.Kind.PROFESSIONAL

    @factory.post_generation
    def authenticator(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted is not False:
            TOTPDevice.objects.create(user=obj, name="Authenticator app", key=TEST_TOTP_KEY, confirmed=True)

    @factory.post_generation
    def organisation(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            OrganisationMembership.objects.create(
                user=obj,
                organisation=extracted or OrganisationFactory(),
                role=ProfessionalRole.objects.get(code=kwargs.get("role", "social-worker")),
                started_on=datetime.date(2024, 1, 1),
            )


class YoungPersonUserFactory(UserFactory):
    kind = User.Kind.YOUNG_PERSON


class ChildFactory(factory.django.DjangoModelFactory):
    """A child row written directly (no access granted); use ``child_create`` to test the real path."""

    class Meta:
        model = Child

    given_name = factory.Sequence(lambda n: f"Synthetic{n}")
    family_name = "Testchild"
    preferred_name = ""
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365 * 14))
    nhs_number = factory.LazyFunction(lambda: nhs_number_from(next(_nhs_seed)))
    strengths = "Loves drawing and looks after the family dog."


class ChildIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildIdentifier

    child = factory.SubFactory(ChildFactory)
    kind = ChildIdentifier.Kind.SOCIAL_CARE_ID
    value = factory.Sequence(lambda n: f"SC{n:06d}")
    issuer = factory.SubFactory(OrganisationFactory)


class SocialWorkInvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialWorkInvolvement

    child = factory.SubFactory(ChildFactory)
    status = SocialWorkInvolvement.Status.CHILD_IN_NEED
    started_on = datetime.date(2025, 1, 1)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"Carer {n}")
    relationship = FamilyMember.Relationship.MOTHER
    has_parental_responsibility = True


def vulnerability_type(code: str = "young-carer") -> VulnerabilityType:
    return VulnerabilityType.objects.get(code=code)


def share_with(child: Child, user: User, *categories: str, actor: User | None = None):
    """Record a valid consent sharing these categories of ``child``'s information with ``user``.

    Uses the young person's own consent, after a competence assessment when they are under 16, so the
    consent passes the same rules as any other.
    """
    from apps.consent.models import Consent
    from apps.consent.selectors import PRESUMED_COMPETENT_AGE, age_on
    from apps.consent.services import competence_assess, consent_record

    actor = actor or user
    today = timezone.localdate()
    if age_on(child.date_of_birth, today) < PRESUMED_COMPETENT_AGE:
        competence_assess(
            actor=actor,
            child=child,
            assessed_on=today,
            decision="Sharing information with the team",
            outcome="competent",
        )
    return consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=list(categories),
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=user,
        purpose="Test consent",
        valid_from=today,
        form=Consent.Form.WRITTEN,
        evidence="Signed form on file",
    )
