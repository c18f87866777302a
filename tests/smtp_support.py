"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it accepted, with faults to inject."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Sink:
    """Records what the server accepted. `refuse`: refuse every recipient (True: 451, or this reply);
    `drop`: this many next messages are taken, then the connection is closed without a reply."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: bool | str = False
        self.drop = 0
        self.tries = 0  # MAIL commands: messages the client tried to send

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.tries += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse if isinstance(self.refuse, str) else "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.drop:
            self.drop -= 1
            server.transport.close()  # accepted, but the client never hears so
        return "250 OK"

    def parsed(self):
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port: int, **smtp_options):
        self.port, self.options, self.sink, self.controller = port, smtp_options, Sink(), None

    def start(self) -> Server:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None
