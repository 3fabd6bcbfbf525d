"""Every case of the bad-input catalogue gives its documented error or result (catalogue.py)."""

from __future__ import annotations

import copy
import time
import warnings

import pytest

from .catalogue import CASES, Case, Ctx, make_ctx


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Ctx:
    return make_ctx(tmp_path_factory.mktemp("bad_inputs"))


def test_catalogue_is_large_and_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) >= 80
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, ctx: Ctx) -> None:
    events_before = copy.deepcopy(ctx.data.events)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.error is not None:
            with pytest.raises(case.error) as info:
                case.run(ctx)
            message = str(info.value)
            missing = [part for part in case.contains if part not in message]
            assert not missing, f"message lacks {missing}: {message}"
        else:
            result = case.run(ctx)
            if case.warns is not None:
                texts = [str(w.message) for w in caught if issubclass(w.category, case.warns)]
                assert texts, f"no {case.warns.__name__}; got {[str(w.message) for w in caught]}"
                missing = [p for p in case.contains if not any(p in t for t in texts)]
                assert not missing, f"warning lacks {missing}: {texts}"
            if case.check is not None:
                case.check(result)
    leaked = [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if issubclass(w.category, DeprecationWarning)
    ]
    assert not leaked, f"a dependency's deprecation warning reached the user: {leaked}"
    assert time.perf_counter() - start < 20, "a bad input must fail fast"
    assert ctx.data.events.equals(events_before), "the caller's data was changed"
