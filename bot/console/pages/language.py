"""The Deutsch/English switch in the header: a plain link that stores the choice in a cookie.

A GET without CSRF token on purpose: it changes only how this browser's pages are worded,
so a forged link can do no more than switch the language. The way back is a local path only
(no open redirect)."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse

from bot.console import texts

router = APIRouter()
LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.\-]*")  # "/x/y", never "//host" or "/\host"
ONE_YEAR_S = 365 * 24 * 3600


@router.get("/language/{language}")
def switch(language: str, next: str = "/"):
    if language not in texts.LANGUAGES:
        raise HTTPException(404, "page_not_found")
    back = next if LOCAL_PATH.fullmatch(next) else "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(texts.COOKIE, language, max_age=ONE_YEAR_S, httponly=True, samesite="lax",
                        secure=True, path="/")
    return response
