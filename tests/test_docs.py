"""Every command has help and is documented in README (as sqlite-utils does it)."""

import re

import pytest
from typer.testing import CliRunner

from newscli.cli import app
from _support import REPO

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_commands():
    assert COMMANDS == ["clean", "dates", "dedupe", "export", "schema", "stats"]


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command):
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0 and "Usage" in res.output and len(res.output) > 200


@pytest.mark.parametrize("command", COMMANDS)
def test_command_in_readme(command):
    assert f"### `newscli {command}`" in README


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", setup, re.S)
    assert blocks == ["pip install . && newscli export data/samples -o corpus.jsonl",
                      "pip install '.[test]' && pytest"]
    assert blocks[1] in (REPO / ".ci" / "run").read_text()


def test_every_core_field_is_in_the_readme_table():
    from newscli.records import CORE_FIELDS

    for field in CORE_FIELDS:
        assert f"| `{field}` |" in README


def test_dedupe_help_states_the_library_defaults():
    from newscli.dedupe import DedupeOptions

    d = DedupeOptions()
    text = " ".join(re.sub("[\u2500-\u257f]", " ", runner.invoke(app, ["dedupe", "--help"]).output).split())
    for flag, value in (("--threshold", d.threshold), ("--num-perm", d.num_perm), ("--bands", d.bands),
                        ("--shingle", d.shingle), ("--emit", d.emit)):
        assert re.search(re.escape(flag) + r" .*?\[default: " + re.escape(str(value)) + r"\]", text), flag
