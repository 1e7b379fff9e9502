"""Docs that tests keep honest: every CLI command is in the README; registered components are listed."""
import re

import typer.main

from sitrep.cli import app
from tests.conftest import ROOT


def commands(cmd=None, path=""):
    """(full name, click command) for every leaf command of the CLI."""
    cmd = cmd or typer.main.get_command(app)
    subs = getattr(cmd, "commands", None)
    if not subs:
        yield path, cmd
        return
    for name, sub in subs.items():
        yield from commands(sub, f"{path} {name}".strip())


def test_docs_every_command_is_in_the_readme():
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    missing = [name for name, _ in commands() if not re.search(rf"sitrep {re.escape(name)}\b", readme)]
    assert missing == [], f"commands missing from README.md: {missing}"


def test_docs_every_command_has_an_example():
    lacking = [name for name, cmd in commands() if "Example" not in (cmd.help or "")]
    assert lacking == []


def test_docs_sitrep_factories_are_registered_with_versions():
    from spacy.language import Language

    import sitrep.nlp  # noqa: F401

    names = sorted(n for n in Language.factories if n.startswith("sitrep_"))
    assert names and all(re.fullmatch(r"sitrep_[a-z_]+_v\d+", n) for n in names)
    assert {"sitrep_actor_ruler_v1", "sitrep_toponyms_v1"} <= set(names)
