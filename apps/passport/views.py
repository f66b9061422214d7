"""The professional's pages for a young person's passport: read what is shared, suggest changes, print.

Each view reads top to bottom: access -> form -> service -> redirect. A professional reaches the passport
through ``access_passport``: a 404 unless they may see the young person's record or have a section shared
with them. Sections not shared with them are listed by name only, "not shared with you", never their words.
The young person's own pages (writing, deciding, sharing) are in ``apps.portal``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.models import Child
from apps.children.selectors import VIEW
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.passport import services
from apps.passport.forms import ProposalForm
from apps.passport.models import SECTION_PROMPTS, Passport, PassportProposal, Section, label_in_sentence
from apps.passport.selectors import (
    access_passport,
    is_on_team,
    passport_current_versions,
    passport_open,
    passport_proposal_is_outdated,
    passport_proposals_by,
    passport_sections_visible_to,
    passports_shared_with,
)
from apps.sharing.access import child_access
from apps.sharing.selectors import access_child


def _passport_url(passport_or_child) -> str:
    child = getattr(passport_or_child, "child", passport_or_child)
    return reverse("passport:child-passport", args=[child.public_id])


def _owner_words(passport: Passport) -> str:
    """Whose passport it is, for the page: the young person's, or held for them by a parent or carer."""
    if passport.owner_family_member_id:
        return f"Held for {passport.child.known_as} by {passport.owner_family_member.name}"
    return f"{passport.child.known_as}'s own passport"


def _may_start(user, child) -> bool:
    if child_access(user=user, child=child).can_change:
        return True
    return is_on_team(user=user, child_id=child.pk)


@professional_required
@require_GET
def child_passport(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """The passport as this professional may see it, what they have suggested, and how to suggest more."""
    passport = Passport.objects.current().filter(child__public_id=public_id).first()
    if passport is None:
        # No passport yet: only people who may see the record learn that, and may offer to start one.
        child = access_child(request.user, public_id)
        return render(
            request,
            "passport/no_passport.html",
            {
                "child": child,
                "may_start": _may_start(request.user, child),
                "has_account": bool(child.account_id),
            },
        )
    passport = access_passport(viewer=request.user, child_public_id=public_id)
    views = passport_open(viewer=request.user, passport=passport)
    proposals = list(passport_proposals_by(passport=passport, user=request.user))
    for proposal in proposals:
        pending = proposal.status == PassportProposal.Status.PENDING
        proposal.is_outdated = pending and passport_proposal_is_outdated(proposal=proposal)
    context = {
        "passport": passport,
        "child": passport.child,
        "owner_words": _owner_words(passport),
        "sections": views,
        "shared_count": sum(view.visible for view in views),
        "proposals": proposals,
        # Back to the record for those who may see it; to the shared list for a new team that may not.
        "can_see_record": Child.objects.restrict(request.user, VIEW).filter(pk=passport.child_id).exists(),
    }
    return render(request, "passport/passport.html", context)


@professional_required
@require_POST
def passport_start(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Start the passport with the young person (R83): it is theirs from the first moment."""
    child = access_child(request.user, public_id)
    try:
        services.passport_create(actor=request.user, child=child)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"The passport has been started. It belongs to {child.known_as}: they write it, and decide who "
            "sees each part",
        )
    return redirect(_passport_url(child))


@professional_required
@require_GET
def passport_print(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """A printable passport (R89): the sections shared with this professional only, and the read is logged."""
    passport = access_passport(viewer=request.user, child_public_id=public_id)
    views = passport_open(viewer=request.user, passport=passport, printed=True)
    context = {
        "passport": passport,
        "child": passport.child,
        "owner_words": _owner_words(passport),
        "sections": [view for view in views if view.visible and view.is_written],
        "not_shown": [view.label_in_sentence for view in views if not (view.visible and view.is_written)],
    }
    return render(request, "passport/print.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedHttpRequest, public_id, section: str) -> HttpResponse:
    """Suggest new words for one section. Nothing changes until the young person accepts (R83)."""
    passport = access_passport(viewer=request.user, child_public_id=public_id)
    if section not in Section.values:
        raise Http404("No such section")
    visible = section in passport_sections_visible_to(viewer=request.user, passport=passport)
    current = passport_current_versions(passport=passport).get(section) if visible else None
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        initial={"text": current.text if current else ""},
    )
    if form.is_bound and form.is_valid():
        try:
            services.passport_change_propose(
                actor=request.user, passport=passport, section=section, **form.cleaned_data
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="text")
        else:
            messages.success(
                request,
                f"Your suggestion has been sent. {passport.child.known_as} decides whether to accept it",
            )
            return redirect(_passport_url(passport) + "#suggestions")
    context = {
        "passport": passport,
        "child": passport.child,
        "form": form,
        "section_label": label_in_sentence(Section(section).label),
        "prompt": SECTION_PROMPTS[Section(section)],
        "visible": visible,
        "current": current,
    }
    return render(request, "passport/proposal_form.html", context)


@professional_required
@require_POST
def proposal_withdraw(request: AuthenticatedHttpRequest, public_id, proposal_id) -> HttpResponse:
    """Take back a suggestion before the young person decides on it."""
    passport = access_passport(viewer=request.user, child_public_id=public_id)
    proposal = get_object_or_404(passport.proposals, public_id=proposal_id, proposed_by=request.user)
    try:
        services.passport_proposal_withdraw(actor=request.user, proposal=proposal)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your suggestion has been withdrawn")
    return redirect(_passport_url(passport) + "#suggestions")


@professional_required
@require_GET
def shared_with_me(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Passports young people share with me or my organisation: how a new team finds them (R87)."""
    rows = [
        {"passport": passport, "labels": [label_in_sentence(s.label) for s in Section if s.value in visible]}
        for passport, visible in passports_shared_with(viewer=request.user)
    ]
    return render(request, "passport/shared_with_me.html", {"rows": rows})
