import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User, YoungPersonInvite


def user_current_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations a professional works for today (memberships with no end date)."""
    return Organisation.objects.filter(memberships__user=user, memberships__ended_on__isnull=True).distinct()


def user_primary_membership(*, user: User) -> OrganisationMembership | None:
    """The membership shown beside a person's name (``User.primary_membership``)."""
    return user.primary_membership()


def organisation_list(*, search: str = "", type_code: str = "") -> QuerySet[Organisation]:
    """Active organisations, by part of the name or the exact ODS / local code, and by type.

    Organisations are reference data that every professional may see: no per-record restriction applies.
    """
    organisations = Organisation.objects.filter(is_active=True).select_related("type").order_by("name", "pk")
    if search.strip():
        organisations = organisations.filter(
            Q(name__icontains=search.strip()) | Q(external_code__iexact=search.strip())
        )
    if type_code.strip():
        organisations = organisations.filter(type__code=type_code.strip())
    return organisations


# Which kinds of organisation make sense where (issue 14): one rule for the browser's pickers and for the
# services behind the browser and the API, so a GP surgery is never a responsible local authority.
class OrganisationUse:
    RESPONSIBLE_AUTHORITY = "responsible-authority"
    RECEIVES_REFERRALS = "receives-referrals"


ORGANISATION_TYPES_FOR: dict[str, frozenset[str]] = {
    # Only a council's children's services is a looked-after child's responsible authority.
    OrganisationUse.RESPONSIBLE_AUTHORITY: frozenset({"la-childrens-social-care"}),
    # Services that take referrals and consultations about a young person's mental health: not schools,
    # GP practices or the police, who refer rather than receive.
    OrganisationUse.RECEIVES_REFERRALS: frozenset(
        {"nhs-camhs", "la-childrens-social-care", "youth-justice", "voluntary-sector", "adult-mental-health"}
    ),
}

ORGANISATION_TYPE_MESSAGES = {
    OrganisationUse.RESPONSIBLE_AUTHORITY: "Select a local authority: {name} is not a local authority's "
    "children's services",
    OrganisationUse.RECEIVES_REFERRALS: "Select a service that takes referrals: {name} does not",
}


def organisations_for(use: str, *, excluding: Organisation | None = None) -> QuerySet[Organisation]:
    """Active organisations of the kinds that make sense for ``use``, by name (the pickers' choices)."""
    organisations = Organisation.objects.filter(
        is_active=True, type__code__in=ORGANISATION_TYPES_FOR[use]
    ).order_by("name", "pk")
    if excluding is not None:
        organisations = organisations.exclude(pk=excluding.pk)
    return organisations


def organisation_type_problem(organisation: Organisation | None, use: str) -> str:
    """What is wrong with choosing ``organisation`` for ``use``, in words to show; empty when it fits."""
    if organisation is None:
        return ""
    if not organisation.is_active or organisation.type.code not in ORGANISATION_TYPES_FOR[use]:
        return ORGANISATION_TYPE_MESSAGES[use].format(name=organisation.name)
    return ""


# People pickers are a search, not a list of everyone in Beacon (issue 14).
PROFESSIONAL_SEARCH_PAGE = 10
PROFESSIONAL_SEARCH_MIN_LENGTH = 2


def professionals_in_scope(*, exclude_child=None) -> QuerySet[User]:
    """Who may be chosen: active professionals working today for an active organisation, less the current
    team of ``exclude_child``. A posted choice outside this is refused, whatever the page showed."""
    people = User.objects.filter(
        is_active=True,
        kind=User.Kind.PROFESSIONAL,
        memberships__ended_on__isnull=True,
        memberships__organisation__is_active=True,
    )
    if exclude_child is not None:
        people = people.exclude(
            team_memberships__child=exclude_child, team_memberships__ended_on__isnull=True
        )
    return User.objects.filter(pk__in=people.values("pk"))


