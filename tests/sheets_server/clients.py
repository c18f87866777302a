"""Pointing real Google clients at the emulator (imports google-auth/requests/gspread lazily; the
server itself needs only the standard library).

    creds = service_account_credentials(server, tmp_path / "sa.json")
    gc = gspread_client(server, creds)        # gspread with every Google URL sent to the emulator
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com", "https://oauth2.googleapis.com")
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]


def rewrite_url(url: str, base_url: str) -> str:
    for host in GOOGLE_HOSTS:
        if url.startswith(host):
            return base_url + url[len(host):]
    return url


def service_account_credentials(server: Any, path: str | Path, client_email: str | None = None) -> Any:
    """google.oauth2.service_account.Credentials from a key file written by ``server.write_credentials``."""
    from google.oauth2.service_account import Credentials

    kwargs = {"client_email": client_email} if client_email else {}
    server.write_credentials(path, **kwargs)
    return Credentials.from_service_account_file(str(path), scopes=SCOPES)


def redirecting_session(credentials: Any, base_url: str) -> Any:
    """An AuthorizedSession that sends requests for Google's API hosts to ``base_url``."""
    from google.auth.transport.requests import AuthorizedSession

    class RedirectingSession(AuthorizedSession):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            return super().request(method, rewrite_url(url, base_url), *args, **kwargs)

    return RedirectingSession(credentials)


def gspread_client(server: Any, credentials: Any, http_client: Any = None) -> Any:
    """A gspread Client whose HTTP goes to the emulator (gspread's URLs stay Google's)."""
    import gspread

    session = redirecting_session(credentials, server.url)
    return gspread.authorize(credentials, http_client=http_client or gspread.HTTPClient, session=session)
