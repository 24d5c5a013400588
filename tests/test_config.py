"""Settings: loaded once into a typed, frozen value, documented in README, and the public URL
taken from configuration only."""
from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from syndicate import config

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    for setting in config.SETTINGS:
        assert f"`{config.PREFIX}{setting.name}`" in README, setting.name


def test_settings_are_typed_and_frozen(tmp_path):
    values = config.load({"DATA_DIR": str(tmp_path), "FEED_ITEMS": "7"}, environ={"SYNDICATE_PUBLISH_INTERVAL": "0.25"})
    settings = config.settings(values)
    assert settings.feed_items == 7 and settings.publish_interval == 0.25
    assert typing.get_type_hints(config.Settings)["feed_items"] is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.feed_items = 8
    assert settings.tree == tmp_path.resolve() / "public" and settings.audio_dir == settings.tree / "audio"
    assert settings.publish_state == tmp_path.resolve() / "publisher"


def test_the_settings_class_has_one_field_per_setting_of_its_type():
    # SETTINGS declares each setting; Settings spells the same fields out for type checkers.
    hints = typing.get_type_hints(config.Settings)
    declared = [(f.name, hints[f.name]) for f in dataclasses.fields(config.Settings)]
    assert declared == [(s.name.lower(), bool if s.kind is config._bool else s.kind) for s in config.SETTINGS] + [
        ("listen_url", str)]


@pytest.mark.parametrize("base,listen,public", [
    ("https://live.example.org/", "http://127.0.0.1:9000", "https://live.example.org"),
    ("", "http://127.0.0.1:9000", "http://127.0.0.1:9000"),
    ("", "", "http://127.0.0.1:8000"),
])
def test_the_public_url_comes_from_configuration(tmp_path, base, listen, public):
    values = config.load({"DATA_DIR": str(tmp_path), "BASE_URL": base, "LISTEN_URL": listen}, environ={})
    assert config.settings(values).public_url == public
