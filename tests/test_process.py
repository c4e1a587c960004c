"""The ``reportgen`` process runs without the cyclic garbage collector and ends without the interpreter's teardown:
still with every exit code, every line of output and a complete run log."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.cli import process
from tests.conftest import REPO


def reportgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture
def example(tmp_path: Path) -> Path:
    shutil.copy(REPO / "reportgen.toml", tmp_path)
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    return tmp_path


def test_a_run_ends_with_its_exit_code_its_output_and_its_log(example: Path) -> None:
    built = reportgen("-v", "run", "--committee", "AUU", "--meeting", "2020-12-08", cwd=example)
    assert built.returncode == 0, built.stderr
    assert "status-AUU-2020-12-08.docx" in built.stdout
    logs = sorted((example / "outputs").rglob("*.log"))
    assert logs, "the run leaves its log"
    assert logs[-1].read_text(encoding="utf-8").rstrip().splitlines()[-1], "the log is written to its last line"
    refused = reportgen("run", "--config", "missing.toml", cwd=example)
    assert refused.returncode == 2 and "missing.toml: file not found" in refused.stderr


def test_output_cut_off_by_a_closed_pipe_ends_quietly(example: Path) -> None:
    """``reportgen due | head -1``: the lines that no longer fit are dropped, without a traceback."""
    due = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "due"], cwd=example, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert due.stdout is not None and due.stderr is not None
    first = due.stdout.readline()
    due.stdout.close()  # as head does after its line
    errors = due.stderr.read().decode()
    due.wait(timeout=600)
    assert first.startswith(b"Today") and "Traceback" not in errors


def test_exit_now_is_sys_exit_without_the_teardown(tmp_path: Path) -> None:
    script = tmp_path / "ends.py"
    script.write_text(
        "import atexit, sys\n"
        "from reportgen.cli.process import exit_now\n"
        "atexit.register(lambda: print('atexit ran', flush=True))\n"
        "print('unflushed', end='')\n"
        "exit_now(sys.argv[1] if not sys.argv[1].isdigit() else int(sys.argv[1]))\n",
        encoding="utf-8",
    )
    for code, returncode in (("0", 0), ("2", 2), ("a message", 1)):
        done = subprocess.run([sys.executable, str(script), code], capture_output=True, text=True, check=False)
        assert done.returncode == returncode
        assert done.stdout == "unflushedatexit ran\n"
        assert done.stderr == ("a message\n" if code == "a message" else "")


def test_short_lived_turns_automatic_collection_off_and_a_collection_still_frees_cycles() -> None:
    was = gc.isenabled()
    try:
        process.short_lived()
        assert not gc.isenabled()
        import weakref

        class Node:
            pass

        cycle = Node()
        cycle.self = cycle  # type: ignore[attr-defined]
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None  # a cycle: reference counting alone does not free it
        gc.collect()  # as a national worker does after each municipality
        assert alive() is None
    finally:
        if was:
            gc.enable()


def test_a_large_export_is_read_collecting_each_chunks_cycles_and_freezing_nothing_for_good() -> None:
    """With the collector off, the economy reader collects each chunk's reference cycles (a collection over the
    chunk's objects: what was alive before is frozen meanwhile) and unfreezes everything afterwards."""
    import weakref

    from reportgen.readers.postings import collected_per_chunk

    class Node:
        pass

    was = gc.isenabled()
    gc.disable()
    try:
        with collected_per_chunk() as collect:
            assert gc.get_freeze_count() > 0
            chunk = Node()
            chunk.self = chunk  # type: ignore[attr-defined]
            alive = weakref.ref(chunk)
            del chunk
            collect()
            assert alive() is None
        assert gc.get_freeze_count() == 0
    finally:
        if was:
            gc.enable()
    with collected_per_chunk() as collect:  # the collector on: it collects by itself, nothing is frozen
        assert gc.get_freeze_count() == 0 and collect() is None
