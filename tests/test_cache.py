"""The content-hash cache of loaded and cross-checked vector files: a hit only for exactly the same bytes and
code, never for a file with problems, and a corrupt entry or a disabled cache costs time, never correctness."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hmac_conformance import _cache as cache
from hmac_conformance import _load, _validate, schemes
from hmac_conformance import _paths as paths
from hmac_conformance import _released as released
from hmac_conformance._cli import main
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "golden" / "vectors" / "hmac.yaml"
TOY = ROOT / "tests" / "toy_scheme"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENVIRONMENT, str(where))
    _load._load_bytes.cache_clear()  # the in-process cache would answer before the one on disk
    yield where
    _load._load_bytes.cache_clear()


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "hmac.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def entries(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*") if p.is_file()) if where.exists() else []


def computed(monkeypatch) -> list[str]:
    """Names of files the loader actually parsed from now on (a cache hit parses nothing)."""
    calls: list[str] = []
    real = _load.load_bytes_uncached

    def counting(name: str, raw: bytes):
        calls.append(name)
        return real(name, raw)

    monkeypatch.setattr(_load, "load_bytes_uncached", counting)
    return calls


def load(path: Path) -> _load.LoadResult:
    _load._load_bytes.cache_clear()
    return _load.load([path])


def test_a_second_load_is_a_hit_and_equal(folder, sample, monkeypatch):
    first = load(sample)
    assert first.vectors and not first.problems and len(entries(folder)) == 1
    calls = computed(monkeypatch)
    assert load(sample).vectors == first.vectors
    assert calls == []


def test_a_changed_byte_misses(folder, sample, monkeypatch):
    load(sample)
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace('description: "HMAC', 'description: "XHMAC', 1), encoding="utf-8")
    calls = computed(monkeypatch)
    again = load(sample)
    assert calls == [str(sample)]
    assert any(v.description.startswith("X") for v in again.vectors), "the answer is for the new bytes"
    assert len(entries(folder)) == 2


def test_the_same_bytes_under_another_path_miss(folder, sample, tmp_path, monkeypatch):
    load(sample)
    other = tmp_path / "other.yaml"
    other.write_bytes(sample.read_bytes())
    calls = computed(monkeypatch)
    assert {v.path for v in load(other).vectors} == {other}
    assert calls == [str(other)]


def test_a_changed_scheme_file_changes_every_key(folder, tmp_path, monkeypatch):
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "check.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_scheme_roots", lambda: {plugin})
    cache._code_digest.cache_clear()
    before = cache.key("load", b"same bytes")
    (plugin / "check.py").write_text("A = 2\n", encoding="utf-8")
    cache._code_digest.cache_clear()
    assert cache.key("load", b"same bytes") != before
    cache._code_digest.cache_clear()


def test_a_first_run_looks_nothing_up_and_the_next_run_hits(folder, sample, monkeypatch):
    """While a command that found no entry of this code's loads its files, no file is looked up (every lookup
    would miss); the entries it writes answer the next command, and lookups outside a load are unaffected."""
    looked_up: list[str] = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda name: looked_up.append(name) or real_get(name))
    parsed = computed(monkeypatch)
    real_load_path = _load._load_path
    during: list[bool] = []
    monkeypatch.setattr(_load, "_load_path", lambda path: during.append(cache.first_run()) or real_load_path(path))
    load(sample)
    assert during == [True] and looked_up == [] and parsed == [str(sample)]
    assert not cache.first_run(), "only while the files load"
    assert len(entries(folder)) == 1
    load(sample)
    assert looked_up and parsed == [str(sample)], "the second run hit"
    assert _load.cached_file(sample) is not None


def test_the_native_modules_are_part_of_every_key_when_installed(folder, tmp_path, monkeypatch):
    """They answer as the Python code they stand in for, but are code an answer depends on: a native module
    rebuilt, added or removed is another generation of entries."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cache, "NATIVE_MODULES", (*cache.NATIVE_MODULES, "_hmac_conformance_probe"))
    built = tmp_path / "_hmac_conformance_probe.py"
    keys = []
    for content in (b"one build", None, b"one build", b"another build"):
        if content is None:
            built.unlink()
        else:
            built.write_bytes(content)
        cache._code_digest.cache_clear()
        keys.append(cache.key("load", b"same bytes"))
    cache._code_digest.cache_clear()
    assert keys[0] == keys[2], "the same build: the same key"
    assert len({keys[0], keys[1], keys[3]}) == 3


