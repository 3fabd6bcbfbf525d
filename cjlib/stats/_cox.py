"""``cox``: Cox proportional hazards with hazard ratios, concordance and a PH check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from cjlib.errors import DataError
from cjlib.stats._checks import as_names, check_choice, check_probability, require_columns
from cjlib.stats._concordance import concordance_index
from cjlib.stats._cox_fit import fit_cox
from cjlib.stats._design import design_matrix
from cjlib.stats._result import StatsResult
from cjlib.stats._survival import survival_inputs

__all__ = ["CoxResult", "cox"]


class CoxResult(StatsResult):
    """Result of :func:`cox`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by covariate: ``coef``, ``se``, ``hazard_ratio``, ``ci_low``, ``ci_high``
        (interval of the hazard ratio), ``z``, ``p``, ``ph_statistic``, ``ph_p``.
    concordance : float
        Harrell's C of the linear predictor.
    ph_test : pandas.DataFrame
        Scaled-Schoenfeld test per covariate (Grambsch & Therneau) against the chosen time
        transform; a small ``p`` says the hazard ratio changes over time.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        concordance_inputs: tuple[np.ndarray, np.ndarray, np.ndarray],
        log_likelihood: float,
        **kwargs: Any,
    ) -> None:
        self._concordance_inputs: tuple[np.ndarray, ...] | None = concordance_inputs
        self._concordance: float | None = None
        super().__init__(table, **kwargs)
        self.log_likelihood = log_likelihood

    @property
    def concordance(self) -> float:
        """Harrell's C of the linear predictor (computed on first use, then kept)."""
        if self._concordance is None:
            duration, event, risk = self._concordance_inputs
            self._concordance = concordance_index(duration, event, risk)
            self._concordance_inputs = None
        return self._concordance

    @property
    def _info(self) -> dict[str, Any]:
        # concordance is O(n log n) and not needed for the coefficients, so, as in
        # lifelines, it is only computed when the info, summary or HTML are read
        self._fit_info["concordance"] = self.concordance
        return self._fit_info

    @_info.setter
    def _info(self, value: dict[str, Any]) -> None:
        self._fit_info = value

    @property
    def ph_test(self) -> pd.DataFrame:
        """Proportional-hazards test per covariate."""
        return self._table[["ph_statistic", "ph_p"]].copy()

    def plot(self, *, alpha: float = 0.05) -> Any:
        """Forest plot of the hazard ratios (log scale)."""
        from cjlib.plot._forest import forest

        return forest(
            self._table,
            effect_col="hazard_ratio",
            q_col="p",
            alpha=alpha,
            null_value=1.0,
            log_x=True,
            x_title="Hazard ratio",
            title="Cox model: hazard ratios",
        )


def _time_transform(
    kind: str, times: np.ndarray, duration: np.ndarray, event: np.ndarray
) -> np.ndarray:
    if kind == "identity":
        return times
    if kind == "log":
        return np.log(times)
    if kind == "rank":
        return stats.rankdata(times)
    # "km": 1 - left-continuous Kaplan–Meier at each event time (R's cox.zph default)
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(duration, event)
    idx = np.searchsorted(sf.surv_times, times, side="left") - 1
    s_left = np.where(idx >= 0, sf.surv_prob[np.clip(idx, 0, None)], 1.0)
    return 1 - s_left


