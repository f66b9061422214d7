"""Reads of the young person's passport. Who may read which section is decided here, at the moment of reading.

Why not django-guardian, like the rest of a child's record? Guardian permissions on ``Child`` are a
projection that ``apps.sharing`` recomputes from team membership, consent and overrides. The passport is
governed by something else entirely: the young person's own choices (R84), which the consent register
must never widen (R71: a professional with full consent to the case record still cannot read a passport
section the young person has not shared with them). So passport access is not a permission row at all:
every read asks ``passport_sections_visible_to``, which looks at the young person's shares as they are
at that instant. There is nothing to recompute and nothing that can go stale, so a revoke or an end date
takes effect on the very next request, and no consent, override or administrator grant can open a
section.

Who a share reaches:
- a share with a **person** reaches that professional while they are an active professional in the
  current team around the young person (the owner picks them from the team). If they leave the team,
  the share stops working; it works again if they rejoin while it is still open;
- a share with an **organisation** reaches every active professional with a current membership of that
  organisation, whether or not they are in the team yet: this is how the passport moves with the young
  person to a new placement, area or adult service before anyone there is on the team (R87).
Young people, parents and carers, and inactive accounts are never recipients.

Who may open the passport page at all: someone who may see the child's core record (their team, or
consent), so that they can see that the passport exists and propose changes; or someone with at least one
section shared with them. Anyone else gets a 404 and learns nothing about the young person.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.audit.context import current_interface
from apps.audit.models import AuditEvent
from apps.audit.services import actor_organisation_id, audit_record
from apps.children.models import Child
from apps.passport.models import (
    Passport,
    PassportProposal,
    PassportRead,
    PassportShare,
    PassportVersion,
    Section,
    label_in_sentence,
)
from apps.teams.models import TeamMembership

CHILD_VIEW = "view_child"


def _now_and_today(now: datetime | None) -> tuple[datetime, object]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


def _is_recipient_kind(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_professional)


def is_on_team(*, user: User, child_id: int) -> bool:
    """Whether ``user`` is a current professional member of the team around the child."""
    return (
        TeamMembership.objects.current()
        .filter(child_id=child_id, user=user, kind=TeamMembership.Kind.PROFESSIONAL)
        .exists()
    )


def passport_sections_visible_to(
    *, viewer: User | None, passport: Passport, now: datetime | None = None
) -> frozenset[str]:
    """The sections of ``passport`` that ``viewer`` may read right now: exactly what the owner shares.

    Evaluated against the shares at this instant (see the module docstring): a share must have started,
    not be past its end date and not be revoked; a person share needs the viewer in the young person's
    current team, an organisation share a current membership of that organisation. The owner reads their
    own passport through the owner's selectors, not this one; a deleted passport shows nothing to anyone.
    """
    if not _is_recipient_kind(viewer) or passport.deleted_at is not None:
        return frozenset()
    now, today = _now_and_today(now)
    organisations = OrganisationMembership.objects.current().filter(user=viewer, organisation__is_active=True)
    reaches = Q(recipient_organisation__in=organisations.values("organisation"))
    if is_on_team(user=viewer, child_id=passport.child_id):
        reaches |= Q(recipient_user=viewer)
    return frozenset(
        PassportShare.objects.in_force(now=now, today=today)
        .filter(reaches, passport=passport)
        .values_list("section", flat=True)
    )


def passport_sections_shared_with_organisation(
    *, passport: Passport, organisation: Organisation, now: datetime | None = None
) -> frozenset[str]:
    """The sections every current professional of ``organisation`` may read through organisation shares."""
    if passport.deleted_at is not None or not organisation.is_active:
        return frozenset()
    now, today = _now_and_today(now)
    return frozenset(
        PassportShare.objects.in_force(now=now, today=today)
        .filter(passport=passport, recipient_organisation=organisation)
        .values_list("section", flat=True)
    )


def passport_current(*, child: Child) -> Passport | None:
    """The young person's passport, if they have one (a deleted passport is not current)."""
    return Passport.objects.current().filter(child=child).select_related("owner", "child").first()