def test_every_native_module_that_imports_is_in_the_key():
    """Where the native package is installed (CI requires all of it), each of its modules' files is in the key."""
    import importlib

    from tests.conftest import REQUIRE_ALL

    importable = set()
    for name in cache.NATIVE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        importable.add(Path(module.__file__).resolve())
    if REQUIRE_ALL:
        assert len(importable) == len(cache.NATIVE_MODULES), "HMAC_CONFORMANCE_REQUIRE_ALL=1: every native module"
    elif not importable:
        pytest.skip("the native package (runner/native) is not installed")
    assert cache._native_files() == importable


def test_every_registered_scheme_source_and_schema_folder_is_hashed(monkeypatch):
    monkeypatch.setenv(schemes.ENVIRONMENT, "tests.toy_scheme")
    roots = cache._scheme_roots()
    assert TOY.resolve() in roots, "a plug-in scheme outside the package"
    for scheme in schemes.all_schemes().values():
        assert scheme.schema_dir in roots
    assert (ROOT / "runner" / "hmac_conformance" / "schemes" / "hmac").resolve() in roots
    monkeypatch.delenv(schemes.ENVIRONMENT)
    assert "toy" not in schemes.all_schemes()


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_corrupt_entry_is_ignored_and_rewritten(folder, sample, monkeypatch, damage):
    first = load(sample)
    (entry,) = entries(folder)
    blob = entry.read_bytes()
    entry.write_bytes(blob[:-7] + b"1234567" if damage is None else damage)
    calls = computed(monkeypatch)
    assert load(sample).vectors == first.vectors
    assert calls == [str(sample)]
    assert entry.read_bytes() == blob, "rewritten"


def test_an_unwritable_cache_folder_costs_nothing_but_time(tmp_path, sample, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.ENVIRONMENT, str(blocker / "cache"))
    assert load(sample).vectors and not load(sample).problems


def test_off_disables_it(folder, sample, monkeypatch):
    monkeypatch.setenv(cache.ENVIRONMENT, "off")
    assert cache.folder() is None
    calls = computed(monkeypatch)
    load(sample)
    load(sample)
    assert calls == [str(sample)] * 2
    assert entries(folder) == []


def test_a_file_with_problems_is_never_cached(folder, sample):
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace("operation: mac", "operation: nonsense", 1), encoding="utf-8")
    result = load(sample)
    assert result.problems
    assert entries(folder) == []


def test_cross_checks_are_cached_by_vector_content(folder, sample, monkeypatch):
    result = load(sample)
    assert _validate.lint(result) == []
    checked: list[str] = []
    monkeypatch.setattr(_validate, "_check", lambda v: checked.append(v.id) or [])
    assert _validate.lint(result) == [] and checked == [], "a hit: nothing recomputed"
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace('description: "HMAC', 'description: "XHMAC', 1), encoding="utf-8")
    changed = load(sample)
    _validate.lint(changed)
    assert len(checked) == len(changed.vectors), "another vector content: every vector of the file rechecked"


def test_a_failing_cross_check_is_not_cached(folder, sample, monkeypatch):
    result = load(sample)
    monkeypatch.setattr(_validate, "_check", lambda v: ["wrong"])
    assert len(_validate.lint(result)) == len(result.vectors)
    monkeypatch.undo()
    monkeypatch.setenv(cache.ENVIRONMENT, str(folder))
    checked: list[str] = []
    monkeypatch.setattr(_validate, "_check", lambda v: checked.append(v.id) or [])
    _validate.lint(result)
    assert len(checked) == len(result.vectors)


