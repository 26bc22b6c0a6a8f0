"""Public pages of the intake: submit, "我也遇到", receipt and tracking, "my concerns", contact data.

Residents have no account. A tracking code proves they raised a concern; a one-time SMS code proves
they hold a phone. Every form keeps what was typed when it is refused.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.concerns import pending, rules, selectors, services
from shangliang.concerns.forms import CodeLookupForm, ConcernForm, FollowUpForm, OtpForm, PhoneForm
from shangliang.concerns.models import Concern, ConcernFollower
from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.files.qr import qr_svg
from shangliang.privacy import otp, personal
from shangliang.privacy.ratelimit import Limit, allow, client_ip
from shangliang.text import selectors as text_selectors

SUPPORTER_COOKIE = "sl_supporter"
PHONE_SESSION_KEY = "verified_phone"


def _apply_error(form: Any, error: ApplicationError) -> None:
    add_service_error(form, error, {"region": "community"})


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    community_id = request.GET.get("community", "")
    if community_id.isdigit():
        initial["community"] = int(community_id)
    # The photos arrive with the first post that carries them and are kept under the form's token
    # (``concerns.pending``): the files of a form shown again are never asked for twice.
    form = ConcernForm(request.POST or None, initial=initial)
    suggestions: list[selectors.Suggestion] = []
    token = request.POST.get("client_token", "")
    photo_error = None
    if request.method == "POST":
        if request.POST.get("website"):
            form.add_error(None, "提交未成功，请刷新页面后重新填写。")
        elif done := _submitted_here(request, token):
            # The same form sent again by this browser (a double tap, the back button) shows the
            # first receipt: the session, not the token, proves who submitted it.
            return redirect("concerns:track", code=done)
        else:
            if request.POST.get("drop_photos"):
                pending.discard(request.session, token)
            photo_error = _keep_photos(request, token)
            if request.POST.get("list_grids") and photo_error is None:
                # Without JavaScript: the chosen community's grids, the form kept as typed.
                return _submit_page(request, form, [], status=200, check=False)
            if form.is_valid() and photo_error is None:
                data = form.cleaned_data
                community = data["community"]
                # Without JavaScript the similar problems are shown here, once, before filing anew.
                if not data.get("confirm_new"):
                    suggestions = _safe_similar(data["text"], community.pk)
                if not suggestions:
                    concern = _file(request, form, token)
                    if concern is not None:
                        request.session[f"receipt:{concern.tracking_code}"] = True
                        if token:
                            request.session[f"submitted:{token}"] = [concern.tracking_code, time.time()]
                        return redirect("concerns:track", code=concern.tracking_code)
            if photo_error is not None:
                form.add_error("photos", photo_error.message)
    return _submit_page(
        request, form, suggestions, status=200 if request.method == "GET" or not form.errors else 400
    )


def _submitted_here(request: HttpRequest, token: str) -> str | None:
    """The tracking code this session got for the form with ``token``, within the resubmit window."""
    kept = request.session.get(f"submitted:{token}") if token else None
    if not kept or time.time() - kept[1] > services.RESUBMIT_WINDOW.total_seconds():
        return None
    return str(kept[0])


# Photos decoded per address and hour: enough for a family's reports, too few to tie up a server.
PHOTO_LIMIT_PER_IP = Limit(count=60, seconds=3600)


def _keep_photos(request: HttpRequest, token: str) -> ApplicationError | None:
    """Check, re-encode and keep the photos of this post with the ones kept before (the request
    holds no transaction). Returns the reason when they are refused; nothing is kept then."""
    new = request.FILES.getlist("photos")
    if not new:
        return None
    kept = pending.kept(request.session, token)
    try:
        services.clean_photo_count(len(kept) + len(new))
        counted = [allow("photo-ip", client_ip(request), PHOTO_LIMIT_PER_IP) for _ in new]  # each photo
        if not all(counted):
            raise ApplicationError("上传照片过于频繁，请一小时后再试。", field="photos")
        encoded = services.prepare_photos(new)
    except ApplicationError as error:
        return error
    for photo, upload in zip(encoded, new, strict=True):
        if pending.keep(request.session, token, photo, upload.name or "照片") is None:
            return ApplicationError("提交未成功，请刷新页面后重新填写。", field="photos")
    return None


def _file(request: HttpRequest, form: ConcernForm, token: str) -> Concern | None:
    """File the concern with the photos kept for its form; None with the error on the form."""
    kept = pending.kept(request.session, token)
    photos = [photo for photo in map(pending.load, kept) if photo is not None]
    if len(photos) < len(kept):
        pending.discard(request.session, token)
        form.add_error("photos", "之前选择的照片已过期，请重新选择照片。")
        return None
    data = form.to_input()
    data.encoded_photos = photos
    try:
        concern, created = services.concern_submit(data=data, ip=client_ip(request))
    except ApplicationError as error:
        _apply_error(form, error)
        return None
    pending.discard(request.session, token)
    if not created:
        # Sent twice at once from a browser without a session yet: the first answer has the
        # code; this one does not repeat it.
        form.add_error(None, "这份反映刚刚已经提交成功，查询码显示在第一次提交后的页面上，请勿重复提交。")
        return None
    return concern


def _form_texts() -> dict[str, Any]:
    fields = ConcernForm.base_fields
    return {
        "labels": {
            "text": fields["text"].label,
            "category": fields["category"].label,
            "category_empty": fields["category"].empty_label,  # type: ignore[attr-defined]
            "photos": fields["photos"].label,
            "contact": fields["contact"].label,
            "phone": fields["phone"].label,
            "consent": fields["consent"].label,
        },
        "help": {
            "text": fields["text"].help_text,
            "place_description": fields["place_description"].help_text,
        },
        "contact_choices": tuple(fields["contact"].choices),  # type: ignore[attr-defined]
        "publicity_choices": tuple(fields["publicity"].choices),  # type: ignore[attr-defined]
        "max_text": rules.MAX_TEXT,
        "max_place": rules.MAX_PLACE,
    }


def _value(form: ConcernForm, name: str) -> str:
    value = form[name].value()
    return "" if value is None else str(value)


_TYPED_FIELDS = ("text", "place_description", "phone", "website", "client_token")


def _submit_page(
    request: HttpRequest,
    form: ConcernForm,
    suggestions: list[selectors.Suggestion],
    *,
    status: int,
    check: bool = True,
) -> HttpResponse:
    """The intake page: the form as the resident left it, with the similar problems found (and
    what is wrong with it, unless ``check`` is off)."""
    place = selectors.place_choices()
    community = _value(form, "community")
    form_errors = form.errors if check else {}
    errors = {name: [str(e) for e in errs] for name, errs in form_errors.items() if name != NON_FIELD_ERRORS}
    context = {
        **_form_texts(),
        "typed": {name: _value(form, name) for name in _TYPED_FIELDS},
        "values": {
            "street": _value(form, "street"),
            "community": community,
            "grid": _value(form, "grid"),
            "category": _value(form, "category"),
            "contact": _value(form, "contact"),
            "consent": bool(form["consent"].value()),
            "publicity": _value(form, "publicity") or "public",
        },
        "confirm_new": bool(form.fields["confirm_new"].to_python(form["confirm_new"].value())),
        "errors": errors,
        "non_field_errors": [str(e) for e in form.non_field_errors()] if check else [],
        "has_errors": bool(form_errors),
        "streets": place.streets,
        "communities": place.communities,
        "grids": place.grids(community),
        "category_options": place.categories,
        "suggestions": suggestions,
        "residents": sum(s.residents for s in suggestions),
        "kept_photos": pending.kept(request.session, _value(form, "client_token")),
        "max_photo_mb": rules.MAX_PHOTO_MB,
        "max_photos": rules.MAX_PHOTOS,
    }
    return render(request, "concerns/submit.html", context, status=status)


def place_context(form: Any) -> dict[str, Any]:
    """The place picker's (and category list's) cached options, the grids of the chosen community."""
    place = selectors.place_choices()
    return {"place": place, "grids": place.grids(form["community"].value())}


def _safe_similar(text: str, community_id: int | None) -> list[selectors.Suggestion]:
    try:
        return selectors.similar_public(text, community_id=community_id)
    except ApplicationError:
        return []


@require_GET
def similar_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: while the resident types, likely-same public concerns and a category suggestion."""
    text = request.GET.get("text", "")[: rules.MAX_TEXT]
    community = request.GET.get("community", "")
    suggestions = (
        _safe_similar(text, int(community)) if community.isdigit() and len(text.strip()) >= 4 else []
    )
    try:
        categories = text_selectors.suggest_category(text, k=3) if len(text.strip()) >= 4 else []
    except ApplicationError:
        categories = []
    return render(
        request,
        "concerns/_similar.html",
        {
            "suggestions": suggestions,
            "categories": categories,
            "residents": sum(s.residents for s in suggestions),
        },
    )


