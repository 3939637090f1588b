"""The stock-taking section's form handling: list or remove an instrument, report or
withdraw an interaction with its mitigations. Every write goes through the services; a
refusal shows the assessment's page again with why, field by field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.errors import WorkflowError
from assessments.selectors import get_visible_assessment
from assessments.stocktake import services
from assessments.stocktake.checks import InstrumentInput, InteractionInput, MitigationInput

MITIGATION_ROWS = 3  # the form offers this many mitigation rows


def returned_stock_entries(post) -> dict[str, str]:
    """The stock-taking entries a reviewer ticks in the return form (`stock-flag`, each with
    `stock-comment-<key>`): key → comment; an empty comment is refused by the service."""
    return {key: post.get(f"stock-comment-{key}", "") for key in post.getlist("stock-flag")}


def _instrument(post) -> InstrumentInput:
    return InstrumentInput(
        code=post.get("code", "").strip().upper(),
        name=post.get("name", "").strip(),
        tool_type=post.get("tool_type", "").strip(),
        levels=post.getlist("levels"),
        areas=post.getlist("areas"),
        link=post.get("link", "").strip(),
        owner=post.get("owner", "").strip(),
        safeguard=post.get("safeguard") == "on",
    )


def _score(text: str):
    try:
        return int(text)
    except (TypeError, ValueError):
        return text  # refused by the check, which names the field


def _interaction(post) -> InteractionInput:
    mitigations = [
        MitigationInput(
            post.get(f"mitigation-{n}-safeguard", ""), post.get(f"mitigation-{n}-how", "")
        )
        for n in range(1, MITIGATION_ROWS + 1)
        if post.get(f"mitigation-{n}-safeguard")
    ]
    return InteractionInput(
        source=post.get("source", ""),
        target=post.get("target", ""),
        score=_score(post.get("score", "")),
        rationale=post.get("rationale", ""),
        mitigations=mitigations,
        no_mitigation=post.get("no_mitigation") == "on",
    )


def _write(post, assessment, user) -> str:
    """Do what the form asks; the message to show."""
    op = post.get("op")
    if op == "add_instrument":
        spec = _instrument(post)
        services.save_instrument(assessment, by=user, spec=spec)
        return _("%(code)s is listed.") % {"code": spec.code}
    if op == "remove_instrument":
        services.remove_instrument(assessment, by=user, code=post.get("code", ""))
        return _("%(code)s is no longer listed.") % {"code": post.get("code", "")}
    if op == "add_interaction":
        spec = _interaction(post)
        services.save_interaction(assessment, by=user, spec=spec)
        return _("The interaction %(s)s → %(t)s is recorded.") % {
            "s": spec.source,
            "t": spec.target,
        }
    if op == "remove_interaction":
        source, target = post.get("source", ""), post.get("target", "")
        services.remove_interaction(assessment, by=user, source=source, target=target)
        return _("The interaction %(s)s → %(t)s is withdrawn.") % {"s": source, "t": target}
    raise services.StockInvalid(_("Unknown action."), {"op": _("Unknown action.")})


@login_required
@require_POST
def stocktake(request, pk: int):
    from assessments.views import _page_status, _render_detail

    assessment = get_visible_assessment(request.user, pk)
    try:
        done = _write(request.POST, assessment, request.user)
    except WorkflowError as refusal:
        status = _page_status(refusal)
        messages.error(request, refusal.message)
        for field, why in refusal.details.items():
            if field != "state":
                messages.error(request, f"{field}: {why}")
        return _render_detail(request, assessment, status=status)
    messages.success(request, done)
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#stocktake")