def test_entries_in_a_folder_others_can_write_are_not_read(folder, sample, monkeypatch):
    """Unpickling runs code: an entry another user could have planted is a miss, never loaded."""
    load(sample)
    (entry,) = entries(folder)
    assert entry.parent.stat().st_mode & 0o777 == 0o700
    entry.parent.chmod(0o777)
    calls = computed(monkeypatch)
    load(sample)
    assert calls == [str(sample)]
    entry.parent.chmod(0o700)
    calls.clear()
    load(sample)
    assert calls == []


@pytest.mark.parametrize("mode", [0o775, 0o777, 0o722], ids=oct)
def test_a_cache_folder_others_can_write_is_neither_read_nor_written_and_stderr_says_so_once(
    folder, sample, monkeypatch, capsys, mode
):
    """A CI cache folder made group-writable (umask 002) would otherwise make every run silently cold."""
    monkeypatch.setattr(cache, "_refused", set())
    folder.mkdir()
    folder.chmod(mode)
    calls = computed(monkeypatch)
    load(sample)
    load(sample)
    assert calls == [str(sample)] * 2
    assert entries(folder) == []
    err = capsys.readouterr().err
    assert err.count("hmac-conformance: the cache folder") == 1
    assert f"{folder} is not used: other users can write to it (mode {mode:o})" in err
    assert "chmod go-w" in err and cache.ENVIRONMENT in err
    folder.chmod(0o700)  # made private: used from now on, with no more warnings
    calls.clear()
    load(sample)
    load(sample)
    assert calls == [str(sample)]
    assert len(entries(folder)) == 1
    assert capsys.readouterr().err == ""


def test_a_cache_folder_of_another_user_is_not_used(folder, sample, monkeypatch, capsys):
    monkeypatch.setattr(cache, "_refused", set())
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(cache.os, "getuid", lambda: folder.stat().st_uid + 1)
    calls = computed(monkeypatch)
    load(sample)
    load(sample)
    assert calls == [str(sample)] * 2
    assert entries(folder) == []
    assert "is not used: it belongs to another user" in capsys.readouterr().err


def test_validate_remembers_a_clean_file_by_its_bytes(folder, sample, monkeypatch):
    """validate keys a file's cross-checks by the file's bytes: the same bytes are not rechecked, a changed
    byte is, and a file whose check fails is checked again next time."""
    checked: list[str] = []
    real = _validate._check
    monkeypatch.setattr(_validate, "_check", lambda v: checked.append(v.id) or real(v))
    _, problems = _validate.validate([sample])
    assert problems == [] and checked, "a first run checks every vector"
    count = len(checked)
    checked.clear()
    _load._load_bytes.cache_clear()
    assert _validate.validate([sample])[1] == [] and checked == [], "the same bytes: a hit"
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace('description: "HMAC', 'description: "XHMAC', 1), encoding="utf-8")
    assert _validate.validate([sample])[1] == [] and len(checked) == count, "a changed byte: all rechecked"
    monkeypatch.setattr(_validate, "_check", lambda v: ["wrong"])
    sample.write_text(text.replace('description: "HMAC', 'description: "YHMAC', 1), encoding="utf-8")
    before = len(entries(folder))
    assert {p.message for p in _validate.validate([sample])[1]} == {"wrong"}
    assert len(entries(folder)) == before + 1, "the load is remembered, the failing check is not"
    hit = _load.cached(str(sample), sample.read_bytes())
    assert hit is not None and not hit.checked_clean, "under the file's own name: a run finds it"
    assert {p.message for p in _validate.validate([sample])[1]} == {"wrong"}, "so it is checked again"


def test_a_warm_validate_is_answered_in_this_process_and_checks_nothing(folder, sample, monkeypatch):
    first_vectors, first_problems = _validate.validate([sample])
    assert first_problems == [] and first_vectors.confirmed_earlier == 0

    def no(*_args):
        raise AssertionError("a cache hit must not load or check again")

    monkeypatch.setattr(_validate, "_load_and_check", no)
    monkeypatch.setattr(_validate, "_check", no)
    _load._load_bytes.cache_clear()
    again, problems = _validate.validate([sample])
    assert problems == [] and again.outlines == first_vectors.outlines
    assert again.confirmed_earlier == len(again.outlines), "every confirmation came from the cache"


