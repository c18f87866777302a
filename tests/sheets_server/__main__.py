"""``python -m tests.sheets_server --port N [--credentials-out FILE] [--google-quotas]
[--quota-per-minute N] [--project-quota-per-minute N]``

Prints the server URL (``http://127.0.0.1:PORT``) as the first line of stdout, then serves until
interrupted (SIGINT/SIGTERM)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import DEFAULT_CLIENT_EMAIL, SheetsServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.sheets_server", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: pick a free one)")
    parser.add_argument("--credentials-out", metavar="FILE",
                        help="write a service-account JSON whose token_uri points at this server")
    parser.add_argument("--client-email", default=DEFAULT_CLIENT_EMAIL,
                        help="client_email of the written credentials")
    parser.add_argument("--quota-per-minute", type=int, default=None,
                        help="per-user Sheets read and write requests per minute (default: unlimited)")
    parser.add_argument("--project-quota-per-minute", type=int, default=None,
                        help="per-project Sheets read and write requests per minute (default: unlimited)")
    parser.add_argument("--google-quotas", action="store_true",
                        help="Google's default quotas: 60 per user and 300 per project, reads and writes each")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    server = SheetsServer(port=args.port, quota_per_minute=args.quota_per_minute,
                          project_quota_per_minute=args.project_quota_per_minute, google_quotas=args.google_quotas,
                          verbose=args.verbose)
    if args.credentials_out:
        server.write_credentials(args.credentials_out, client_email=args.client_email)
    print(server.url, flush=True)
    if args.credentials_out:
        print(f"credentials: {args.credentials_out} ({args.client_email})", file=sys.stderr, flush=True)

    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
