"""Pages: a view parses the request, checks who asks, and hands over to a service."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from actors.roles import principal_of
from assessments.choices import State
from assessments.selectors import get_visible_assessment, visible_assessments
from assessments.services import allowed_transitions


@login_required
def start(request):
    """A focal point's assessments by cycle and state; a reviewer's queue."""
    principal = principal_of(request.user)
    assessments = (
        visible_assessments(request.user)
        .select_related("actor", "country", "score")
        .annotate(answered=Count("answers", filter=Q(answers__value__isnull=False)))
        .order_by("-cycle", "country_id", "actor__code")
    )
    queue = None
    if principal.is_reviewer:
        queue = assessments.filter(state=State.SUBMITTED)
    return render(
        request,
        "start.html",
        {"principal": principal, "assessments": assessments, "queue": queue},
    )


@login_required
def detail(request, pk: int):
    assessment = get_visible_assessment(request.user, pk)
    answers = assessment.answers.select_related("indicator").order_by("indicator__rank")
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "answers": answers,
            "transitions": assessment.transitions.select_related("by"),
            "allowed": allowed_transitions(request.user, assessment),
        },
    )