def test_a_warm_validate_reads_the_outlines_and_never_unpickles_the_vectors(folder, sample, monkeypatch):
    """The entry keeps the vectors pickled apart: at 100,000 vectors, unpickling them in the main process only to
    keep their outlines was most of a warm validate."""
    _validate.validate([sample])
    monkeypatch.setattr(_load.CachedFile, "vectors", property(lambda _: pytest.fail("vectors unpickled")))
    result, problems = _validate.validate([sample])
    assert problems == [] and result.outlines and result.confirmed_earlier == len(result.outlines)


def test_validate_keeps_each_vectors_outline(folder, sample):
    """What validate returns is what the rules across files read, the same cold and warm."""
    vectors = load(sample).vectors
    expected = [released.outline(v, in_suite=False) for v in vectors]
    for state in ("cold", "warm"):
        result, problems = _validate.validate([sample])
        assert problems == [] and result.outlines == expected, state
        assert all(o.digest is None for o in result.outlines), "not the suite's: no manifest digest"


def test_the_suites_own_files_are_outlined_with_their_manifest_digest_cold_and_warm(folder, sample, monkeypatch):
    """The entry of a file validated as another folder's has no digests: it is never the answer for the suite's."""
    outside = _validate.validate([sample])[0].outlines
    assert outside and all(o.digest is None for o in outside)
    (sample.parent / "VERSION").write_text("9.9.9\n", encoding="utf-8")
    monkeypatch.setattr(paths, "VECTORS", sample.parent)
    expected = [released.digest(v) for v in load(sample).vectors]
    for state in ("cold", "warm"):
        result, _ = _validate.validate([sample])
        assert [o.digest for o in result.outlines] == expected and None not in expected, state
    assert result.confirmed_earlier == len(expected)


def test_a_file_checked_clean_is_not_checked_again_when_only_its_load_is_recomputed(folder, sample, monkeypatch):
    _validate.validate([sample])
    checked: list[str] = []
    monkeypatch.setattr(_validate, "_check", lambda v: checked.append(v.id) or ["wrong"])
    answer = _validate._load_and_check(sample)
    assert answer.outlines and answer.problems == () and answer.found == [] and checked == []
    assert answer.earlier, "its expected values were confirmed by the earlier validate"


def test_lint_locates_every_check_problem(folder, sample, monkeypatch):
    result = load(sample)
    monkeypatch.setattr(_validate, "_check", lambda v: ["wrong"])
    problems = [p for p in _validate.lint(result) if p.message == "wrong"]
    assert [(p.path, p.line, p.vector_id) for p in problems] == [(v.path, v.line, v.id) for v in result.vectors]
    assert all(p.line for p in problems)


def test_a_command_pauses_the_collector_while_it_loads_and_freezes_what_it_keeps():
    import gc

    assert gc.isenabled() and gc.get_freeze_count() == 0
    with _load.held_for_the_command():
        assert not gc.isenabled(), "no collection while the vectors are built"
    assert gc.isenabled() and gc.get_freeze_count() > 0, "what was loaded is left out of later collections"
    gc.unfreeze()
    gc.disable()
    try:
        with _load.held_for_the_command():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.unfreeze()
        gc.enable()


def test_every_command_unfreezes_when_it_ends(sample):
    import gc

    from hmac_conformance._cli import main

    assert main(["validate", str(sample)]) == 0
    assert main(["list", "--vectors", str(sample)]) == 0
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_validate_writes_one_entry_per_file_saying_it_checked_clean(folder, sample):
    assert _validate.validate([sample])[1] == []
    assert len(entries(folder)) == 1, "loaded and checked: one file created, not one for each"
    hit = _load.cached(str(sample), sample.read_bytes())
    assert hit is not None and hit.checked_clean and hit.vectors and hit.problems == ()


