"""The house's shape, read from its imports: services take what a request is about as
arguments and never read the request, and no module imports itself back through others."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app.py", "config.py", "portal", "models", "forms")
# What only a request knows; a service is handed what it needs of it.
REQUEST_STATE = {"flask": {"g", "request", "session"}, "flask_login": {"current_user"}}


def modules():
    """Every module of the house, by its dotted name, with its parsed source."""
    found = {}
    for entry in PACKAGES:
        for path in ([ROOT / entry] if entry.endswith(".py")
                     else sorted((ROOT / entry).rglob("*.py"))):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = (ast.parse(path.read_text(), str(path)),
                                                     path.name == "__init__.py")
    return found


def imported(name, source):
    """(module, names) for every import of a module, relative ones resolved, wherever
    they stand (a function's own imports too)."""
    tree, is_package = source
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            yield base, tuple(alias.name for alias in node.names)


MODULES = modules()


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("portal.services")))
def test_a_service_never_reads_the_request(name):
    for module, names in imported(name, MODULES[name]):
        assert not REQUEST_STATE.get(module, set()) & set(names), (name, module, names)


def test_no_module_imports_itself_back():
    edges = {name: set() for name in MODULES}
    for name, source in MODULES.items():
        for module, names in imported(name, source):
            for target in [module] + [f"{module}.{n}" for n in names]:
                if target in MODULES and target != name:
                    edges[name].add(target)
    cycles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for name in sorted(MODULES):
        if name not in state:
            visit(name, [name])
    assert cycles == []
