"""The README's command reference, generated from the commands' own help.

python -m qam.docs          # rewrite the reference in README.md
python -m qam.docs --check  # exit 1 if README.md is out of date (the test suite runs this)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def _walk(command, path: list[str], parent=None):
    """(path, command, context) for every leaf command, loading lazy groups as it goes."""
    import typer

    ctx = typer.Context(command, info_name=path[-1], parent=parent)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), path + [name], ctx)
    else:
        yield path, command, typer.Context(command, info_name=" ".join(path))


def reference() -> str:
    """Markdown: a table of every command, its one-line summary and its example."""
    import typer

    from qam.cli import app

    root = typer.main.get_command(app)
    lines = ["| command | what it does | example |", "|---|---|---|"]
    for path, command, ctx in _walk(root, ["qam"]):
        help_text = (command.help or "").strip()
        summary = help_text.split("\n\n")[0].replace("\n", " ")
        example = ""
        match = re.search(r"Example:\s*(.+)", help_text)
        if match:
            example = f"`{match.group(1).strip()}`"
        usage = " ".join(command.collect_usage_pieces(ctx))
        usage = usage.replace("[OPTIONS]", "[options]")
        signature = f"{' '.join(path)} {usage}".strip()
        lines.append(f"| `{signature}` | {summary} | {example} |")
    return "\n".join(lines)


def updated_readme(text: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{reference()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    readme = Path(__file__).resolve().parent.parent / "README.md"
    current = readme.read_text(encoding="utf-8")
    wanted = updated_readme(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md's command reference is out of date: run `python -m qam.docs`.")
            return 1
        return 0
    readme.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
