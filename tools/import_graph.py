"""Summarize `service`'s import graph: modules, cycles, and imports that go against the layer order.

`python tools/import_graph.py` (needs grimp, installed with the dev extra). Used to report the graph before and
after a restructuring; the enforced contract itself is import-linter's (`lint-imports`, see pyproject.toml).
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one node are cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def layers() -> list[list[str]]:
    """The layer order of the import-linter contract, lowest last (as import-linter writes it)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for contract in config.get("tool", {}).get("importlinter", {}).get("contracts", []):
        if contract.get("type") == "layers":
            return [[name.strip() for name in layer.replace("(", "").replace(")", "").split("|")]
                    for layer in contract["layers"]]
    return []


def main() -> int:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("service", include_external_packages=False)
    modules = sorted(graph.modules)
    edges: dict[str, set[str]] = defaultdict(set)
    for module in modules:
        edges[module] |= graph.find_modules_directly_imported_by(module)
    print(f"modules: {len(modules)}, direct imports: {sum(len(v) for v in edges.values())}")

    def package(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2]) if len(parts) > 1 else module

    package_edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in edges.items():
        for target in targets:
            if package(module) != package(target):
                package_edges[package(module)].add(package(target))
    cycles = strongly_connected(modules, edges)
    package_cycles = strongly_connected(sorted({package(m) for m in modules}), package_edges)
    print(f"module-level import cycles: {len(cycles)}")
    for cycle in cycles:
        print("  " + " <-> ".join(cycle))
    print(f"package-level cycles: {len(package_cycles)}")
    for cycle in package_cycles:
        print("  " + " <-> ".join(cycle))
    order = layers()
    if order:
        rank = {name: len(order) - i for i, layer in enumerate(order) for name in layer}
        upward = sorted((a, b) for a, targets in package_edges.items() for b in targets
                        if a in rank and b in rank and rank[b] > rank[a])
        print(f"imports against the layer order: {len(upward)}")
        for a, b in upward:
            print(f"  {a} -> {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
