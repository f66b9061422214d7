"""``{% load drafts %}{% form_draft %}``, placed just before a long form: marks the form as keeping a draft
and, on a fresh visit, offers back the signed-in person's own draft of it (apps.accounts.drafts)."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.drafts import DRAFT_FORMS, draft_for

register = template.Library()


@register.simple_tag(takes_context=True)
def form_draft(context: template.Context) -> str:
    """The draft marker for the form that follows, with the person's draft when there is one to restore.

    Nothing on a page that keeps no draft. A draft is offered only when the page is opened (GET): a form
    drawn again with its errors shows what was just sent, which is newer. The banner starts hidden and the
    page's script shows it once it has put the draft back, so no page claims a restore that did not happen.
    """
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return ""
    if request.resolver_match.view_name not in DRAFT_FORMS or not request.user.is_authenticated:
        return ""
    draft = draft_for(user=request.user, key=request.path) if request.method == "GET" else None
    saved_at = timezone.localtime(draft.updated_at) if draft is not None else None
    return render_to_string(
        "accounts/includes/form_draft.html",
        {
            "key": request.path,
            "draft": draft,
            "saved_at": saved_at,
            "saved_today": saved_at is not None and saved_at.date() == timezone.localdate(),
        },
    )
