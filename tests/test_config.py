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
