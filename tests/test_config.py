"""Configuration: includes, validation, and errors that name the file, the key and the value."""

import pytest

from sync.config import ConfigError, load_config
from tests.conftest import CONFIG_DIR, write_config


def test_shipped_configurations_load():
    for name in ("demo.yaml", "config.yaml"):
        config = load_config(CONFIG_DIR / name)
        assert len(config.districts) == 17
        assert "5715" not in {d.code for d in config.districts}
        assert [s.name for s in config.programme.sectors][:2] == ["ภาครัฐ", "ภาคเอกชน"]


def test_paths_are_relative_to_the_config_file():
    config = load_config(CONFIG_DIR / "demo.yaml")
    assert config.backend.workbooks == (CONFIG_DIR.parent / "demo" / "workbooks").resolve()


def test_bad_value_names_file_key_path_and_value(tmp_path):
    path = write_config(tmp_path, tmp_path, "programme: {deadlines: {monthly_due_day: 35}}\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert str(path) in message
    assert "programme.deadlines.monthly_due_day = 35" in message


def test_error_names_the_included_file_that_holds_the_key(tmp_path):
    bad = tmp_path / "districts.yaml"
    bad.write_text('districts: [{code: "57/2", name: เวียงชัย}]\n', encoding="utf-8")
    path = tmp_path / "main.yaml"
    path.write_text(
        f"include: [{CONFIG_DIR / 'province.yaml'}, {CONFIG_DIR / 'programme.yaml'}, districts.yaml]\n"
        "backend: {workbooks: wb}\noutputs: {summary: s.xlsx, outbox: o, state: st}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"districts\.yaml: districts\.0\.code = '57/2'"):
        load_config(path)


def test_unknown_keys_and_missing_files_are_errors(tmp_path):
    with pytest.raises(ConfigError, match="backend.colour"):
        load_config(write_config(tmp_path, tmp_path, "backend: {colour: red}\n"))
    with pytest.raises(ConfigError, match="nope.yaml: configuration file not found"):
        load_config(tmp_path / "nope.yaml")


# Hostile and broken files: a clear error naming the file (and the key), never a crash or a hang.


def _main_with(tmp_path, body: str):
    """A configuration that is the test configuration plus `body` (the last file it includes)."""
    extra = tmp_path / "extra.yaml"
    extra.write_text(body, encoding="utf-8")
    path = write_config(tmp_path, tmp_path)
    text = path.read_text(encoding="utf-8").replace("]\n", f", {extra}]\n", 1)
    path.write_text(text, encoding="utf-8")
    return path, extra


def test_an_include_that_is_a_folder_names_the_including_file(tmp_path):
    (tmp_path / "conf.d").mkdir()
    path = write_config(tmp_path, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("include: [", "include: [conf.d, ", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: include: 'conf.d' is a folder ({tmp_path / 'conf.d'})")
    with pytest.raises(ConfigError, match="is a folder, not a configuration file"):
        load_config(tmp_path / "conf.d")


def test_a_file_that_is_not_utf8_names_the_file_and_line(tmp_path):
    path, extra = _main_with(tmp_path, "")
    extra.write_bytes("schedule:\n  sync_times: []\n# สถานะ\n".encode("cp874"))  # Thai Windows encoding
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{extra}: line 3: not UTF-8 text (byte 0xd0); save the file as UTF-8"


def test_deep_nesting_is_refused_with_the_key_path(tmp_path):
    path, extra = _main_with(tmp_path, "rules: " + "[" * 20_000 + "]" * 20_000 + "\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{extra}: line 1: nested more than 40 levels deep (at rules.0.0…)")


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bombs_are_refused_before_anything_is_built(tmp_path):
    path, extra = _main_with(tmp_path, BILLION_LAUGHS)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{extra}: f: line 6: aliases (*name) expand to more than 200,000 values")
    path, extra = _main_with(tmp_path, "rules: &loop [*loop]\n")
    with pytest.raises(ConfigError, match=r"extra\.yaml: rules\.0: line 1: an alias that contains itself"):
        load_config(path)


def test_ordinary_anchors_and_merge_keys_still_work(tmp_path):
    body = 'base: &quiet {enabled: false}\nrules: {plan.coverage: *quiet, mou.sectors: {<<: *quiet}}\n'
    path, _ = _main_with(tmp_path, body.replace("base:", "x-unused:"))
    with pytest.raises(ConfigError, match="x-unused"):  # an unknown key is still an unknown key
        load_config(path)
    path, _ = _main_with(tmp_path, "rules: {plan.coverage: &quiet {enabled: false}, mou.sectors: {<<: *quiet}}\n")
    config = load_config(path)
    assert not config.rules["plan.coverage"].enabled and not config.rules["mou.sectors"].enabled


@pytest.mark.parametrize(
    "body, key",
    [
        ("schedule: {sync_interval_seconds: 1.0e+12}", "schedule.sync_interval_seconds = 1000000000000.0"),
        ("schedule: {sync_interval_seconds: 1e12}", "schedule.sync_interval_seconds = '1e12'"),
        ("schedule: {lock_wait_seconds: .inf}", "schedule.lock_wait_seconds = inf"),
        ("schedule: {status_grace_minutes: 99999999}", "schedule.status_grace_minutes = 99999999"),
        ("email: {smtp: {timeout_seconds: .inf}}", "email.smtp.timeout_seconds = inf"),
        ("email: {smtp: {timeout_seconds: .nan}}", "email.smtp.timeout_seconds = nan"),
        ("outputs: {font: {size: 1.0e+300}}", "outputs.font.size = 1e+300"),
    ],
)
def test_every_number_has_a_sane_range(tmp_path, body, key):
    path, extra = _main_with(tmp_path, body + "\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{extra}: {key}: ")


def test_a_long_bad_value_is_quoted_short(tmp_path):
    path, _ = _main_with(tmp_path, "schedule: {summary_time: '" + "9" * 100_000 + "'}\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert len(str(error.value)) < 1000 and "…" in str(error.value)


def test_an_error_names_the_file_that_sets_the_deepest_key(tmp_path):
    """province.letter lives in programme.yaml while province.name lives in province.yaml."""
    path, extra = _main_with(tmp_path, "")
    text = path.read_text(encoding="utf-8") + "province: {letter: {date: not-a-date}}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}: province\.letter\.date = 'not-a-date'"):
        load_config(path)
    config = load_config(CONFIG_DIR / "demo.yaml")
    assert config.origin("province.letter.number") == CONFIG_DIR / "programme.yaml"
    assert config.origin("province.name") == CONFIG_DIR / "province.yaml"
    assert config.origin("backend.workbooks") == CONFIG_DIR / "demo.yaml"


@pytest.mark.parametrize(
    "body, says",
    [
        (BILLION_LAUGHS, "aliases (*name) expand to more than 200,000 values"),
        ("rules: " + "[" * 20_000 + "]" * 20_000, "nested more than 40 levels deep"),
        (b"email: {sender_name: \xca\xd3\xb9\xd1\xa1}", "not UTF-8 text"),
        ("schedule: {sync_interval_seconds: 1.0e+12}", "schedule.sync_interval_seconds = 1000000000000.0"),
    ],
)
def test_the_commands_answer_a_hostile_config_with_exit_2_and_the_file(tmp_path, body, says):
    from click.testing import CliRunner

    from cli import cli

    path, extra = _main_with(tmp_path, "")
    extra.write_bytes(body if isinstance(body, bytes) else body.encode())
    for command in (["config", "show"], ["check", "--as-of", "2025-01-21"], ["rules"]):
        result = CliRunner().invoke(cli, [*command, "--config", str(path)], catch_exceptions=False)
        assert result.exit_code == 2, (command, result.output)
        assert result.stdout == "" and result.stderr.startswith(f"configuration error: {extra}: ")
        assert says in result.stderr and len(result.stderr) < 1000


def test_the_libyaml_fast_path_reads_every_shipped_file_as_the_checked_loader_does(monkeypatch):
    from sync import yamlfile

    files = sorted(CONFIG_DIR.glob("*.yaml"))
    assert yamlfile._CLoader is not None, "PyYAML without libyaml: every file takes the checked way"
    fast = {f: yamlfile.read_yaml(f) for f in files if yamlfile._plainly_safe(f.read_text("utf-8"))}
    assert len(fast) == len(files)  # plain files: no alias, shallow
    monkeypatch.setattr(yamlfile, "_CLoader", None)
    assert fast == {f: yamlfile.read_yaml(f) for f in files}


def test_a_plain_file_past_the_node_budget_still_takes_the_checked_way(tmp_path, monkeypatch):
    from sync import yamlfile

    monkeypatch.setattr(yamlfile, "MAX_NODES", 5)
    path = tmp_path / "big.yaml"
    path.write_text("values: [1, 2, 3, 4, 5, 6, 7]\n", encoding="utf-8")
    assert not yamlfile._plainly_safe(path.read_text("utf-8"))
    with pytest.raises(yamlfile.YamlRefused, match="more than 5 values"):
        yamlfile.read_yaml(path)
