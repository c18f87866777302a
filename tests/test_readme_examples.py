"""Every command example in README.md runs as written on the demo, in the README's order.

The run starts where `make demo` leaves a new user: a copy of the repository with the demo
workbooks and the project's .venv, in a shell where `. .venv/bin/activate` was said.

What counts as an example:
- each command line of a ```sh block (a line ending in `\\` continues), unless the line before the
  block is `<!-- readme-test: skip (why) -->`; it must exit 0, or as its comment says (`# exit 1`,
  `# exit 0, or 1 …`);
- each inline `python cli.py …` / `khoknongna …` that is not a synopsis (a synopsis has `[`, `|`,
  `…` or a CAPITAL placeholder such as CODE, FILE or DIR); it must exit 0 or 1 (as the command
  decides on the demo) and never 2, a usage or configuration error;
- `serve` and `line webhook` run until they are stopped, so they are not run here (tests/test_service.py
  and the LINE tests run them).
Nothing may print a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

README = REPO / "README.md"
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\b")
SHELL_BLOCKS = ("sh", "bash", "shell")
COMMAND = re.compile(r"^(?:python cli\.py|khoknongna)\s+\S")  # `khoknongna` alone is the user name
PLACEHOLDER = re.compile(r"(?<![\w-])[A-Z][A-Z0-9_]*(?![\w-])")
LONG_RUNNING = re.compile(r"^(?:python cli\.py|khoknongna)\s+(?:--\S+\s+)*(?:serve|line webhook)\b")
NOT_COPIED = ("/.venv", "/.git", "/demo/workbooks", "/demo/output", "/data", "__pycache__", "_cache", ".hypothesis")


@dataclass
class Example:
    line: int
    command: str
    allowed: frozenset[int]

    def __str__(self) -> str:
        return f"README.md line {self.line}: `{self.command}`"


def _allowed_exits(comment: str, default: frozenset[int]) -> frozenset[int]:
    _, said, rest = comment.partition("exit")
    return frozenset(int(d) for d in re.findall(r"\b(\d)\b", rest)) if said and rest else default


def _block_commands(body: list[tuple[int, str]]) -> list[Example]:
    examples, pending, start = [], "", 0
    for number, text in body:
        if not pending:
            start = number
        if text.rstrip().endswith("\\"):
            pending += text.strip()[:-1].strip() + " "
            continue
        line, pending = (pending + text.strip()).strip(), ""
        if not line or line.startswith("#"):
            continue
        command, _, comment = line.partition(" #")
        examples.append(Example(start, command.strip(), _allowed_exits(comment, frozenset({0}))))
    return examples


def _is_synopsis(code: str) -> bool:
    return any(mark in code for mark in "[|…") or bool(PLACEHOLDER.search(code))


def readme_examples(text: str) -> list[Example]:
    """The examples of a README text, in order."""
    lines = text.splitlines()
    examples: list[Example] = []
    prose: list[str] = []  # the text outside fenced blocks (blank lines in their place, to keep line numbers)
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)", lines[i])
        if not fence:
            prose.append(lines[i])
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        skipped = i > 0 and SKIP.search(lines[i - 1])
        if fence.group(1) in SHELL_BLOCKS and not skipped:
            examples += _block_commands([(j + 1, lines[j]) for j in range(i + 1, end)])
        prose += [""] * (end + 1 - i)
        i = end + 1
    joined = "\n".join(prose)
    for match in re.finditer(r"(?<!`)`([^`]+)`(?!`)", joined):
        code = " ".join(match.group(1).split())
        if COMMAND.match(code) and not _is_synopsis(code):
            examples.append(Example(joined.count("\n", 0, match.start()) + 1, code, frozenset({0, 1})))
    return sorted(examples, key=lambda e: e.line)


def _workdir(tmp_path: Path, demo_master: Path) -> Path:
    """A copy of the repository as `make demo` leaves it (before its sync, which the README's first
    example is), with the project's .venv."""
    work = tmp_path / "khoknongna"
    shutil.copytree(REPO, work, ignore=lambda folder, names: [
        n for n in names if any(f"{folder}/{n}".endswith(part) or n.endswith(part) for part in NOT_COPIED)
    ])
    shutil.copytree(demo_master, work / "demo" / "workbooks")
    (work / ".venv").symlink_to(Path(sys.prefix))
    return work


def _run(example: Example, work: Path, env: dict) -> str | None:
    """None when the example ran as the README says; else what went wrong."""
    try:
        done = subprocess.run(
            ["bash", "-c", example.command], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        return f"{example} did not finish in 300 s"
    output = done.stdout + done.stderr
    if done.returncode in example.allowed and "Traceback (most recent call last)" not in output:
        return None
    allowed = " or ".join(map(str, sorted(example.allowed)))
    tail = "\n    ".join(output.strip().splitlines()[-12:])
    return f"{example} exited {done.returncode} (the README allows {allowed}):\n    {tail}"


def test_the_readme_has_examples_of_every_command():
    examples = readme_examples(README.read_text(encoding="utf-8"))
    commands = " ".join(e.command for e in examples)
    for wanted in ("check", "--explain 8", "sync", "--dry-run", "memo preview", "rules", "config show", "history",
                   "status", "khoknongna "):
        assert wanted in commands, f"no runnable README example with {wanted!r}"


def test_every_readme_example_runs_as_written_on_the_demo(tmp_path, demo_master):
    work = _workdir(tmp_path, demo_master)
    env = {k: v for k, v in os.environ.items() if k not in ("KHOKNONGNA_CONFIG", "PYTHONPATH")}
    env.update(PATH=f"{work / '.venv' / 'bin'}{os.pathsep}{env['PATH']}", VIRTUAL_ENV=str(work / ".venv"))
    failures, ran = [], 0
    for example in readme_examples(README.read_text(encoding="utf-8")):
        if LONG_RUNNING.match(example.command):
            continue
        ran += 1
        problem = _run(example, work, env)
        if problem:
            failures.append(problem)
    assert not failures, (
        f"{len(failures)} of {ran} README examples failed (run as written after `make demo`; a block that cannot "
        "run on the demo gets `<!-- readme-test: skip (why) -->` on the line before it, and an option list is "
        "written as a synopsis, with [options] or CAPITALS):\n" + "\n".join(failures)
    )


def test_the_example_finder_reads_blocks_inline_code_and_skip_marks():
    text = "\n".join([
        "Run `python cli.py rules --config config/demo.yaml` first.",        # 1: inline example
        "| `python cli.py check [--district CODE]` | synopsis |",               # 2: synopsis, not run
        "```sh",                                                            # 3
        "python cli.py check --config c.yaml \\",                            # 4: continued …
        "  --as-of 2025-01-21     # exit 0, or 1 when unreadable",          # 5
        "# a comment",                                                      # 6
        "```",                                                              # 7
        "<!-- readme-test: skip (needs root) -->",                          # 8
        "```sh",                                                            # 9
        "sudo make install",                                                # 10
        "```",                                                              # 11
        "then `python cli.py status\n--config config/demo.yaml` again",     # 12-13: across a line break
    ])
    found = [(e.line, e.command, sorted(e.allowed)) for e in readme_examples(text)]
    assert found == [
        (1, "python cli.py rules --config config/demo.yaml", [0, 1]),
        (4, "python cli.py check --config c.yaml --as-of 2025-01-21", [0, 1]),
        (12, "python cli.py status --config config/demo.yaml", [0, 1]),
    ]
