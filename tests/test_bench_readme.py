"""`make bench-readme`: the README's performance table is a run's, written between its markers."""

from __future__ import annotations

import pytest

from bench import readme

RUN = {
    "environment": {
        "started_at": "2026-11-29T22:00:00+00:00",
        "quick": True,
        "seconds": 300.0,
        "cpus": 2,
        "cpu_model": "Test CPU",
        "python": "3.11.7",
        "workers": 2,
        "worker_class": "gthread",
        "threads": 4,
    },
    "runs": {
        "sqlite": {
            "machine_before": {
                "loadavg": [6.5, 7.0, 7.5],
                "python_loop_1e6_ms": 45.0,
                "fsync_ms": 3.1,
            },
            "machine_after": {
                "loadavg": [8.0, 7.5, 7.2],
                "python_loop_1e6_ms": 90.0,
                "fsync_ms": 4.0,
            },
            "seed": {"seed_participants": 20000, "seed_seconds": 9.0, "seed_peak_mb": 280},
        }
    },
}


def test_the_table_between_the_markers_is_replaced_by_the_run(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"# x\n\nbefore\n{readme.BEGIN}\nold numbers\n{readme.END}\nafter\n")
    readme.write(RUN, page)
    text = page.read_text()
    assert "old numbers" not in text
    assert text.startswith("# x\n\nbefore\n") and text.endswith("after\n")
    assert "2 cores (Test CPU)" in text and "`make bench QUICK=1`" in text
    assert "| sqlite | 6.5 / 7.0 / 7.5 → 8.0 / 7.5 / 7.2 | 45.0 ms → 90.0 ms | 3.1 ms |" in text
    assert "| Database | Measurement | Target | Value | Result |" in text
    readme.write(RUN, page)  # again: still one block
    assert page.read_text().count(readme.BEGIN) == 1


def test_a_readme_without_markers_is_refused(tmp_path):
    page = tmp_path / "README.md"
    page.write_text("# no markers\n")
    with pytest.raises(ValueError):
        readme.write(RUN, page)


def test_the_project_readme_has_the_markers():
    text = readme.README.read_text()
    assert text.count(readme.BEGIN) == 1 and text.index(readme.BEGIN) < text.index(readme.END)
