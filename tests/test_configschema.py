"""``syndicator config-schema``: the schema editors validate feeds.toml with accepts what
``load_config`` accepts (the shipped file, the README's examples, ``"15m"``, ``${VAR}``) and
refuses what it refuses for a structural reason (unknown key, wrong type, unknown kind,
missing key), checked with the ``jsonschema`` library on the TOML as written.

Left to ``load_config`` alone (they need the environment, several values or arithmetic the
schema cannot do): an environment variable that is not set, a malformed ``${`` reference in a
free-text value, ``nan`` (JSON has no NaN), a duration string over 30 days
(``"99999999999999999999d"``), ``"0s"`` where a duration must be above zero, the interval
floors (30 s, 1 s with ``allow_fast_polling``), duplicate names, destinations naming unknown
sources, the database URL (backend, driver installed, port), URL syntax beyond the scheme,
``bilingual`` without two languages, and each kind's own field validators (token shapes etc.).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from syndicator.cli import main
from syndicator.config import parse_config
from syndicator.deliver import KINDS as DESTINATION_KINDS
from syndicator.errors import ConfigError
from syndicator.sources import KINDS as SOURCE_KINDS
from tests import test_cli_config, test_config, test_readme_examples

ROOT = Path(__file__).resolve().parent.parent
ENV = test_config.ENV


@pytest.fixture(scope="module")
def printed() -> str:
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "config-schema"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


@pytest.fixture(scope="module")
def validator(printed: str) -> Draft202012Validator:
    schema = json.loads(printed)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _problems(validator: Draft202012Validator, text: str) -> list[str]:
    """Each schema error as ``key.path: message``, the way check-config names keys."""
    return [
        f"{_path(error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(tomllib.loads(text))
    ]


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def test_the_command_prints_pretty_json_and_writes_a_file(
    printed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert printed.startswith('{\n  "$schema": ') and printed.endswith("}\n")
    assert main(["config-schema"]) == 0
    assert capsys.readouterr().out == printed
    target = tmp_path / "feeds.schema.json"
    assert main(["config-schema", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8") == printed


def test_the_committed_schema_is_what_the_command_prints(printed: str) -> None:
    committed = (ROOT / "feeds.schema.json").read_text(encoding="utf-8")
    assert committed == printed, "stale: run `syndicator config-schema --output feeds.schema.json`"


def test_the_shipped_feeds_toml_names_the_schema_and_validates(
    validator: Draft202012Validator,
) -> None:
    text = (ROOT / "feeds.toml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "#:schema ./feeds.schema.json"
    assert _problems(validator, text) == []


@pytest.mark.parametrize(
    ("family", "registry"), [("sources", SOURCE_KINDS), ("destinations", DESTINATION_KINDS)]
)
def test_each_kind_is_a_variant_with_its_kind_const(
    validator: Draft202012Validator, family: str, registry: dict[str, object]
) -> None:
    schema = validator.schema
    variants = schema["properties"][family]["items"]["oneOf"]
    consts = []
    for variant in variants:
        model = schema["$defs"][variant["$ref"].removeprefix("#/$defs/")]
        assert model["additionalProperties"] is False  # a misspelt key is flagged
        assert "kind" in model["required"]
        consts.append(model["properties"]["kind"]["const"])
    assert sorted(consts) == sorted(registry)


def _valid_configs() -> dict[str, str]:
    configs = {
        "test_config.VALID": test_config.VALID,
        "test_cli_config.BASE": test_cli_config.BASE.replace("{port}", "8080"),
    }
    for index, example in enumerate(test_readme_examples._examples()):
        configs[f"README destination {index}"] = test_readme_examples._HEADER + "\n" + example
    configs["written as the loader reads them"] = test_config.VALID + (
        '\n[service]\nport = "${PORT:-8080}"\nallow_fast_polling = "${FAST:-false}"\n'
        '[[destinations]]\nname = "press"\nkind = "email"\nhost = "smtp.example.org"\n'
        'sender = "${SENDER:-tiedotteet@example.org}"\nlanguage_wait = "${WAIT:-30m}"\n'
        'recipients = ["toimitus@example.fi", {address = "red@example.fi", lang = "sv"}]\n'
        'languages = ["fi", "sv"]\nmax_attempts = 3\ntimeout = 20\n'
    )
    return configs


VALID_CONFIGS = _valid_configs()


@pytest.mark.parametrize("case", sorted(VALID_CONFIGS))
def test_what_the_loader_accepts_validates(
    validator: Draft202012Validator, case: str, tmp_path: Path
) -> None:
    text = VALID_CONFIGS[case].replace("{tmp}", str(tmp_path))
    names = test_readme_examples._ENV.findall(text)
    env = {**{name: test_readme_examples._secret_for(name) for name in names}, **ENV}
    parse_config(text, "f", env)  # the loader's word first: the case really is valid
    assert _problems(validator, text) == []


def _from_cli_config(case: str) -> str:
    edit = test_cli_config.BROKEN[case][0]
    text = edit if isinstance(edit, str) else test_cli_config.BASE.replace(*edit)
    return text.replace("{port}", "8080")


_COLOUR = test_config.VALID.replace('language = "fi"', 'language = "fi"\ncolour = "blue"')
_FROM_CONFIG_TESTS = {
    "test_config": ("missing key", "wrong type", "unknown destination kind", "bad URL"),
    "test_cli_config": (
        "interval inf",
        "interval 1e308",
        "request deadline inf",
        "empty file",
        "only comments",
    ),
}
# case → broken feeds.toml; each is refused by load_config and must be by the schema.
BROKEN: dict[str, str] = {
    **{
        f"test_config: {case}": test_config.BROKEN[case][0]
        for case in _FROM_CONFIG_TESTS["test_config"]
    },
    **{
        f"test_cli_config: {case}": _from_cli_config(case)
        for case in _FROM_CONFIG_TESTS["test_cli_config"]
    },
    "unknown key": _COLOUR,
    "misspelt key of a slack destination": test_config.VALID
    + '\n[[destinations]]\nname = "chat"\nkind = "slack"\nwebhook_ur = "https://h.example/x"\n',
    "unknown key in [service]": "[service]\nportt = 8080\n" + test_config.VALID,
    "wrong type: port as text": '[service]\nport = "eighty"\n' + test_config.VALID,
    "wrong type: max_items as text": test_config.VALID.replace(
        'kind = "html"', 'kind = "html"\nmax_items = "many"'
    ),
    "unknown source kind": test_config.VALID.replace('kind = "html"', 'kind = "pigeon"'),
    "missing kind": test_config.VALID.replace('kind = "webhook"\n', ""),
    "a language key that is not one": '[feeds]\ntitles = {Finnish = "x"}\n' + test_config.VALID,
    "a negative duration": test_config.VALID.replace('interval = "15m"', "interval = -5"),
    "a bad recipient": test_config.VALID
    + '\n[[destinations]]\nname = "press"\nkind = "email"\nhost = "smtp.example.org"\n'
    'sender = "a@example.org"\nrecipients = ["not an address"]\n',
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_what_the_loader_refuses_for_its_shape_the_schema_refuses(
    validator: Draft202012Validator, case: str
) -> None:
    text = BROKEN[case]
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "f", ENV)
    loader = [problem.removeprefix("f: ") for problem in raised.value.problems]
    schema = _problems(validator, text)
    assert schema, f"the schema accepts what load_config refuses: {loader}"
    # The schema points at the same key, or at the table holding it (a kind variant).
    keys = {problem.split(": ", 1)[0] for problem in schema}
    assert any(
        problem.startswith(key) if key else problem.startswith("no sources configured")
        for key in keys
        for problem in loader
    ), (schema, loader)
