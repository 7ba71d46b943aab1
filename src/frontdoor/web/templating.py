"""Jinja2 environment (autoescaping always on) and the page renderer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from frontdoor.core.i18n import pick_language, translator
from frontdoor.models import User
from frontdoor.web.security import csrf_token

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Customer text is untrusted: every template autoescapes, whatever its extension.
TEMPLATES.env.autoescape = True
#: Longer message texts are cut here and shown whole inside a <details> expander.
TEXT_PREVIEW_CHARS = 1500


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _tag_name(tag: Any, lang: str) -> str:
    name = (tag.name_ko if lang == "ko" else tag.name_en) or tag.name_en or tag.name_ko
    return str(name or tag.path)


TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.globals["tag_name"] = _tag_name
TEMPLATES.env.globals["TEXT_PREVIEW_CHARS"] = TEXT_PREVIEW_CHARS


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the user, language, translator and CSRF token."""
    language = user.language if user else pick_language(request.headers.get("accept-language"))
    ctx: dict[str, Any] = {
        "user": user,
        "lang": language,
        "t": translator(language),
        "csrf_token": csrf_token(request.session),
        "path": request.url.path,
    }
    ctx.update(context or {})
    return TEMPLATES.TemplateResponse(request, template, ctx, status_code=status_code)