def passport_current_versions(*, passport: Passport) -> dict[str, PassportVersion]:
    """The latest version of each section that has been written, keyed by section.

    One query, portable to SQLite (``make run``), so not PostgreSQL's DISTINCT ON: each section's row
    whose number is the highest for that section.
    """
    latest = (
        PassportVersion.objects.filter(passport=OuterRef("passport"), section=OuterRef("section"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = PassportVersion.objects.filter(passport=passport, number=Subquery(latest)).select_related(
        "author"
    )
    return {version.section: version for version in versions}


def passport_section_history(*, passport: Passport, section: str) -> QuerySet[PassportVersion]:
    """Every version of one section, newest first (R83: every version is kept).

    Callers check the reader may see the section: the owner always, a professional only if it is shared.
    """
    return PassportVersion.objects.filter(passport=passport, section=section).select_related(
        "author", "accepted_by", "from_proposal"
    )


@dataclass(frozen=True)
class SectionView:
    """One section as a particular reader sees it: its text if they may read it, else only its name."""

    section: str
    label: str
    visible: bool
    version: PassportVersion | None

    @property
    def text(self) -> str:
        return self.version.text if self.visible and self.version else ""

    @property
    def is_written(self) -> bool:
        return self.version is not None

    @property
    def label_in_sentence(self) -> str:
        return label_in_sentence(self.label)


def _section_views(*, passport: Passport, visible: frozenset[str] | set[str]) -> list[SectionView]:
    # Only the texts the reader may see are fetched into the view; the rest are never handed to templates.
    current = passport_current_versions(passport=passport) if visible else {}
    return [
        SectionView(
            section=section.value,
            label=section.label,
            visible=section.value in visible,
            version=current.get(section.value) if section.value in visible else None,
        )
        for section in Section
    ]


def passport_view_for(*, viewer: User, passport: Passport, now: datetime | None = None) -> list[SectionView]:
    """Every section, in order, as ``viewer`` would see it now.

    Not audited: use ``passport_open`` to show it to them.
    """
    return _section_views(
        passport=passport, visible=passport_sections_visible_to(viewer=viewer, passport=passport, now=now)
    )


def passport_owner_view(*, passport: Passport) -> list[SectionView]:
    """Every section with its current text, as the owner sees their own passport."""
    return _section_views(passport=passport, visible={section.value for section in Section})


def passport_owner_open(*, owner: User, passport: Passport) -> list[SectionView]:
    """Show the owner their own passport, every section with its text, and audit the read (R150)."""
    _require_owner(user=owner, passport=passport)
    audit_record(
        actor=owner, action=AuditEvent.Action.VIEW, target=passport, child=passport.child, basis="owner"
    )
    return passport_owner_view(passport=passport)


def passport_preview(
    *,
    owner: User,
    passport: Passport,
    viewer: User | None = None,
    organisation: Organisation | None = None,
) -> list[SectionView]:
    """ "See what this person will see": exactly the sections a professional (or anyone currently at an
    organisation) could read now, for the owner to check before and after sharing (R84).

    Computed by the same rule as a real read, so the preview cannot differ from what is shown. Only the
    owner may preview; a preview is not a read and is not logged as one.
    """
    _require_owner(user=owner, passport=passport)
    if organisation is not None:
        visible = passport_sections_shared_with_organisation(passport=passport, organisation=organisation)
    else:
        visible = passport_sections_visible_to(viewer=viewer, passport=passport)
    return _section_views(passport=passport, visible=visible)


def _require_owner(*, user: User, passport: Passport) -> None:
    if passport.owner_id != getattr(user, "pk", None) or passport.deleted_at is not None:
        raise Http404("No such passport")


# --- Finding a passport -----------------------------------------------------------------------------


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such passport") from None


def passport_for_owner(*, user: User, public_id) -> Passport:
    """The owner's own passport by its public id: 404 for anyone else's, so nobody learns it exists."""
    passport = (
        Passport.objects.current()
        .filter(public_id=_uuid_or_404(public_id), owner=user)
        .select_related("child", "owner")
        .first()
    )
    if passport is None or not user.is_active:
        raise Http404("No such passport")
    return passport


def passports_owned_by(*, user: User) -> QuerySet[Passport]:
    """The passports ``user`` owns: a young person's own, or a parent or carer's young children's."""
    return Passport.objects.current().filter(owner=user).select_related("child")


def passport_may_open(*, viewer: User, passport: Passport) -> bool:
    """Whether ``viewer`` may open the professional passport page: they may see the child's core record,
    or at least one section is shared with them (see the module docstring)."""
    if not _is_recipient_kind(viewer) or passport.deleted_at is not None:
        return False
    if Child.objects.restrict(viewer, CHILD_VIEW).filter(pk=passport.child_id).exists():
        return True
    return bool(passport_sections_visible_to(viewer=viewer, passport=passport))


def access_passport(*, viewer: User, child_public_id) -> Passport:
    """The child's passport for a professional: 404 if there is none, or if the viewer may not open it.

    Does not record a read: ``passport_open`` does, when the sections are shown.
    """
    try:
        child_public_id = uuid.UUID(str(child_public_id))
    except ValueError:
        raise Http404("No such passport") from None
    passport = (
        Passport.objects.current()
        .filter(child__public_id=child_public_id)
        .select_related("child", "owner")
        .first()
    )
    if passport is None or not passport_may_open(viewer=viewer, passport=passport):
        raise Http404("No such passport")
    return passport


def passport_open(*, viewer: User, passport: Passport, printed: bool = False) -> list[SectionView]:
    """Show the passport to a professional: the sections they may read, and a record of the read.

    Every read is audited (R150) and, when any section was shown, logged where the young person sees it
    (R88): who, from which organisation, which sections, when, and whether it was printed.
    """
    views = passport_view_for(viewer=viewer, passport=passport)
    shown = sorted(view.section for view in views if view.visible and view.is_written)
    audit_record(
        actor=viewer,
        action=AuditEvent.Action.VIEW,
        target=passport,
        child=passport.child,
        basis="shared by the young person" if shown else "",
        detail={"sections": shown, "printed": printed},
    )
    if shown:
        PassportRead.objects.create(
            passport=passport,
            viewer=viewer,
            viewer_organisation_id=actor_organisation_id(viewer),
            sections=shown,
            interface=current_interface(),
            printed=printed,
        )
    return views


def passports_shared_with(*, viewer: User) -> list[tuple[Passport, frozenset[str]]]:
    """Passports with at least one section shared with ``viewer`` now, and which sections.

    How a professional at a new placement or service finds a young person's passport before they are on
    the team (an organisation share): the list shows only the young person's name and the sections.
    The same rule as ``passport_sections_visible_to``, worked out for every passport in three queries
    whatever the length of the list.
    """
    if not _is_recipient_kind(viewer):
        return []
    now, today = _now_and_today(None)
    organisation_ids = set(
        OrganisationMembership.objects.current()
        .filter(user=viewer, organisation__is_active=True)
        .values_list("organisation_id", flat=True)
    )
    team_child_ids = set(
        TeamMembership.objects.current()
        .filter(user=viewer, kind=TeamMembership.Kind.PROFESSIONAL)
        .values_list("child_id", flat=True)
    )
    shares = (
        PassportShare.objects.in_force(now=now, today=today)
        .filter(
            Q(recipient_organisation_id__in=organisation_ids)
            | Q(recipient_user=viewer, passport__child_id__in=team_child_ids),
            passport__deleted_at__isnull=True,
        )
        .select_related("passport__child")
        .order_by("passport__child__family_name", "passport__child__given_name", "passport_id")
    )
    found: dict[int, tuple[Passport, set[str]]] = {}
    for share in shares:
        found.setdefault(share.passport_id, (share.passport, set()))[1].add(share.section)
    return [(passport, frozenset(sections)) for passport, sections in found.values()]


# --- Proposals, shares and reads, for the owner and the proposer ----------------------------------------


def passport_proposals(*, passport: Passport, status: str | None = None) -> QuerySet[PassportProposal]:
    """Proposed changes to the passport, newest first; for the owner (professionals see only their own)."""
    proposals = PassportProposal.objects.filter(passport=passport).select_related(
        "proposed_by", "decided_by", "based_on"
    )
    return proposals.filter(status=status) if status else proposals


def passport_proposal_is_outdated(*, proposal: PassportProposal) -> bool:
    """Whether the section has changed since the proposal was written against it."""
    latest = (
        PassportVersion.objects.filter(passport_id=proposal.passport_id, section=proposal.section)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (latest or 0) != proposal.based_on_number


def passport_proposals_by(*, passport: Passport, user: User) -> QuerySet[PassportProposal]:
    """The changes ``user`` has proposed to this passport, with what the owner decided."""
    return passport_proposals(passport=passport).filter(proposed_by=user)


def passport_shares(*, passport: Passport, include_ended: bool = False) -> QuerySet[PassportShare]:
    """The owner's shares: by default those in force now; with ``include_ended`` every share ever made."""
    shares = PassportShare.objects.filter(passport=passport).select_related(
        "recipient_user", "recipient_organisation", "created_by", "revoked_by"
    )
    if include_ended:
        return shares
    now, today = _now_and_today(None)
    return shares.in_force(now=now, today=today)


def passport_reads(*, passport: Passport) -> QuerySet[PassportRead]:
    """Who opened the passport, from where, which sections and when, newest first (R88)."""
    return PassportRead.objects.filter(passport=passport).select_related("viewer", "viewer_organisation")


def passport_team_recipients(*, passport: Passport) -> QuerySet[User]:
    """The professionals the owner can share with by name: active professionals in their current team."""
    members = TeamMembership.objects.current().filter(
        child_id=passport.child_id, kind=TeamMembership.Kind.PROFESSIONAL
    )
    return User.objects.filter(
        pk__in=members.values("user"), is_active=True, kind=User.Kind.PROFESSIONAL
    ).order_by("display_name", "username")
