"""The young person's own pages (R86): phone first, plain English, with an Easy Read view of each (R140).

Every view finds the child from the signed-in young person (``young_person_required`` hands it over),
never from an id in the address, so nobody reaches another young person's pages by changing a URL. The
passport's rules belong to ``apps.passport``; these views only show them in the young person's words.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import Organisation
from apps.children.categories import Category
from apps.children.characteristics import (
    protected_characteristics_clear,
    protected_characteristics_of,
    protected_characteristics_record,
)
from apps.children.easy_read import choose_easy_read, wants_easy_read
from apps.children.forms import ProtectedCharacteristicsForm
from apps.children.models import Child, DeclaredBy
from apps.chronology.entries import ChronologyEntry
from apps.chronology.selectors import PAGE_SIZE, Chronology, chronology_read_audit
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.passport import services as passport_services
from apps.passport.models import SECTION_PROMPTS, Passport, PassportProposal, Section
from apps.passport.selectors import (
    passport_current,
    passport_current_versions,
    passport_owner_view,
    passport_preview,
    passport_proposal_is_outdated,
    passport_proposals,
    passport_reads,
    passport_section_history,
    passport_shares,
    passport_team_recipients,
)
from apps.portal.decorators import young_person_required
from apps.portal.forms import NewTeamForm, ProposalDecisionForm, SectionForm, ShareForm
from apps.portal.selectors import my_upcoming_appointments, people_working_with_me
from apps.sharing.access import child_access


def _render(request: HttpRequest, child: Child, name: str, context: dict, status: int = 200) -> HttpResponse:
    """Render ``portal/<name>.html``, or its Easy Read version in ``portal/easy_read/`` where there is one."""
    easy_read = wants_easy_read(request, child)
    # Forms and lists of choices have no separate Easy Read words: they keep the bigger Easy Read type.
    templates = [f"portal/{name}.html"]
    if easy_read:
        templates.insert(0, f"portal/easy_read/{name}.html")
    context = {"child": child, "easy_read": easy_read, **context}
    return TemplateResponse(request, templates, context, status=status).render()


@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where "Beacon" in the header leads: a professional's home (their role's work queue, or the one they
    chose), the portal for young people."""
    if request.user.is_young_person:
        return redirect("portal:home")
    return redirect("caseload:home")


