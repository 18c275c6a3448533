"""Language selection: the UI is Simplified Chinese unless the user chose English.

Pages follow the language cookie (set by ``/i18n/setlang/``) and otherwise the default
``zh-hans``, whatever the browser advertises: officials' machines are often set to English. The
API follows ``Accept-Language`` as well, so a client can ask for English error messages.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ZerenLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response that has none yet (issue 7, security).

    Scripts run only from our own origin or, inline, with this response's nonce
    (``{{ csp_nonce }}`` in templates); no plug-ins, no framing, forms post only to us, and the
    WebSocket connects back to the same host. Styles allow inline ``style`` attributes (the SVG
    charts and the process diagram set them). The API docs page (Swagger UI, served locally) and
    the admin keep inline scripts of their own and get ``'unsafe-inline'`` for scripts only.
    """

    RELAXED_PREFIXES = ("/api/docs/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import secrets

        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response  # e.g. evidence downloads set a stricter one
        if request.path.startswith(self.RELAXED_PREFIXES):
            script = "script-src 'self' 'unsafe-inline'"
        else:
            script = f"script-src 'self' 'nonce-{request.csp_nonce}'"
        response["Content-Security-Policy"] = "; ".join(
            [
                "default-src 'self'",
                script,
                "style-src 'self' 'unsafe-inline'",
                "img-src 'self' data:",
                "font-src 'self' data:",
                "connect-src 'self' ws: wss:",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )
        return response