def cox(
    table: pd.DataFrame,
    *,
    duration_col: str,
    event_col: str,
    covariates: str | Iterable[str],
    strata_col: str | None = None,
    ties: Literal["efron", "breslow"] = "efron",
    alpha: float = 0.05,
    ph_transform: Literal["km", "rank", "identity", "log"] = "km",
    ph_alpha: float = 0.05,
) -> CoxResult:
    """Fit a Cox proportional-hazards model (Newton–Raphson on the partial likelihood).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer.
    duration_col, event_col : str
        Time to churn or censoring, and the churn flag (1/True = churned).
    covariates : str or iterable of str
        Numeric, bool or categorical columns (categories become treatment dummies).
    strata_col : str, optional
        Stratify the baseline hazard by this column.
    ties : {"efron", "breslow"}
        Handling of tied event times.
    alpha : float
        1 − confidence level of the hazard-ratio intervals.
    ph_transform : {"km", "rank", "identity", "log"}
        Time scale of the scaled-Schoenfeld proportional-hazards test.
    ph_alpha : float
        A covariate whose PH test has ``p < ph_alpha`` gets a warning.

    Returns
    -------
    CoxResult
        ``.table`` indexed by covariate (``coef``, ``se``, ``hazard_ratio``, ``ci_low``,
        ``ci_high``, ``p``...), ``.concordance``, ``.ph_test``, ``.warnings``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cjlib.stats import cox
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 3000)
    >>> t = rng.exponential(1 / (0.01 * np.exp(np.log(2.0) * x)))
    >>> df = pd.DataFrame({"days": np.minimum(t, 200), "churned": t < 200, "called": x})
    >>> res = cox(df, duration_col="days", event_col="churned", covariates=["called"])
    >>> bool(res.table.loc["called", "ci_low"] < 2.0 < res.table.loc["called", "ci_high"])
    True
    """
    duration, event = survival_inputs(table, duration_col, event_col)
    names = as_names(covariates, "covariates")
    if not names:
        raise DataError("covariates is empty: name at least one covariate column")
    require_columns(table, {"covariates": names, "strata_col": as_names(strata_col, "")}, "table")
    check_choice(ties, "ties", ["efron", "breslow"])
    check_choice(ph_transform, "ph_transform", ["km", "rank", "identity", "log"])
    check_probability(alpha, "alpha")
    X = design_matrix(table, names, "covariates")
    keep = ~X.isna().any(axis=1).to_numpy()
    strata = None
    if strata_col is not None:
        keep &= table[strata_col].notna().to_numpy()
        strata = table[strata_col].astype(str).to_numpy()[keep]
    notes: list[str] = []
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows with missing covariates left out")
    X, duration, event = X[keep], duration[keep], event[keep]
    if event.sum() == 0:
        raise DataError(f"event_col {event_col!r} has no events: a Cox model needs churners")
    constant = [c for c in X.columns if X[c].min() == X[c].max()]
    if constant:
        raise DataError(f"covariates {constant} are constant; they cannot be estimated")
    if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        raise DataError(f"covariates {list(X.columns)} are collinear; drop a redundant one")

    strata_codes = None if strata is None else pd.factorize(strata)[0]
    fit = fit_cox(X.to_numpy(dtype=float), duration, event, strata=strata_codes, ties=ties)
    if not fit.converged:
        notes.append("the Cox model did not converge; estimates unreliable")
    params = fit.params
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(fit.cov))
    if (np.abs(params) > 15).any() or not np.isfinite(se).all():
        notes.append("a coefficient ran off to infinity (monotone likelihood / separation)")
    z = stats.norm.ppf(1 - alpha / 2)
    out = pd.DataFrame(
        {
            "coef": params,
            "se": se,
            "hazard_ratio": np.exp(params),
            "ci_low": np.exp(params - z * se),
            "ci_high": np.exp(params + z * se),
            "z": params / se,
            "p": 2 * stats.norm.sf(np.abs(params / se)),
        },
        index=pd.Index(X.columns, name="covariate"),
    )

    # Scaled Schoenfeld residuals (Grambsch & Therneau 1994): r* = beta + d * V r
    cov = fit.cov
    n_events = len(fit.event_rows)
    scaled = params + n_events * fit.schoenfeld @ cov
    rows = fit.event_rows
    g = _time_transform(ph_transform, duration[rows], duration, event)
    g = g - g.mean()
    ph_stat = (g @ (scaled - params)) ** 2 / (n_events * np.diag(cov) * (g @ g))
    out["ph_statistic"] = ph_stat
    out["ph_p"] = stats.chi2.sf(ph_stat, 1)
    violating = out.index[out["ph_p"] < ph_alpha].tolist()
    if violating:
        notes.append(
            f"proportional hazards doubtful for {violating} (scaled Schoenfeld test, "
            f"p < {ph_alpha}); consider stratifying or a time interaction"
        )
    risk = X.to_numpy() @ params
    return CoxResult(
        out,
        concordance_inputs=(duration, event.astype(bool), risk),
        log_likelihood=fit.log_likelihood,
        title=f"Cox model of {duration_col} ({ties} ties)",
        warnings=notes,
        info={
            "n": int(keep.sum()),
            "events": int(event.sum()),
            "log_likelihood": fit.log_likelihood,
            "ties": ties,
            "ph_transform": ph_transform,
        },
    )
