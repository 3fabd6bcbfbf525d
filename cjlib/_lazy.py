"""Lazy public names for cjlib's packages (PEP 562), so ``import cjlib`` stays cheap.

Examples
--------
>>> import types
>>> pkg = types.ModuleType("demo_pkg")
>>> pkg.__getattr__, pkg.__dir__ = lazy_names("demo_pkg", {"sqrt": "math"}, ["sqrt"])
>>> pkg.sqrt(9.0)
3.0
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, table: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a module ``__getattr__`` and ``__dir__`` that import names on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    table : mapping of str to str
        Public name -> module that defines it. A name whose module is ``f"{package}.{name}"``
        itself (a sub-package) resolves to that module.
    public : iterable of str
        The package's ``__all__`` (what ``dir()`` lists).

    Returns
    -------
    tuple of callables
        ``(__getattr__, __dir__)`` to assign at module level. A resolved name is cached in the
        package's namespace, so the import happens once.
    """
    names = sorted(public)

    def module_getattr(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(table[name])
        value = module if table[name] == f"{package}.{name}" else getattr(module, name)
        namespace = sys.modules.get(package)
        if namespace is not None:
            setattr(namespace, name, value)
        return value

    def module_dir() -> list[str]:
        return names

    return module_getattr, module_dir
