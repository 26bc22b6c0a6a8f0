from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from shangliang.accounts.forms import LoginForm
from shangliang.core.ratelimit import Limit, allow, client_ip, retry_after

# Per address and per account name: enough for typos, too few for guessing passwords.
LOGIN_LIMIT_PER_IP = Limit(count=20, seconds=600)
LOGIN_LIMIT_PER_USER = Limit(count=8, seconds=600)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = (request.POST.get("username") or "").strip().lower()
        if not (
            allow("login-ip", client_ip(request), LOGIN_LIMIT_PER_IP)
            and allow("login-user", username, LOGIN_LIMIT_PER_USER)
        ):
            form = self.get_form()
            minutes = max(1, retry_after(LOGIN_LIMIT_PER_USER) // 60)
            form.add_error(None, f"登录尝试过于频繁，请 {minutes} 分钟后再试。")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
