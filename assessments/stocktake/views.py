"""The stock-taking section's form handling: list or remove an instrument, report or
withdraw an interaction with its mitigations. Every write goes through the services; a
refusal shows the assessment's page again with why, field by field, and the user's input
back in its form.

Each form carries the revisions of the entries the page showed (assessments.stocktake.
services): a remove form its entry's, an add form every listed entry's, by key — so that
listing a code the page did not show, or changing one someone else changed since, is a
conflict, not an overwrite."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.roles import principal_of
from assessments.errors import WorkflowError
from assessments.selectors import get_visible_assessment
from assessments.stocktake import services
from assessments.stocktake.checks import InstrumentInput, InteractionInput, MitigationInput
from assessments.stocktake.errors import StockConflict, StockInvalid
from assessments.stocktake.flags import interaction_key
from assessments.stocktake.history import stock_history

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


def revisions_field(entries) -> str:
    """The add forms' hidden `revisions`: `KEY=REVISION` of each entry the page shows."""
    return " ".join(f"{e['key']}={e['revision']}" for e in entries)


def _incomplete():
    return StockInvalid(_("The form was incomplete: nothing was saved. Reload the page."))


def _revision_in(post, key: str) -> int:
    """The revision the page showed for `key`: a remove form's own, an add form's from its
    `revisions` (0: the page did not show that entry)."""
    if "revision" in post:
        text = post.get("revision", "")
        if not text.isdigit():
            raise _incomplete()
        return int(text)
    if "revisions" not in post:
        raise _incomplete()
    shown = {}
    for token in post.get("revisions", "").split():
        entry, _sep, number = token.rpartition("=")
        if entry and number.isdigit():
            shown[entry] = int(number)
    return shown.get(key, 0)


def _write(post, assessment, user) -> str:
    """Do what the form asks; the message to show."""
    op = post.get("op")
    if op == "add_instrument":
        spec = _instrument(post)
        revision = _revision_in(post, spec.code)
        services.save_instrument(assessment, by=user, spec=spec, revision=revision)
        return _("%(code)s is listed.") % {"code": spec.code}
    if op == "remove_instrument":
        code = post.get("code", "")
        revision = _revision_in(post, code)
        services.remove_instrument(assessment, by=user, code=code, revision=revision)
        return _("%(code)s is no longer listed.") % {"code": code}
    if op == "add_interaction":
        spec = _interaction(post)
        revision = _revision_in(post, interaction_key(spec.source, spec.target))
        services.save_interaction(assessment, by=user, spec=spec, revision=revision)
        return _("The interaction %(s)s → %(t)s is recorded.") % {
            "s": spec.source,
            "t": spec.target,
        }
    if op == "remove_interaction":
        source, target = post.get("source", ""), post.get("target", "")
        revision = _revision_in(post, interaction_key(source, target))
        services.remove_interaction(
            assessment, by=user, source=source, target=target, revision=revision
        )
        return _("The interaction %(s)s → %(t)s is withdrawn.") % {"s": source, "t": target}
    raise StockInvalid(_("Unknown action."), {"op": _("Unknown action.")})


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
        conflict = isinstance(refusal, StockConflict)
        if not conflict:
            for field, why in refusal.details.items():
                if field != "state":
                    messages.error(request, f"{field}: {why}")
        # The section shows the user's input back in its form (and, on a conflict, that
        # the lists above are the stock-taking as it now is).
        stock_form = {"post": request.POST, "conflict": refusal.details if conflict else None}
        return _render_detail(request, assessment, status=status, stock_form=stock_form)
    messages.success(request, done)
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#stocktake")


@login_required
def history(request, pk: int):
    """Every change to the assessment's stock-taking — which entry, what changed from what
    to what, who, when — newest first; for whoever may see the assessment (404 otherwise)."""
    assessment = get_visible_assessment(request.user, pk)
    return render(
        request,
        "assessments/stocktake_history.html",
        {
            "principal": principal_of(request.user),
            "assessment": assessment,
            "changes": stock_history(assessment),
            "back": reverse("assessments:detail", args=[assessment.pk]) + "#stocktake",
        },
    )
