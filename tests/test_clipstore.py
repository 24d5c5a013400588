"""The clip store: one shape of name, paths that cannot leave its root, whole-file writes."""
from __future__ import annotations

import os
import stat

import pytest

from syndicate.clipstore import ClipStore, clip_root

ENTRY = "0123456789abcdef0123456789abcdef"


def test_names_have_one_shape(tmp_path):
    clips = ClipStore(tmp_path)
    name = clips.name("storm-ana", ENTRY, "a1b2c3d4e5f6")
    assert name == f"storm-ana/{ENTRY}-a1b2c3d4e5f6.mp3" and clips.is_name(name)
    assert clips.path(name) == tmp_path / name
    for bad in (f"../{ENTRY}-a1b2c3d4e5f6.mp3", f"storm/../{ENTRY}-a1b2c3d4e5f6.mp3",
                f"Storm/{ENTRY}-a1b2c3d4e5f6.mp3", f"storm\n/{ENTRY}-a1b2c3d4e5f6.mp3",
                f"storm/{ENTRY}-a1b2c3d4e5f6.mp3\n", f"storm/{ENTRY}.mp3", "storm/x.mp3", "-a/b", ""):
        assert not clips.is_name(bad), bad
        with pytest.raises(ValueError, match="not a clip name"):
            clips.path(bad)
    with pytest.raises(ValueError, match="not a clip name"):
        clips.name("storm\n", ENTRY, "a1b2c3d4e5f6")  # a slug is matched to its end


def test_the_root_is_the_published_trees_audio_folder(tmp_path):
    assert ClipStore.in_data_dir(tmp_path).root == clip_root(tmp_path) == tmp_path / "public" / "audio"


def test_writes_replace_whole_files_only(tmp_path):
    clips = ClipStore(tmp_path)
    name = clips.name("storm", ENTRY, "a1b2c3d4e5f6")
    clips.write(name, b"first")
    target = clips.write(name, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644  # served to everyone
    with pytest.raises(TypeError):
        clips.write(name, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"second"  # the failed write changed nothing ...
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # ... and left no temporary file


def test_removal_stays_inside_and_tidies_empty_folders(tmp_path):
    clips = ClipStore(tmp_path / "audio")
    name = clips.write(clips.name("storm", ENTRY, "a1b2c3d4e5f6"), b"x").relative_to(clips.root).as_posix()
    outside = tmp_path / "keep.mp3"
    outside.write_bytes(b"not a clip")
    clips.remove("../keep.mp3")
    clips.remove(None)
    assert outside.exists()
    clips.remove(name)
    assert not (clips.root / "storm").exists()
    clips.write(name, b"x")
    clips.remove_blog("storm")
    assert not (clips.root / "storm").exists()
    clips.remove_blog("..")
    assert outside.exists()
