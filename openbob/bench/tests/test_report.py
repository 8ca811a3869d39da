"""The benchmark report file: one section per suite, re-runnable one suite at a time."""

from __future__ import annotations

from openbob.bench.report import Report, merge_sections

ORDER = ("imports", "exports")


def _section(title: str, figure: float) -> str:
    report = Report(title, "Sizes.")
    report.check("a target", figure, 2, "x")
    return report.render("15.0")


def test_rerunning_one_suite_replaces_its_section_and_keeps_the_others() -> None:
    both = merge_sections(
        "", {"imports": _section("Imports", 3.0), "exports": _section("Exports", 1.0)}, ORDER
    )
    again = merge_sections(both, {"imports": _section("Imports", 1.5)}, ORDER)
    assert "| a target | 1.50x | ≤ 2x | PASS |" in again
    assert "3.00x" not in again
    assert "| a target | 1.00x | ≤ 2x | PASS |" in again
    assert again.index("## Imports") < again.index("## Exports")


def test_a_section_of_a_suite_no_longer_listed_is_dropped() -> None:
    both = merge_sections(
        "", {"imports": _section("Imports", 3.0), "exports": _section("Exports", 1.0)}, ORDER
    )
    assert "## Exports" not in merge_sections(both, {}, ("imports",))


def test_a_target_over_its_bar_fails() -> None:
    assert "| a target | 3.00x | ≤ 2x | FAIL |" in _section("Imports", 3.0)
