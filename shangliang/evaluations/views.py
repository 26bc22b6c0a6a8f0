"""Public pages: 群众评价 through a QR code or an SMS link (the phone verified by an SMS one-time code,
or by the link itself), and the published results (成果公示)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from shangliang.core.errors import ApplicationError
from shangliang.evaluations import forms, rules, selectors, services
from shangliang.evaluations.models import Evaluation, VoteChannel
from shangliang.privacy import otp, personal

OTP_PURPOSE = "evaluate"


def _session_key(evaluation: Evaluation) -> str:
    return f"evaluation_phone:{evaluation.pk}"


def _context(evaluation: Evaluation, **extra: Any) -> dict[str, Any]:
    return {
        "evaluation": evaluation,
        "items": services.subject_items(evaluation),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, token: str) -> HttpResponse:
    evaluation = selectors.evaluation_by_token(token)
    if evaluation is None:
        raise Http404("评价链接无效。")
    key = _session_key(evaluation)
    link_phone = services.phone_from_sms_link(evaluation, request.GET.get("s", ""))
    if link_phone:
        request.session[key] = {"phone": link_phone, "channel": VoteChannel.SMS}
    if not evaluation.is_open:
        return render(request, "evaluations/vote_closed.html", _context(evaluation), status=410)
    verified = request.session.get(key)
    action = request.POST.get("action", "")
    phone_form = forms.PhoneForm(request.POST if action in ("send", "verify") else None)
    code_form = forms.CodeForm(request.POST if action == "verify" else None)
    vote_form = forms.ResidentVoteForm(request.POST if action == "vote" else None)
    status = 200
    if action == "send" and phone_form.is_valid():
        try:
            phone = personal.normalize_mobile(phone_form.cleaned_data["phone"])
            code = otp.issue(OTP_PURPOSE, phone)
        except (personal.InvalidPhone, ApplicationError) as error:
            phone_form.add_error("phone", getattr(error, "message", str(error)))
            status = 400
        else:
            from shangliang.notifications.services import enqueue_sms

            enqueue_sms(
                phone=phone,
                body=f"您的评价验证码是 {code}，10 分钟内有效。如非本人操作请忽略。",
                about=None,
                dedupe_key=f"otp:{OTP_PURPOSE}:{secrets.token_hex(8)}",
            )
            messages.success(request, f"验证码已发送到 {personal.mask_phone(phone)}。")
            code_form = forms.CodeForm()
            return render(
                request,
                "evaluations/vote.html",
                _context(evaluation, phone_form=phone_form, code_form=code_form, code_sent=True),
            )
    elif action == "verify" and phone_form.is_valid() and code_form.is_valid():
        try:
            phone = personal.normalize_mobile(phone_form.cleaned_data["phone"])
            otp.verify(OTP_PURPOSE, phone, code_form.cleaned_data["code"])
        except (personal.InvalidPhone, ApplicationError) as error:
            code_form.add_error("code", getattr(error, "message", str(error)))
            return render(
                request,
                "evaluations/vote.html",
                _context(evaluation, phone_form=phone_form, code_form=code_form, code_sent=True),
                status=400,
            )
        request.session[key] = {"phone": phone, "channel": VoteChannel.QR}
        return redirect("evaluations:vote", token=token)
    elif action == "vote" and verified and vote_form.is_valid():
        try:
            services.resident_vote_cast(
                evaluation_id=evaluation.pk,
                choice=vote_form.cleaned_data["choice"],
                comment=vote_form.cleaned_data["comment"],
                channel=verified["channel"],
                phone=verified["phone"],
            )
        except ApplicationError as error:
            vote_form.add_error(None, error.message)
            status = 400
        else:
            request.session.pop(key, None)
            return render(request, "evaluations/vote_thanks.html", _context(evaluation))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "evaluations/vote.html",
        _context(
            evaluation,
            phone_form=phone_form,
            code_form=code_form,
            vote_form=vote_form,
            verified_masked=personal.mask_phone(verified["phone"]) if verified else "",
        ),
        status=status,
    )


def results(request: HttpRequest) -> HttpResponse:
    topics = list(selectors.public_results()[:100])
    finals = {e.topic_id: e for e in selectors.final_evaluations([t.pk for t in topics])}
    rows = [{"topic": t, "evaluation": finals.get(t.pk)} for t in topics]
    # The problems solved by a direct assignment count in the figure too: they are listed with it.
    _, items = selectors.problems_solved()
    direct = [
        {"item": item, "evaluation": item.evaluations.filter(passed=True).order_by("-round").first()}
        for item in items.select_related("department", "region").order_by("-updated_at", "-pk")[:100]
    ]
    return render(
        request,
        "evaluations/results.html",
        {
            "rows": rows,
            "direct": direct,
            "solved": selectors.problems_solved_count(),
            "rule": selectors.PROBLEM_SOLVED_RULE,
        },
    )


def result(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.result_page(pk)
    if page is None:
        raise Http404("没有找到该成果公示。")
    ev = page.evaluation
    from shangliang.meetings import selectors as meeting_selectors

    return render(
        request,
        "evaluations/result.html",
        {
            "page": page,
            "meetings": list(
                meeting_selectors.public_meetings().filter(topics=page.topic).order_by("starts_at", "pk")
            ),
            "scores": score_rows(ev),
            "composite": rules.fmt(ev.composite),
            "satisfaction": rules.percent(ev.resident_satisfaction),
        },
    )


def score_rows(evaluation: Evaluation) -> list[dict[str, str]]:
    weights = evaluation.weights or {}
    return [
        {"label": "党政点评", "score": rules.fmt(evaluation.party_score), "weight": weights.get("party", "")},
        {
            "label": "民主评议",
            "score": rules.fmt(evaluation.democratic_score)
            if evaluation.democratic_valid
            else "无效（未过半数）",
            "weight": weights.get("democratic", ""),
        },
        {
            "label": "群众评价",
            "score": rules.fmt(evaluation.resident_score),
            "weight": weights.get("residents", ""),
        },
    ]
