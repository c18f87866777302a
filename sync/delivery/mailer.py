"""SMTP transport (smtplib): SSL or STARTTLS, login, timeouts, and errors that never show the password.

    with Mailer(config.email.smtp) as mailer:
        mailer.send(sender, recipients, message_bytes)

The password is read from the environment variable named by `email.smtp.password_env`, never from
a file. STARTTLS is required when configured: a server that does not offer it is an error, never a
reason to send in clear. Certificates are verified against the system's trust store.

A failure says what it means for the memo (MailError): the server could not be used (try again
later), it refused this message (temporarily or for good), or the connection was lost after the
whole message was handed over (`ambiguous`: the server may have accepted it, and sending it again
may deliver it twice).
"""

from __future__ import annotations

import os
import smtplib
import ssl

from sync.config import Smtp


class MailError(Exception):
    """Sending failed. `connection` True: the server cannot be used now (stop, try the next run);
    False: this message was refused (the others may still go), for good when `permanent` (5xx).
    `ambiguous`: the connection was lost after the whole message was handed over."""

    def __init__(self, message: str, *, connection: bool, permanent: bool = False, ambiguous: bool = False):
        super().__init__(message)
        self.connection = connection
        self.permanent = permanent
        self.ambiguous = ambiguous


class _Tracked:
    """An SMTP session that knows whether the last message went out whole (end-of-data sent)."""

    handed_over = False
    _in_data = False

    def data(self, msg):
        self.handed_over, self._in_data = False, True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):  # the message and its end
            self.handed_over = True


class _SMTP(_Tracked, smtplib.SMTP):
    pass


class _SMTPSSL(_Tracked, smtplib.SMTP_SSL):
    pass


def _permanent(exc: BaseException) -> bool:
    """A 5xx answer: the same message will be refused again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "********") if secret else text


class Mailer:
    def __init__(self, settings: Smtp, environ: dict | None = None):
        self.settings = settings
        self.port = settings.effective_port
        self.where = f"SMTP {settings.host}:{self.port} ({settings.security})"
        self._password: str | None = None
        self._smtp: _SMTP | _SMTPSSL | None = None
        if settings.user:
            environ = os.environ if environ is None else environ
            self._password = environ.get(settings.password_env) or None
            if self._password is None:
                raise MailError(
                    f"{self.where}: user {settings.user!r} is set but the environment variable "
                    f"{settings.password_env} (email.smtp.password_env) is empty or not set",
                    connection=True,
                )

    def _fail(self, what: str, exc: BaseException, connection: bool = True, **kind) -> MailError:
        detail = exc.__class__.__name__
        if isinstance(exc, smtplib.SMTPResponseException):
            reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            detail = f"{exc.smtp_code} {reply}"
        elif isinstance(exc, smtplib.SMTPRecipientsRefused):
            detail = "; ".join(
                f"{rcpt}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                for rcpt, (code, msg) in exc.recipients.items()
            )
        elif str(exc):
            detail = f"{detail}: {exc}"
        return MailError(_scrub(f"{self.where}: {what}: {detail}", self._password), connection=connection, **kind)

    def __enter__(self) -> Mailer:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "ssl":
                smtp = _SMTPSSL(s.host, self.port, timeout=s.timeout_seconds, context=context)
            else:
                smtp = _SMTP(s.host, self.port, timeout=s.timeout_seconds)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._fail("cannot connect", exc) from None
        self._smtp = smtp
        try:
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        f"{self.where}: the server does not offer STARTTLS; not sending in clear "
                        "(set email.smtp.security: none only for a trusted local relay)",
                        connection=True,
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, self._password)
        except MailError:
            self._close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise self._fail(f"login as {s.user!r} refused", exc) from None
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            self._close()
            raise self._fail("session setup failed", exc) from None
        return self

    def send(self, sender: str, recipients: list[str], message: bytes) -> list[str]:
        """Hand one message to the server. MailError when it is not accepted at all; the recipients
        it refused when it was accepted for the others (the message went out: not to be sent again)."""
        assert self._smtp is not None, "use Mailer as a context manager"
        smtp = self._smtp
        smtp.handed_over = False
        try:
            refused = smtp.sendmail(sender, recipients, message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise self._fail("message refused", exc, connection=False, permanent=_permanent(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            if smtp.handed_over:
                what = "connection lost after the message was handed over (the server may have accepted it)"
                raise self._fail(what, exc, ambiguous=True) from None
            raise self._fail("sending failed", exc) from None
        return [f"{rcpt} ({code})" for rcpt, (code, _) in refused.items()]

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __exit__(self, *exc_info) -> None:
        self._close()
