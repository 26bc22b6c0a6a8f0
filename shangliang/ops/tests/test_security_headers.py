"""Security headers, no inline code in any template, Secure cookies in production."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "shangliang").rglob("templates/**/*.html"))
INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"<style\b", re.I), "inline <style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\shx-on", re.I), "hx-on handler"),
]


def test_the_templates_exist():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_script_or_style(path):
    text = path.read_text()
    found = [label for pattern, label in INLINE if pattern.search(text)]
    assert found == []


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "camera=(self)" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_api_answers_carry_the_policy_too(client):
    response = client.get("/api/v1/openapi.json")
    assert response["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.django_db
def test_every_cookie_is_secure_in_production(client, settings):
    # given production's HTTPS-only cookies
    settings.SESSION_COOKIE_SECURE = True
    # when the large-text switch sets its cookie
    response = client.post("/text-size/", {"size": "large"})
    # then it is Secure
    assert response.cookies["sl_text"]["secure"] is True


@pytest.mark.django_db
def test_cookies_are_not_secure_in_development(client):
    response = client.post("/text-size/", {"size": "large"})
    assert response.cookies["sl_text"]["secure"] == ""


@pytest.mark.django_db
def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(client, settings):
    # when a request declares a body over the limit
    response = client.generic(
        "POST",
        "/concerns/new/",
        b"x",
        CONTENT_TYPE="application/octet-stream",
        CONTENT_LENGTH=str(settings.SHANGLIANG_MAX_REQUEST_MB * 1024 * 1024 + 1),
    )
    # then it is refused with a reason, and carries the security headers too
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_a_form_with_too_many_fields_is_refused(client):
    data = {f"field{n}": "x" for n in range(300)}
    response = client.post("/concerns/new/", data)
    assert response.status_code == 400


def test_uploads_and_fields_are_bounded(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 20
