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