def professional_search(*, query: str, exclude_child=None, page: int = 1) -> tuple[list[User], bool]:
    """Professionals in scope matching part of a name, job title or organisation, a page at a time (at most
    ``PROFESSIONAL_SEARCH_PAGE``), each with ``current_work``; and whether there is a next page. Fewer than
    two letters finds no one: the search never becomes a list of everyone."""
    words = query.split()
    if len(query.strip()) < PROFESSIONAL_SEARCH_MIN_LENGTH:
        return [], False
    people = professionals_in_scope(exclude_child=exclude_child)
    for word in words:
        people = people.filter(
            Q(display_name__icontains=word)
            | Q(username__iexact=word)
            | Q(memberships__ended_on__isnull=True, memberships__job_title__icontains=word)
            | Q(memberships__ended_on__isnull=True, memberships__organisation__name__icontains=word)
        )
    page = max(page, 1)
    start = (page - 1) * PROFESSIONAL_SEARCH_PAGE
    found: list[User] = list(
        User.objects.filter(pk__in=people.values("pk"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=OrganisationMembership.objects.current().select_related("organisation", "role"),
                to_attr="current_work",
            )
        )
        .order_by("display_name", "username", "pk")[start : start + PROFESSIONAL_SEARCH_PAGE + 1]
    )
    return found[:PROFESSIONAL_SEARCH_PAGE], len(found) > PROFESSIONAL_SEARCH_PAGE


def professional_label(person: User) -> str:
    """A person as a picker shows them: name, then job title or role, and organisation."""
    work = getattr(person, "current_work", [])
    if not work:
        return str(person)
    return f"{person} ({work[0].job_title or work[0].role}, {work[0].organisation})"


@dataclass(frozen=True)
class InviteProblem:
    """Why an invite link cannot be used, in words for the young person holding it."""

    code: str
    title: str
    message: str


INVITE_PROBLEMS = {
    "unknown": InviteProblem(
        "unknown",
        "This link does not work",
        "Check you copied the whole link. If it still does not work, ask your worker for a new link.",
    ),
    "used": InviteProblem(
        "used",
        "This link has already been used",
        "Each link works once. If you have already made your account, sign in with your username and "
        "password. If not, ask your worker for a new link.",
    ),
    "expired": InviteProblem(
        "expired",
        "This link has run out",
        "Links only work for a few days, to keep your information safe. Ask your worker for a new link.",
    ),
    "revoked": InviteProblem(
        "revoked",
        "This link has been replaced",
        "Your worker has made a newer link, or stopped this one. Use the newest link you were given, or ask "
        "your worker for a new one.",
    ),
    "has_account": InviteProblem(
        "has_account",
        "You already have an account",
        "Sign in with your username and password. If you have forgotten them, ask your worker for help.",
    ),
}


def young_person_invite_for_token(*, token: str) -> YoungPersonInvite | None:
    """The invite a link's token belongs to, whatever its state (only the token's hash is stored)."""
    if not token or len(token) > 100:
        return None
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return YoungPersonInvite.objects.select_related("child").filter(token_hash=token_hash).first()


def young_person_invite_problem(*, invite: YoungPersonInvite | None) -> InviteProblem | None:
    """Why this invite cannot be used now, or None if it can: unknown, used, replaced or run out."""
    if invite is None:
        return INVITE_PROBLEMS["unknown"]
    if invite.used_at is not None:
        return INVITE_PROBLEMS["used"]
    if invite.revoked_at is not None:
        return INVITE_PROBLEMS["revoked"]
    if invite.expires_at <= timezone.now():
        return INVITE_PROBLEMS["expired"]
    if invite.child.account_id is not None:
        return INVITE_PROBLEMS["has_account"]
    return None


def young_person_invite_current(*, child) -> YoungPersonInvite | None:
    """The child's invite still in circulation (neither used nor withdrawn), for the professional's page."""
    return YoungPersonInvite.objects.open().filter(child=child).first()
