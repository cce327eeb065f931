"""The package's shape, as docs/architecture.md draws it, checked on the source itself.

Read with :mod:`ast`, never imported, so a violation is found even in code no test runs:
- every import points down the layers (commands → web → playback → guide → library →
  accounts → sources → base), and ``demo`` stands beside them on base alone;
- no module reaches for another module's ``_private`` name;
- a function-local import of an xtplay module says why it is local (``# deferred: …``);
- the module-level import graph has no cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "xtplay"

#: Layers from the top; a module may import its own layer and those after it.
LAYERS = ("commands", "web", "playback", "guide", "library", "accounts", "sources", "base")
BASE = {"xtplay", "db", "config", "errors", "i18n", "logs", "migrations"}


@dataclass(frozen=True)
class Import:
    """One import of an xtplay module by a module of the package."""

    importer: str
    target: str
    names: tuple[str, ...]
    line: int
    local: bool  #: inside a function body
    reason: str  #: the comment on the import's line or the line before it


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer_of(module: str) -> str:
    """The layer a module belongs to (``demo`` is not a layer: it sits beside them on base)."""
    first = module.split(".")[1] if "." in module else "xtplay"
    if first in BASE:
        return "base"
    if first == "cli":
        return "commands"
    return first


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    parts = importer.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports(known: dict[str, Path]) -> Iterator[Import]:
    """Every import of an xtplay module in the package, resolved to the module it loads."""
    for name, path in sorted(known.items()):
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or _type_checking_only(node, parents):
                continue
            local = any(isinstance(p, ast.FunctionDef | ast.AsyncFunctionDef) for p in _ancestors(node, parents))
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2] if node.lineno > 1 else ""
            reason = here.split("#", 1)[1] if "#" in here else ""
            if above.strip().startswith("#"):
                reason += above.split("#", 1)[1]
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "xtplay":
                        yield Import(name, alias.name, (), node.lineno, local, reason)
                continue
            base = _resolve(name, path.name == "__init__.py", node)
            if base.split(".")[0] != "xtplay":
                continue
            names = tuple(a.name for a in node.names)
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in known]
            for target in submodules:  # ``from pkg import module`` loads the module itself
                yield Import(name, target, (), node.lineno, local, reason)
            rest = tuple(n for n in names if f"{base}.{n}" not in known)
            if rest or not submodules:
                yield Import(name, base, rest, node.lineno, local, reason)


def _ancestors(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> Iterator[ast.AST]:
    while node in parents:
        node = parents[node]
        yield node


KNOWN = modules()
IMPORTS = list(imports(KNOWN))


def test_the_package_is_found():
    assert {"xtplay.db", "xtplay.sources.xtream", "xtplay.accounts.profiles", "xtplay.library.catalog",
            "xtplay.guide.query", "xtplay.playback.proxy", "xtplay.web.app", "xtplay.cli"} <= set(KNOWN)
    assert len(IMPORTS) > 100


def test_imports_point_down_the_layers():
    wrong = []
    for imp in IMPORTS:
        src, dst = layer_of(imp.importer), layer_of(imp.target)
        if dst == "demo":
            ok = src in ("commands", "demo")
        elif src == "demo":
            ok = dst in ("base", "demo")
        else:
            ok = LAYERS.index(dst) >= LAYERS.index(src)
        if not ok:
            wrong.append(f"{imp.importer}:{imp.line} ({src}) imports {imp.target} ({dst})")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_module_imports_another_modules_private_names():
    wrong = [f"{imp.importer}:{imp.line} imports {name} from {imp.target}"
             for imp in IMPORTS for name in imp.names
             if name.startswith("_") and not name.startswith("__") and imp.target != imp.importer]
    wrong += [f"{imp.importer}:{imp.line} imports the private module {imp.target}"
              for imp in IMPORTS if any(p.startswith("_") and not p.startswith("__") for p in imp.target.split("."))]
    assert not wrong, "\n".join(wrong)


def test_no_module_reads_a_private_attribute_of_an_imported_module():
    wrong = []
    for name, path in KNOWN.items():
        tree = ast.parse(path.read_text())
        bound: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                bound |= {a.asname or a.name for a in node.names if f"{base}.{a.name}" in KNOWN}
            elif isinstance(node, ast.Import):
                bound |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("xtplay")}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                wrong.append(f"{name}:{node.lineno} reads {node.value.id}.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_function_local_imports_say_why():
    silent = [f"{imp.importer}:{imp.line} imports {imp.target} inside a function"
              for imp in IMPORTS if imp.local and "deferred" not in imp.reason]
    assert not silent, "a local import needs a '# deferred: <start-up cost it avoids>' comment:\n" + "\n".join(silent)


def test_the_module_graph_has_no_cycle():
    graph: dict[str, set[str]] = {m: set() for m in KNOWN}
    for imp in IMPORTS:
        if not imp.local and imp.target in graph and imp.target != imp.importer:
            graph[imp.importer].add(imp.target)
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_checks_see_a_violation():
    """The checker itself: a made-up upward import, private name and cycle are all reported."""
    assert layer_of("xtplay.sources.xtream") == "sources" and layer_of("xtplay.cli") == "commands"
    assert layer_of("xtplay.db") == "base" and layer_of("xtplay.demo.server") == "demo"
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert LAYERS.index(layer_of("xtplay.web.app")) < LAYERS.index(layer_of("xtplay.library.catalog"))
