"""`make demo-line`: the LINE channel on a local LINE-compatible server, and what the groups received.

    python demo/line_demo.py [--as-of 2025-01-21]

Starts the local LINE platform of tests/line_server in this process (a provincial group and a group
per demo district, 6–15 members each, a plan of 1,000 messages a month), writes an effective
configuration to demo/output/line/config.yaml (config/demo.yaml with `line.enabled`, the server as
API host, the group ids, a budget of 250 messages) and runs the real command line against it:

    cli.py sync --as-of 2025-01-21    the overdue reminder of 20 Jan and the monthly summary; LINE
                                      accepts the first push but the connection drops before its
                                      answer: the retry, with the same retry key, is told 409
    cli.py sync --as-of 2025-01-21    again: nothing is sent twice
    cli.py sync --as-of 2025-02-15    'due soon' for 20 Feb, with most of the month's budget spent:
                                      what would cross it is not sent, and the history says so
    cli.py history --limit 1

then prints what each group received (the altText and the lines of each bubble) and writes them as
bubbles to demo/output/line/received.html. Nothing goes to LINE. Outputs go under demo/output/line
(cleared first); the status tabs are written into demo/workbooks, as `make demo` does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.config import load_config  # noqa: E402
from sync.delivery.line.render import page  # noqa: E402
from tests.line_server import LineServer  # noqa: E402

OUTPUT = REPO / "demo" / "output" / "line"
BASE_CONFIG = REPO / "config" / "demo.yaml"
PROVINCE_GROUP = "C" + "57" * 16
BUDGET = 250


def group_of(code: str) -> str:
    return f"C{int(code):032x}"


def write_config(url: str) -> Path:
    base = load_config(BASE_CONFIG)
    districts = [d.model_dump(exclude_none=True) | {"line_group": group_of(d.code)} for d in base.districts]
    effective = {
        "include": [str(BASE_CONFIG)],
        "backend": {"workbooks": str(base.backend.workbooks)},
        "outputs": {"summary": str(OUTPUT / "สรุปจังหวัดเชียงราย.xlsx"), "outbox": str(OUTPUT / "outbox"),
                    "state": str(OUTPUT / "state")},
        "districts": districts,
        "line": {"enabled": True, "endpoint": url, "province_group": PROVINCE_GROUP, "monthly_budget": BUDGET,
                 "timeout_seconds": 5, "backoff_seconds": 0.2},
    }
    path = OUTPUT / "config.yaml"
    path.write_text("# Written by demo/line_demo.py for one run of the local LINE server.\n"
                    + yaml.safe_dump(effective, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_cli(env: dict, *args: str) -> int:
    print(f"\n$ python cli.py {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], cwd=REPO, env=env).returncode


def texts(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        if node.get("type") == "button":
            own = [f"[{node['action']['label']}] → {node['action']['uri']}"]
        return own + [t for key, value in node.items() if key != "text" for t in texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in texts(value)]
    return []


def show_received(server: LineServer, names: dict[str, str]) -> list[tuple[str, dict]]:
    print("\n=== What the LINE groups received ===")
    shown = []
    for group_id, name in names.items():
        deliveries = server.received(group_id)
        print(f"\n{name} ({group_id}, {server.platform.groups[group_id].members} members): "
              f"{len(deliveries)} message(s)")
        for delivery in deliveries:
            for message in delivery.messages:
                print(f"  notification: {message.get('altText', message.get('text', ''))}")
                for line in texts(message.get("contents", {})):
                    print(f"    │ {line}")
                shown.append((name, message))
    return shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--as-of", default="2025-01-21")
    args = parser.parse_args()
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    with LineServer(quota=1000) as server:
        names = {PROVINCE_GROUP: "สพจ.เชียงราย ติดตามโคก หนอง นา"}
        server.add_group(PROVINCE_GROUP, names[PROVINCE_GROUP], 12)
        for number, district in enumerate(load_config(BASE_CONFIG).districts):
            names[group_of(district.code)] = f"พช.อ.{district.name}"
            server.add_group(group_of(district.code), names[group_of(district.code)], 6 + number % 10)
        config = write_config(server.url)
        env = dict(os.environ, KHOKNONGNA_LINE_TOKEN=server.token)
        print(f"local LINE server at {server.url}: {len(names)} groups; configuration {config.relative_to(REPO)}")

        server.fail(accept=True, drop=True)  # the first push is accepted, then the connection drops
        run_cli(env, "sync", "--config", str(config), "--as-of", args.as_of)
        pushes = server.platform.pushes()
        print(f"pushes answered: {len(pushes)} — " + ", ".join(
            "dropped after accepting" if s == 0 else str(s) for _, _, s in pushes[:3]) + ", ...")
        run_cli(env, "sync", "--config", str(config), "--as-of", args.as_of)

        server.platform.used = BUDGET - 40  # most of February's budget is spent
        print(f"\n(February: {server.used} of the month's budget of {BUDGET} already used)")
        run_cli(env, "sync", "--config", str(config), "--as-of", "2025-02-15")
        run_cli(env, "history", "--config", str(config), "--limit", "1")

        shown = show_received(server, names)
        html = OUTPUT / "received.html"
        html.write_text(page(shown, "make demo-line: what the groups received"), encoding="utf-8")
        total = sum(len(server.received(g)) for g in names)
        print(f"\n{total} messages to {sum(1 for g in names if server.received(g))} groups, none twice; "
              f"LINE counted {server.used} messages this month (budget {BUDGET}, one per group member).")
        print(f"The messages as bubbles: {html.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
