"""``churn_model``: logistic model of churn within a fixed horizon, with calibration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from cjlib.errors import DataError
from cjlib.stats._checks import as_names, check_probability, numeric_values, require_columns
from cjlib.stats._design import design_matrix
from cjlib.stats._fit import fit_logit
from cjlib.stats._result import StatsResult
from cjlib.stats._survival import survival_inputs

__all__ = ["ChurnModelResult", "churn_model"]


class ChurnModelResult(StatsResult):
    """Result of :func:`churn_model`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by term: ``coef``, ``se``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p``.
    calibration : pandas.DataFrame
        Per bin of predicted risk: ``customers``, ``predicted``, ``observed``.
    info : dict
        ``brier``, ``auc``, ``calibration_intercept``, ``calibration_slope``,
        ``hosmer_lemeshow``, ``hosmer_lemeshow_p`` and sample sizes.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        calibration: pd.DataFrame,
        columns: list[str],
        covariates: list[str],
        horizon: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(table, **kwargs)
        self._calibration = calibration
        self._columns = columns
        self._covariates = covariates
        self.horizon = horizon

    @property
    def calibration(self) -> pd.DataFrame:
        """Predicted against observed churn per risk bin."""
        return self._calibration.copy()

    def predict(self, table: pd.DataFrame) -> pd.Series:
        """Probability of churning within the horizon for every row of ``table``."""
        require_columns(table, {"covariates": self._covariates}, "table")
        X = design_matrix(table, self._covariates, "covariates")
        X = X.reindex(columns=self._columns[1:], fill_value=0.0)
        eta = self._table.loc["const", "coef"] + X.to_numpy() @ self._table["coef"].iloc[1:]
        return pd.Series(special.expit(eta), index=table.index, name="churn_probability")

    def plot(self) -> Any:
        """Calibration plot: observed churn against predicted risk per bin."""
        import plotly.graph_objects as go

        from cjlib.plot._style import NEUTRAL, PALETTE, apply_base_layout

        c = self._calibration
        top = float(max(c["predicted"].max(), c["observed"].max()) * 1.05)
        fig = go.Figure(
            [
                go.Scatter(
                    x=[0, top],
                    y=[0, top],
                    mode="lines",
                    name="perfect calibration",
                    line={"dash": "dash", "color": NEUTRAL},
                ),
                go.Scatter(
                    x=c["predicted"],
                    y=c["observed"],
                    mode="lines+markers",
                    name="model",
                    marker={"size": 9, "color": PALETTE[0]},
                    line={"color": PALETTE[0]},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": c["observed_ci_high"] - c["observed"],
                        "arrayminus": c["observed"] - c["observed_ci_low"],
                    },
                ),
            ]
        )
        fig.update_xaxes(title="Predicted churn probability", tickformat=".0%")
        fig.update_yaxes(title="Observed churn rate", tickformat=".0%")
        info = self._info
        return apply_base_layout(
            fig,
            height=450,
            title=f"Churn within {self.horizon:g}: calibration<br><sup>AUC {info['auc']:.3f}, "
            f"Brier {info['brier']:.3f}, slope {info['calibration_slope']:.2f}</sup>",
        )