@require_GET
def grid_options(request: HttpRequest) -> HttpResponse:
    community = request.GET.get("community", "")
    return render(
        request, "concerns/_grid_options.html", {"grids": selectors.place_choices().grids(community)}
    )


@require_GET
def community_options(request: HttpRequest) -> HttpResponse:
    street = request.GET.get("street", "")
    groups = [
        (s, cs) for s, cs in selectors.communities_by_street() if not street.isdigit() or s.pk == int(street)
    ]
    return render(request, "concerns/_community_options.html", {"streets": groups})


@require_POST
def support(request: HttpRequest, public_id: str) -> HttpResponse:
    """ "我也遇到" from the intake page (the phone typed there comes along) or a concern's page.
    With a phone and consent the resident follows the concern; a phone that cannot be used is
    shown again on the answer page, with the reason, and the support still counts."""
    public = selectors.public_concern(public_id)
    if public is None:
        raise Http404("没有找到这条公开的反映，可能已被合并或撤下。")
    pk = public.pk
    token = request.COOKIES.get(SUPPORTER_COOKIE) or secrets.token_hex(16)
    wants_sms = request.POST.get("contact", "phone") == "phone"
    phone = request.POST.get("phone", "").strip()[:20] if wants_sms else ""
    consent = bool(request.POST.get("consent"))
    follow_error = None
    try:
        try:
            concern, counted = services.concern_support(
                concern_id=pk, phone=phone, consent=consent, browser_token=token, ip=client_ip(request)
            )
        except ApplicationError as error:
            if error.field not in ("phone", "consent"):
                raise
            follow_error = error
            concern, counted = services.concern_support(
                concern_id=pk, browser_token=token, ip=client_ip(request)
            )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("concerns:submit")
    response = _supported_page(
        request,
        concern,
        counted=counted,
        followed=bool(phone) and follow_error is None,
        phone=phone,
        error=follow_error,
    )
    response.set_cookie(SUPPORTER_COOKIE, token, max_age=3 * 365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _supported_page(
    request: HttpRequest,
    concern: Concern,
    *,
    counted: bool,
    followed: bool,
    phone: str = "",
    error: ApplicationError | None = None,
) -> HttpResponse:
    return render(
        request,
        "concerns/supported.html",
        {
            "concern": concern,
            "counted": counted,
            "followed": followed,
            "phone": phone,
            "follow_error": error,
            "public_text": rules.mask_personal_text(concern.public_text),
        },
        status=400 if error else 200,
    )


@require_POST
def follow(request: HttpRequest, public_id: str) -> HttpResponse:
    """Leave a phone (with consent) to hear of each public change of a public concern."""
    concern = selectors.public_concern(public_id)
    if concern is None:
        raise Http404("没有找到这条公开的反映，可能已被合并或撤下。")
    phone = request.POST.get("phone", "").strip()[:20]
    if not allow("follow-ip", client_ip(request), services.FOLLOW_LIMIT_PER_IP):
        error: ApplicationError | None = ApplicationError("操作过于频繁，请稍后再试。", field="phone")
    else:
        try:
            services.concern_follow(concern=concern, phone=phone, consent=bool(request.POST.get("consent")))
        except ApplicationError as exc:
            error = exc
        else:
            error = None
    return _supported_page(request, concern, counted=False, followed=error is None, phone=phone, error=error)


@require_http_methods(["GET", "POST"])
def unfollow(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every follower's SMS: stop them (a button, so that a link preview stops nothing)."""
    from shangliang.topics import services as topic_services

    if request.method == "POST":
        stopped: Any = services.concern_unfollow(token=token) or topic_services.topic_unfollow(token=token)
        if stopped is None:
            raise Http404("该链接已失效。")
        return render(request, "concerns/unfollow.html", {"stopped": True})
    from shangliang.topics.models import TopicFollower

    if not (
        ConcernFollower.objects.filter(token=token).exists()
        or TopicFollower.objects.filter(token=token).exists()
    ):
        raise Http404("该链接已失效，您可能已经不再接收。")
    return render(request, "concerns/unfollow.html", {"stopped": False})


def public_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A public concern as other residents see it: the text staff confirmed with personal details
    masked, the topic it joined, and "我也遇到"."""
    from shangliang.topics.selectors import public_topics

    concern = selectors.public_concern(public_id)
    if concern is None:
        raise Http404("没有找到这条公开的反映，可能尚未公开、已被合并或撤下。")
    return render(
        request,
        "concerns/public_detail.html",
        {
            "concern": concern,
            "public_text": rules.mask_personal_text(concern.public_text),
            "topics": list(
                public_topics().filter(links__concern=concern, links__removed_at__isnull=True).order_by("pk")
            ),
        },
    )


def _get_by_code_or_404(request: HttpRequest, code: str) -> Concern:
    if not allow("lookup", client_ip(request), services.LOOKUP_LIMIT):
        raise Http404("查询过于频繁，请稍后再试。")
    concern = selectors.concern_by_code(code)
    if concern is None:
        raise Http404("没有找到该查询码对应的反映。")
    return concern


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = CodeLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = rules.clean_tracking_code(form.cleaned_data["code"])
        if not allow("lookup", client_ip(request), services.LOOKUP_LIMIT):
            form.add_error("code", "查询过于频繁，请 10 分钟后再试。")
        elif code and Concern.objects.filter(tracking_code=code).exists():
            return redirect("concerns:track", code=code)
        else:
            form.add_error("code", "没有找到该查询码，请核对后重新输入（查询码为 8 位字母和数字）。")
    return render(request, "concerns/lookup.html", {"form": form}, status=400 if form.errors else 200)


def track(request: HttpRequest, code: str) -> HttpResponse:
    concern = _get_by_code_or_404(request, code)
    from shangliang.notifications.selectors import sms_about

    url = services.track_link(concern)
    is_receipt = request.session.pop(f"receipt:{concern.tracking_code}", False)
    return render(
        request,
        "concerns/track.html",
        {
            "concern": concern,
            "code": rules.format_tracking_code(concern.tracking_code),
            "is_receipt": is_receipt,
            "timeline": selectors.public_timeline(concern),
            "messages_sent": sms_about(concern),
            "photos": selectors.photos_of(concern),
            "followups": selectors.followups_of(concern),
            "max_text": rules.MAX_TEXT,
            # The QR code is drawn on the receipt only (drawing it costs more than the rest of the page).
            "qr": mark_safe(qr_svg(url)) if is_receipt else "",  # generated SVG, no user content
            "track_url": url,
        },
    )


@require_POST
def followup(request: HttpRequest, code: str) -> HttpResponse:
    concern = _get_by_code_or_404(request, code)
    form = FollowUpForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.concern_add_followup(
                concern=concern,
                text=form.cleaned_data.get("text", ""),
                photos=form.cleaned_data.get("photos") or [],
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "补充内容已提交。")
            return redirect("concerns:track", code=concern.tracking_code)
    return render(
        request,
        "concerns/followup.html",
        {"concern": concern, "form": form, "code": rules.format_tracking_code(concern.tracking_code)},
        status=400,
    )


# --- "My concerns" by phone, and contact data -----------------------------------------------


def _otp_step(
    request: HttpRequest, *, purpose: str, phone: str, template: str, context: dict[str, Any]
) -> HttpResponse | None:
    """Send a code (action=send) or check one (action=verify). Returns a response to show, or None when verified."""
    action = request.POST.get("action")
    otp_form = OtpForm(request.POST if action == "verify" else None)
    if action == "send":
        try:
            code = otp.issue(purpose, phone)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            from shangliang.notifications.services import enqueue_sms

            enqueue_sms(
                phone=phone,
                body=f"您的验证码是 {code}，10 分钟内有效。如非本人操作请忽略。",
                about=None,
                dedupe_key=f"otp:{purpose}:{secrets.token_hex(8)}",
            )
            messages.success(request, f"验证码已发送到 {personal.mask_phone(phone)}。")
    elif action == "verify" and otp_form.is_valid():
        try:
            otp.verify(purpose, phone, otp_form.cleaned_data["code"])
        except ApplicationError as error:
            otp_form.add_error("code", error.message)
        else:
            return None
    return render(
        request,
        template,
        {**context, "otp_form": otp_form, "masked": personal.mask_phone(phone)},
        status=400 if otp_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def my_concerns(request: HttpRequest) -> HttpResponse:
    verified = request.session.get(PHONE_SESSION_KEY)
    if verified:
        from shangliang.topics import selectors as topic_selectors

        return render(
            request,
            "concerns/my_list.html",
            {
                "concerns": selectors.concerns_for_phone(verified),
                "followed": selectors.followed_for_phone(verified),
                "followed_topics": topic_selectors.followed_for_phone(verified),
                "masked": personal.mask_phone(verified),
            },
        )
    phone_form = PhoneForm(request.POST or None)
    phone = ""
    if request.method == "POST" and phone_form.is_valid():
        try:
            phone = personal.normalize_mobile(phone_form.cleaned_data["phone"])
        except personal.InvalidPhone as error:
            phone_form.add_error("phone", str(error))
    if not phone:
        return render(
            request,
            "concerns/my_phone.html",
            {"phone_form": phone_form},
            status=400 if phone_form.errors else 200,
        )
    response = _otp_step(
        request,
        purpose="list",
        phone=phone,
        template="concerns/my_phone.html",
        context={"phone_form": phone_form, "phone": phone},
    )
    if response is not None:
        return response
    request.session[PHONE_SESSION_KEY] = phone
    request.session.set_expiry(30 * 60)
    return redirect("concerns:mine")


@require_POST
def my_concerns_signout(request: HttpRequest) -> HttpResponseRedirect:
    request.session.pop(PHONE_SESSION_KEY, None)
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, code: str) -> HttpResponse:
    """See and delete the contact data of a concern: needs the tracking code and an SMS code."""
    concern = _get_by_code_or_404(request, code)
    phone = personal.decrypt(concern.phone_encrypted)
    context = {"concern": concern, "code": rules.format_tracking_code(concern.tracking_code)}
    if not phone:
        return render(request, "concerns/contact.html", {**context, "no_contact": True})
    session_key = f"contact:{concern.pk}"
    if (
        request.method == "POST"
        and request.POST.get("action") == "delete"
        and request.session.get(session_key)
    ):
        services.contact_delete(concern=concern)
        request.session.pop(session_key, None)
        messages.success(request, "您的姓名和手机号已删除。")
        return redirect("concerns:track", code=concern.tracking_code)
    if request.session.get(session_key):
        return render(
            request,
            "concerns/contact.html",
            {**context, "verified": True, "name": personal.decrypt(concern.name_encrypted), "phone": phone},
        )
    if request.method == "GET":
        return render(
            request,
            "concerns/contact.html",
            {**context, "otp_form": OtpForm(), "masked": personal.mask_phone(phone)},
        )
    response = _otp_step(
        request,
        purpose=f"contact-{concern.pk}",
        phone=phone,
        template="concerns/contact.html",
        context=context,
    )
    if response is not None:
        return response
    request.session[session_key] = True
    return redirect("concerns:contact", code=concern.tracking_code)
