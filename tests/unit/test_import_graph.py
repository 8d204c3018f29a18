"""The import graph: no cycles, the core free of adapters and Rasa, tests and benchmarks apart.

Read from the source by testkit.imports (every import counts, also inside functions);
``python -m testkit.imports`` prints the graph between mpp's top-level modules.
"""

from __future__ import annotations

from testkit.imports import PACKAGES, cycles, first_party, imports, show, top_level

GRAPH = imports()
ADAPTERS_AND_RASA = ("bot", "actions", "console", "rasa", "rasa_sdk", "sanic", "telegram", "aiohttp")


def test_no_cycle_between_the_cores_top_level_modules() -> None:
    graph = top_level(GRAPH)
    assert cycles(graph) == [], "\n".join(show(graph))


def test_no_import_cycle_between_any_two_modules() -> None:
    assert cycles(first_party(GRAPH)) == []


def test_the_core_imports_nothing_of_the_adapters_or_rasa() -> None:
    leaks = {
        (module, target)
        for module, targets in GRAPH.items()
        if module.split(".")[0] == "mpp"
        for target in targets
        if target.split(".")[0] in ADAPTERS_AND_RASA
    }
    assert leaks == set()


def test_booking_and_queue_do_not_import_each_other() -> None:
    graph = top_level(GRAPH)
    assert "mpp.queue" not in graph["mpp.booking"] and "mpp.booking" not in graph["mpp.queue"]


def test_tests_and_benchmarks_share_code_only_through_testkit() -> None:
    crossing = {
        (module, target)
        for module, targets in first_party(GRAPH).items()
        for target in targets
        if {module.split(".")[0], target.split(".")[0]} == {"tests", "benchmarks"}
        or (module.split(".")[0] in ("mpp", "testkit") and target.split(".")[0] in ("tests", "benchmarks"))
    }
    assert crossing == set()


def test_no_private_name_is_imported_from_another_package() -> None:
    own = set(PACKAGES)
    private = {
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if ":" in target and target.split(".")[0] in own and target.split(".")[0] != module.split(".")[0]
    }
    assert private == set()


def test_the_graph_reader_sees_a_cycle_and_a_private_import(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The rules above can fail: a made-up package with both faults is caught."""
    package = tmp_path / "mpp"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("from mpp.b import _secret\n")
    (package / "b.py").write_text("def f():\n    from mpp.a import thing\n_secret = 1\n")
    graph = imports(tmp_path)
    assert cycles(top_level(graph)) == [["mpp.a", "mpp.b"]]
    assert "mpp.b:_secret" in graph["mpp.a"]
