"""The newscli command line: a thin typer layer over the library.

- `app`: the typer app and its commands (parse options, build one options object per step);
- `options`: the options the commands share, and the builders of each step's options object;
- `runner`: running a command (progress, messages, summary, stats file, exit code);
- `report`: the `stats` table.

`newscli.cli:main` is the console-script entry point.
"""

from newscli.cli.app import app, main

__all__ = ["app", "main"]