def test_a_file_a_run_loaded_is_checked_by_the_next_validate_once(folder, sample, monkeypatch):
    load(sample)
    hit = _load.cached(str(sample), sample.read_bytes())
    assert hit is not None and not hit.checked_clean, "a run loads; it does not check"
    checked: list[str] = []
    real = _validate._check
    monkeypatch.setattr(_validate, "_check", lambda v: checked.append(v.id) or real(v))
    parsed = computed(monkeypatch)
    assert _validate.validate([sample])[1] == []
    assert checked and parsed == [], "the vectors come from the run's entry, and are checked"
    hit = _load.cached(str(sample), sample.read_bytes())
    assert len(entries(folder)) == 1 and hit is not None and hit.checked_clean, "its entry, now checked, replaced"
    checked.clear()
    assert _validate.validate([sample])[1] == [] and checked == [], "and never again"


def test_validate_asks_the_cache_only_for_checked_entries_before_handing_files_to_workers(folder, sample, monkeypatch):
    """After a run, every entry is loaded but not checked: reading (and unpickling) it in the main process only
    to find that a worker must check the file, which reads it again, was most of a second at 100,000 vectors."""
    load(sample)
    answers: list[object] = []
    real = cache.get

    def get(name: str) -> object:
        answers.append(real(name))
        return answers[-1]

    monkeypatch.setattr(cache, "get", get)
    assert _validate._cached_load_and_check(sample) is None
    assert answers == [None], "one question, for the checked entry, which is not there; the loaded one unread"
    assert _load.cached(str(sample), sample.read_bytes()) is not None and len(answers) == 3, "it is there"


def test_validate_says_which_confirmations_an_earlier_run_made(folder, sample, tmp_path, capsys):
    """A warm validate recomputes nothing; its summary must not read as if it had."""
    other = tmp_path / "more" / "hmac.yaml"
    other.parent.mkdir()
    other.write_bytes(sample.read_bytes().replace(b"id: hmac/", b"id: hmac/more-"))
    count = len(load(sample).vectors)

    def summary() -> str:
        _load._load_bytes.cache_clear()
        assert main(["validate", str(sample), str(other)]) == 0
        return capsys.readouterr().out

    assert "independent implementation\n" in summary(), "a first run confirmed everything itself"
    assert (
        "independent implementation (all of them by an earlier run of this same code on the same file bytes, "
        "kept in the cache)" in summary()
    )
    other.write_bytes(other.read_bytes().replace(b'description: "', b'description: "Changed: ', 1))
    assert f"({count} of them by an earlier run" in summary(), "only the unchanged file's came from the cache"


def test_has_entries_only_when_the_folder_holds_some_of_this_code(folder, sample, monkeypatch, capsys):
    assert not cache.has_entries(), "no folder yet"
    folder.mkdir(mode=0o700)
    assert not cache.has_entries(), "an empty folder"
    fake_generation(folder, "0" * 16, age_days=1)
    assert not cache.has_entries(), "entries of another version of the code only (an upgrade)"
    load(sample)
    assert cache.has_entries()
    monkeypatch.setattr(cache, "_refused", set())
    folder.chmod(0o770)
    assert not cache.has_entries(), "a folder that is not used"
    assert "is not used" in capsys.readouterr().err
    folder.chmod(0o700)
    monkeypatch.setenv(cache.ENVIRONMENT, "off")
    assert not cache.has_entries()


@pytest.mark.parametrize("command", [_load.load, _validate.validate])
def test_a_first_run_does_not_read_every_file_to_ask_an_empty_cache(folder, sample, monkeypatch, command):
    """Asking means reading and hashing each file in the main process, which the loader then does again."""
    asked: list[Path] = []
    real = _load.cached_file
    monkeypatch.setattr(_load, "cached_file", lambda path, **how: asked.append(path) or real(path, **how))
    _load._load_bytes.cache_clear()
    assert command([sample]) is not None
    assert asked == [], "nothing to ask: the folder did not exist"
    _load._load_bytes.cache_clear()
    command([sample])
    assert asked == [sample], "the cache has entries now: asked first, in this process"


def fake_generation(where: Path, name: str, age_days: float, content: dict[str, bytes] | None = None) -> Path:
    """A generation folder of entries as another version of the code would have left it, last used long ago."""
    generation = where / name
    for relative, data in (content or {"ab/" + "ab" * 32: b"entry"}).items():
        (generation / relative).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        (generation / relative).write_bytes(data)
    then = time.time() - age_days * 86400
    os.utime(generation, (then, then))
    return generation