@young_person_required
@require_GET
def home(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """The young person's home: their passport, their goals, their team, and who has their information."""
    passport = passport_current(child=child)
    goals = None
    waiting = 0
    if passport is not None:
        goals_version = passport_current_versions(passport=passport).get(Section.MY_GOALS)
        goals = goals_version.text if goals_version else ""
        waiting = passport_proposals(passport=passport, status=PassportProposal.Status.PENDING).count()
    people = people_working_with_me(child=child)
    context = {
        "first_name": child.preferred_name or child.given_name,
        "passport": passport,
        "goals": goals,
        "proposals_waiting": waiting,
        "lead": next((person for person in people if person.is_lead_professional), None),
        "trusted_worker": next((person for person in people if person.is_trusted_worker), None),
        "team_size": len(people),
        "appointments": my_upcoming_appointments(child=child),
    }
    return _render(request, child, "home", context)


@young_person_required
@require_GET
def team(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """ "Who is working with me": the team in the young person's words (R91)."""
    return _render(request, child, "team", {"people": people_working_with_me(child=child)})


@young_person_required
@require_GET
def chronology(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """ "What has happened": the young person's own chronology, in plain words, newest first (R12).

    Everything about them is theirs to see, except what a professional kept from them with a reason (a
    significant event marked not for them) and a safeguarding override they have not been told of yet (R76).
    The read is audited like any other.
    """
    access = child_access(user=request.user, child=child)
    chronology = Chronology(child=child, access=access, for_young_person=True)
    paginator: Paginator[ChronologyEntry] = Paginator(chronology, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = list(page.object_list)
    chronology_read_audit(actor=request.user, child=child, access=access, entries=entries)
    context = {
        "entries": entries,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }
    return _render(request, child, "chronology", context)


@young_person_required
@require_GET
def format_choose(request: AuthenticatedHttpRequest, child: Child, choice: str) -> HttpResponse:
    """Switch between the standard pages and Easy Read for this visit, and go back to the same page.

    A link rather than a form so it works anywhere on the page; it changes only how pages look.
    """
    choose_easy_read(request, choice == "easy-read")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = ""
    return redirect(target or "portal:home")


# --- My passport (R83-R88) ----------------------------------------------------------------------------


def _my_passport(request: HttpRequest, child: Child) -> Passport:
    """The young person's own passport: 404 if there is none, or if it is held by someone else for them."""
    passport = passport_current(child=child)
    if passport is None or passport.owner_id != request.user.pk:
        raise Http404("You do not have a passport yet")
    return passport


def _section_or_404(section: str) -> Section:
    if section not in Section.values:
        raise Http404("There is no such part of the passport")
    return Section(section)


def _shares_by_section(passport: Passport) -> dict[str, list[str]]:
    who: dict[str, list[str]] = {}
    for share in passport_shares(passport=passport):
        who.setdefault(share.section, []).append(
            str(share.recipient_user or f"everyone at {share.recipient_organisation}")
        )
    return who


@young_person_required
@require_http_methods(["GET", "POST"])
def passport(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """The young person's passport, part by part, with who can see each part (R83-R85)."""
    current = passport_current(child=child)
    if current is None:
        if request.method == "POST":
            try:
                passport_services.passport_create(actor=request.user, child=child)
            except ApplicationError as error:
                messages.info(request, error.message)
            else:
                messages.success(request, "Your passport has started. Write each part when you are ready.")
            return redirect("portal:passport")
        return _render(request, child, "passport_start", {})
    if current.owner_id != request.user.pk:
        # A parent or carer keeps it for now (a young child): the young person is told, not shown a form.
        return _render(request, child, "passport_held", {"holder": current.owner})
    shared = _shares_by_section(current)
    sections = [
        {"view": view, "prompt": SECTION_PROMPTS[view.section], "shared_with": shared.get(view.section, [])}
        for view in passport_owner_view(passport=current)
    ]
    context = {
        "passport": current,
        "sections": sections,
        "proposals_waiting": passport_proposals(
            passport=current, status=PassportProposal.Status.PENDING
        ).count(),
    }
    return _render(request, child, "passport", context)


@young_person_required
@require_http_methods(["GET", "POST"])
def section(request: AuthenticatedHttpRequest, child: Child, section: str) -> HttpResponse:
    """Write one part of the passport in the young person's own words; earlier versions are kept."""
    current = _my_passport(request, child)
    part = _section_or_404(section)
    latest = passport_current_versions(passport=current).get(part.value)
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        label=part.label,
        hint=SECTION_PROMPTS[part],
        initial={"text": latest.text if latest else ""},
    )
    if form.is_bound and form.is_valid():
        try:
            passport_services.passport_section_write(
                actor=request.user, passport=current, section=part.value, text=form.cleaned_data["text"]
            )
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="text")
        else:
            messages.success(request, f"Saved: {part.label}")
            return redirect(reverse("portal:passport") + f"#{part.value}")
    history = list(passport_section_history(passport=current, section=part.value)[1:])
    return _render(request, child, "section", {"form": form, "part": part, "history": history})


@young_person_required
@require_GET
def proposals(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """Changes workers have suggested: each waits for the young person's yes or no (R83)."""
    current = _my_passport(request, child)
    all_proposals = list(passport_proposals(passport=current))
    versions = passport_current_versions(passport=current)
    waiting = [
        {
            "proposal": proposal,
            "now": versions.get(proposal.section),
            "outdated": passport_proposal_is_outdated(proposal=proposal),
        }
        for proposal in all_proposals
        if proposal.status == PassportProposal.Status.PENDING
    ]
    decided = [p for p in all_proposals if p.status != PassportProposal.Status.PENDING][:20]
    return _render(request, child, "proposals", {"waiting": waiting, "decided": decided})


@young_person_required
@require_http_methods(["GET", "POST"])
def proposal_decide(request: AuthenticatedHttpRequest, child: Child, proposal_id) -> HttpResponse:
    """Yes or no to one suggested change. Only the young person's own passport's suggestions are found."""
    current = _my_passport(request, child)
    proposal = get_object_or_404(current.proposals.select_related("proposed_by"), public_id=proposal_id)
    if proposal.status != PassportProposal.Status.PENDING:
        messages.info(request, "You have already answered this suggestion.")
        return redirect("portal:proposals")
    outdated = passport_proposal_is_outdated(proposal=proposal)
    form = ProposalDecisionForm(
        request.POST if request.method == "POST" else None,
        outdated=outdated,
        legend=f"Do you want to use {proposal.proposed_by}'s words?",
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                passport_services.passport_proposal_accept(
                    actor=request.user,
                    proposal=proposal,
                    confirm_outdated=data.get("confirm_outdated", False),
                )
                done = f"Your passport now uses the new words for {proposal.get_section_display()}"
            else:
                passport_services.passport_proposal_reject(
                    actor=request.user, proposal=proposal, note=data["note"]
                )
                done = f"You said no. {proposal.get_section_display()} stays as it was"
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="decision")
        else:
            messages.success(request, done)
            return redirect("portal:proposals")
    now = passport_current_versions(passport=current).get(proposal.section)
    context = {"form": form, "proposal": proposal, "now": now, "outdated": outdated}
    return _render(request, child, "proposal_decide", context)


@young_person_required
@require_http_methods(["GET", "POST"])
def sharing(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """Who can see which parts of the passport, sharing more, and who has looked (R84, R88)."""
    current = _my_passport(request, child)
    people = list(passport_team_recipients(passport=current))
    form = ShareForm(request.POST if request.method == "POST" else None, people=people)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            passport_services.passport_share(
                actor=request.user,
                passport=current,
                sections=data["sections"],
                recipient_user=data["recipient_user"],
                recipient_organisation=data["recipient_organisation"],
                ends_on=data["ends_on"],
            )
        except ApplicationError as error:
            add_service_errors(form, error, fallback_field="recipient")
        else:
            who = data["recipient_user"] or f"everyone at {data['recipient_organisation']}"
            messages.success(request, f"Shared with {who}")
            return redirect("portal:sharing")
    shares = list(passport_shares(passport=current))
    context = {
        "form": form,
        "new_team_form": NewTeamForm(prefix="new_team"),
        "shares": shares,
        "people": people,
        "reads": list(passport_reads(passport=current)[:50]),
    }
    return _render(request, child, "sharing", context)


@young_person_required
@require_POST
def new_team_share(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """One step when moving on: the new organisation sees what the young person already shares (R87)."""
    current = _my_passport(request, child)
    form = NewTeamForm(request.POST, prefix="new_team")
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            passport_services.passport_share_with_new_team(
                actor=request.user, passport=current, organisation=organisation
            )
        except ApplicationError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, f"Everyone at {organisation} can now see the parts you share")
    else:
        messages.info(request, "Choose where you are moving to")
    return redirect(reverse("portal:sharing") + "#new-team")


@young_person_required
@require_POST
def share_stop(request: AuthenticatedHttpRequest, child: Child, share_id) -> HttpResponse:
    """Stop sharing one part with one person or organisation, from the very next moment (R84)."""
    current = _my_passport(request, child)
    share = get_object_or_404(
        current.shares.select_related("recipient_user", "recipient_organisation"), public_id=share_id
    )
    try:
        passport_services.passport_share_revoke(actor=request.user, share=share)
    except ApplicationError as error:
        messages.info(request, error.message)
    else:
        who = share.recipient_user or f"everyone at {share.recipient_organisation}"
        messages.success(request, f"{who} can no longer see {share.get_section_display()}")
    return redirect("portal:sharing")


@young_person_required
@require_GET
def preview(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """ "See what this person will see": the passport exactly as one person or organisation sees it now."""
    current = _my_passport(request, child)
    people = {str(person.public_id): person for person in passport_team_recipients(passport=current)}
    person = people.get(request.GET.get("person", ""))
    organisation = None
    if person is None and request.GET.get("organisation"):
        try:
            organisation = Organisation.objects.filter(
                public_id=request.GET["organisation"], is_active=True
            ).first()
        except ValidationError:
            organisation = None
    if person is None and organisation is None:
        return _render(
            request,
            child,
            "preview_choose",
            {"people": people.values(), "organisations": _shared_organisations(current)},
        )
    views = passport_preview(owner=request.user, passport=current, viewer=person, organisation=organisation)
    context = {"who": person or f"everyone at {organisation}", "sections": views}
    return _render(request, child, "preview", context)


def _shared_organisations(current: Passport) -> list[Organisation]:
    shared = passport_shares(passport=current).filter(recipient_organisation__isnull=False)
    return list(Organisation.objects.filter(pk__in=shared.values("recipient_organisation")).order_by("name"))


# --- About me: protected characteristics (R7) ---------------------------------------------------------


@young_person_required
@require_http_methods(["GET", "POST"])
def about_me(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """The young person tells us, if they want to, their ethnic group, sex, gender identity, sexual
    orientation, disability, religion and first language (R7): why we ask and who sees what, plainly."""
    row = protected_characteristics_of(child)
    # Their own record: the access decision lets them see all of it, orientation and gender identity too.
    sees_all = child_access(user=request.user, child=child).sees_text(Category.SEXUALITY_GENDER)
    form = ProtectedCharacteristicsForm(
        request.POST if request.method == "POST" else None,
        initial=ProtectedCharacteristicsForm.initial_for(child, row),
        for_young_person=True,
        show_sexuality_gender=sees_all,
    )
    if form.is_bound and form.is_valid():
        try:
            protected_characteristics_record(
                actor=request.user,
                child=child,
                declared_by=DeclaredBy.YOUNG_PERSON,
                **form.service_arguments(),
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answers have been saved. You can change them at any time.")
            return redirect("portal:about-me")
    return _render(request, child, "about_me", {"form": form, "has_answers": row is not None})


@young_person_required
@require_POST
def about_me_remove(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    """Remove every answer the young person gave about themselves: theirs to take back at any time."""
    if protected_characteristics_clear(actor=request.user, child=child):
        messages.success(request, "Your answers have been removed")
    return redirect("portal:about-me")