def churn_model(
    table: pd.DataFrame,
    *,
    duration_col: str,
    event_col: str,
    horizon: float,
    covariates: str | Iterable[str],
    followup_col: str | None = None,
    n_bins: int = 10,
    alpha: float = 0.05,
) -> ChurnModelResult:
    """Logistic model of "churned within ``horizon``" with calibration diagnostics.

    A customer is labelled 1 if they churned at or before the horizon. Customers who could
    not be followed for the whole horizon must be left out, and which ones that is depends
    on how long each *could* have been followed: give ``followup_col`` (time from start to
    the end of the data, known for churners too) to select exactly those with
    ``followup >= horizon``. Without it, customers censored before the horizon are left out,
    which over-represents early churners when censoring is spread out (a warning says so).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer.
    duration_col, event_col : str
        Time to churn or censoring and the churn flag.
    horizon : float
        The fixed horizon, in the unit of ``duration_col`` (e.g. 90 days).
    followup_col : str, optional
        Potential follow-up time of every customer (e.g. days from start date to the data
        end date); customers with less than ``horizon`` are left out.
    covariates : str or iterable of str
        Numeric, bool or categorical columns.
    n_bins : int
        Risk bins (quantiles of predicted probability) of the calibration table.
    alpha : float
        1 − confidence level of the intervals.

    Returns
    -------
    ChurnModelResult
        Odds ratios in ``.table``; ``.calibration``; discrimination and calibration
        statistics in ``.info``; ``.predict(new_table)``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cjlib.stats import churn_model
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 4000)
    >>> t = rng.exponential(np.where(x == 1, 100, 300))
    >>> df = pd.DataFrame({"days": np.minimum(t, 365), "churned": t < 365, "called": x})
    >>> res = churn_model(df, duration_col="days", event_col="churned", horizon=90,
    ...                   covariates=["called"])
    >>> res.info["auc"] > 0.6
    True
    """
    duration, event = survival_inputs(table, duration_col, event_col)
    names = as_names(covariates, "covariates")
    if not names:
        raise DataError("covariates is empty: name at least one covariate column")
    require_columns(table, {"covariates": names}, "table")
    if not isinstance(horizon, int | float) or horizon <= 0:
        raise DataError(f"horizon must be a positive number, got {horizon!r}")
    check_probability(alpha, "alpha")
    if not isinstance(n_bins, int) or n_bins < 2:
        raise DataError(f"n_bins must be an integer >= 2, got {n_bins!r}")
    X = design_matrix(table, names, "covariates")
    churned = (event == 1) & (duration <= horizon)
    complete = ~X.isna().any(axis=1).to_numpy()
    notes = []
    if followup_col is not None:
        require_columns(table, {"followup_col": [followup_col]}, "table")
        followup = numeric_values(table[followup_col], "followup_col")
        if (followup < duration - 1e-9).any():
            raise DataError(
                f"followup_col {followup_col!r} is shorter than {duration_col!r} "
                "for some customers; follow-up must cover the observed duration"
            )
        known = followup >= horizon
        if (~known).any():
            notes.append(
                f"{int((~known).sum())} customers followed for less than the horizon left out"
            )
    else:
        known = churned | (duration >= horizon)
        if (~known).any():
            notes.append(
                f"{int((~known).sum())} customers censored before the horizon left "
                "out (outcome unknown); this over-represents early churners unless "
                "censoring is rare, give followup_col to select exactly"
            )
    if (known & ~complete).any():
        notes.append(f"{int((known & ~complete).sum())} rows with missing covariates left out")
    keep = known & complete
    y = churned[keep].astype(float)
    if y.sum() == 0 or y.sum() == len(y):
        raise DataError(
            f"within horizon {horizon!r} every kept customer has the same outcome "
            f"({int(y.sum())} churners of {len(y)}); nothing to model"
        )
    X = X[keep].reset_index(drop=True)
    result, problems = fit_logit(y, X, "churn model")
    notes += problems
    if result is None:
        raise DataError(f"the churn model could not be fitted: {'; '.join(problems)}")
    z = stats.norm.ppf(1 - alpha / 2)
    coef, se = np.asarray(result.params), np.asarray(result.bse)
    terms = ["const", *X.columns]
    out = pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "odds_ratio": np.exp(coef),
            "ci_low": np.exp(coef - z * se),
            "ci_high": np.exp(coef + z * se),
            "p": np.asarray(result.pvalues),
        },
        index=pd.Index(terms, name="term"),
    )

    prob = np.asarray(result.predict())
    bins = pd.qcut(prob, q=n_bins, duplicates="drop", labels=False)
    frame = pd.DataFrame({"bin": bins, "p": prob, "y": y})
    cal = frame.groupby("bin").agg(
        customers=("y", "size"),
        predicted=("p", "mean"),
        observed=("y", "mean"),
        events=("y", "sum"),
    )
    from cjlib.stats._intervals import wilson_ci

    ci = [wilson_ci(e, n, alpha) for e, n in zip(cal["events"], cal["customers"], strict=True)]
    cal["observed_ci_low"] = [c[0] for c in ci]
    cal["observed_ci_high"] = [c[1] for c in ci]
    expected = cal["predicted"] * cal["customers"]
    hl = float((((cal["events"] - expected) ** 2) / (expected * (1 - cal["predicted"]))).sum())
    hl_df = max(len(cal) - 2, 1)
    logit_p = special.logit(np.clip(prob, 1e-12, 1 - 1e-12))
    import statsmodels.api as sm

    slope_fit = sm.Logit(y, sm.add_constant(logit_p)).fit(disp=0)
    intercept_fit = sm.GLM(
        y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit_p
    ).fit()
    auc = float(
        stats.mannwhitneyu(prob[y == 1], prob[y == 0]).statistic / (y.sum() * (len(y) - y.sum()))
    )
    info = {
        "horizon": float(horizon),
        "n": int(keep.sum()),
        "churners": int(y.sum()),
        "auc": auc,
        "brier": float(np.mean((prob - y) ** 2)),
        "calibration_intercept": float(intercept_fit.params[0]),
        "calibration_slope": float(slope_fit.params[1]),
        "hosmer_lemeshow": hl,
        "hosmer_lemeshow_p": float(stats.chi2.sf(hl, hl_df)),
    }
    return ChurnModelResult(
        out,
        calibration=cal.drop(columns="events"),
        columns=terms,
        covariates=names,
        horizon=float(horizon),
        title=f"Churn within {horizon:g} ({duration_col}): logistic model",
        warnings=notes,
        info=info,
    )