def test_entries_live_in_a_folder_of_their_code_version(folder, sample):
    load(sample)
    (entry,) = entries(folder)
    assert entry.relative_to(folder).parts == (cache.code_digest().hex()[:16], entry.name)


@pytest.mark.parametrize("command", [load, lambda path: _validate.validate([path])], ids=["load", "validate"])
def test_only_the_most_recently_used_code_versions_are_kept(folder, sample, command):
    """Each edit of the runner's code starts a new set of entries; the old sets can never be hit by it."""
    folder.mkdir(mode=0o700)
    layouts = [{"ab" * 32: b"entry"}, {"ab/" + "ab" * 32: b"entry"}]  # entries directly, or in shard folders (earlier)
    old = [fake_generation(folder, f"{n:016x}", age_days=10 - n, content=layouts[n % 2]) for n in range(6)]
    command(sample)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted([cache.code_digest().hex()[:16], *(p.name for p in old[-(cache.GENERATIONS - 1) :])])
    assert len(kept) == cache.GENERATIONS
    command(sample)
    assert sorted(p.name for p in folder.iterdir()) == kept, "the one in use is never removed"


def test_a_version_used_again_is_kept_over_newer_ones(folder, sample):
    folder.mkdir(mode=0o700)
    load(sample)
    current = folder / cache.code_digest().hex()[:16]
    then = time.time() - 30 * 86400
    os.utime(current, (then, then))  # last used a month ago
    newer = [fake_generation(folder, f"{n:016x}", age_days=1) for n in range(cache.GENERATIONS)]
    _load._load_bytes.cache_clear()
    load(sample)  # uses it again: marked as the most recent
    assert current.exists() and len(entries(current)) == 1
    assert sum(p.exists() for p in newer) == cache.GENERATIONS - 1


@pytest.mark.parametrize(
    "content",
    [
        {"ab/notes.txt": b"mine"},  # a file that is no entry
        {"notes.txt": b"mine"},  # directly in the generation
        {"ab/" + "ab" * 32: b"entry", "zz/" + "ab" * 32: b"entry"},  # a folder that is no shard
        {"ab" * 32: b"entry", "ab/notes.txt": b"mine"},  # entries directly, and a shard holding something else
    ],
)
def test_a_folder_holding_anything_but_entries_is_never_removed(folder, sample, content):
    folder.mkdir(mode=0o700)
    for n in range(cache.GENERATIONS):
        fake_generation(folder, f"{n:016x}", age_days=1)
    foreign = fake_generation(folder, "f" * 16, age_days=100, content=content)
    load(sample)
    assert foreign.exists() and all((foreign / relative).exists() for relative in content)


def test_entries_of_the_old_layout_are_removed_and_nothing_else(folder, sample):
    """The earlier layout kept entries in shard folders directly under the cache folder, for every code version."""
    folder.mkdir(mode=0o700)
    (folder / "ab").mkdir(mode=0o700)
    (folder / "ab" / ("ab" * 32)).write_bytes(b"entry")
    (folder / "ab" / (".abababababababab.x1y2.tmp")).write_bytes(b"half an entry")
    (folder / "cd").mkdir(mode=0o700)
    (folder / "cd" / "keep.txt").write_bytes(b"not an entry")
    (folder / "photos").mkdir()
    (folder / "README").write_bytes(b"a file")
    load(sample)
    assert not (folder / "ab").exists()
    assert (folder / "cd" / "keep.txt").exists() and (folder / "photos").is_dir() and (folder / "README").exists()


def test_a_path_that_cannot_be_read_is_one_problem_and_nothing_cached(folder, tmp_path):
    unreadable = tmp_path / "folder.yaml"
    unreadable.mkdir()
    answer = _validate._load_and_check(unreadable)
    outlines, problems, found = answer.outlines, answer.problems, answer.found
    assert outlines == () and found == [] and not answer.earlier
    assert [(p.path, p.line, p.message) for p in problems] == [(unreadable, None, "cannot read: Is a directory")]
    assert entries(folder) == []
