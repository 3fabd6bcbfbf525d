"""cjlib.stats against the fastest peer on the same data, interleaved, results checked equal.

Each case runs cjlib and its peer alternately (``--repeats`` times each, after one warm-up
of both), prints the median seconds and the ratio cjlib / peer, and asserts the two gave
the same numbers. Peers are benchmark-only dependencies: lifelines (Cox, Kaplan–Meier,
log-rank), lifetimes (BG/NBD, Gamma-Gamma), statsmodels (the logistic loop behind a plain
``link``) and a vectorised pandas baseline for Markov attribution.

Run: .venv/bin/python benchmarks/stats_speed.py [--scale 1.0] [--repeats 3] [--only cox,km]
(``pip install lifetimes`` for the CLV cases; they are skipped without it).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Case:
    name: str
    ours: Callable[[], object]
    peer_name: str
    peer: Callable[[], object]
    check: Callable[[object, object], float]  # largest difference between the results


def _survival_table(n: int, rng: np.random.Generator) -> pd.DataFrame:
    df = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(4)})
    df["app"] = rng.integers(0, 2, n)
    df["plan"] = rng.choice(["basic", "standard", "premium"], n)
    rate = 0.002 * np.exp(0.3 * df.x0 - 0.2 * df.app)
    life = rng.exponential(1 / rate)
    follow = rng.uniform(30, 540, n)
    df["days"] = np.ceil(np.minimum(life, follow))  # whole days, as tenure usually is
    df["churned"] = life <= follow
    return df


def cox_cases(scale: float, rng: np.random.Generator) -> list[Case]:
    from lifelines import CoxPHFitter

    from cjlib.stats import cox

    df = _survival_table(int(200_000 * scale), rng)
    covs = ["x0", "x1", "x2", "x3", "app"]
    frame = df[[*covs, "days", "churned"]]

    def diff(ours, peer) -> float:
        coef = np.abs(ours.table["coef"].to_numpy() - peer.params_[covs].to_numpy()).max()
        se = np.abs(ours.table["se"].to_numpy() / peer.standard_errors_[covs].to_numpy() - 1)
        return float(max(coef, se.max()))

    def ours_with_c():
        res = cox(df, duration_col="days", event_col="churned", covariates=covs)
        res.concordance  # noqa: B018 - force the lazy statistic
        return res

    def peer_with_c():
        fit = CoxPHFitter().fit(frame, "days", "churned")
        fit.concordance_index_  # noqa: B018 - same statistic on the lifelines side
        return fit

    return [
        Case(
            f"cox {len(df):,} x {len(covs)} (Efron), fit",
            lambda: cox(df, duration_col="days", event_col="churned", covariates=covs),
            "lifelines CoxPHFitter.fit",
            lambda: CoxPHFitter().fit(frame, "days", "churned"),
            diff,
        ),
        Case(
            f"cox {len(df):,} x {len(covs)} (Efron), fit + concordance",
            ours_with_c,
            "lifelines fit + concordance_index_",
            peer_with_c,
            lambda a, b: max(diff(a, b), abs(a.concordance - b.concordance_index_)),
        ),
    ]


def km_cases(scale: float, rng: np.random.Generator) -> list[Case]:
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    from cjlib.stats import survival

    df = _survival_table(int(1_000_000 * scale), rng)

    def peer():
        curves = {
            plan: KaplanMeierFitter().fit(part.days, part.churned)
            for plan, part in df.groupby("plan")
        }
        test = multivariate_logrank_test(df.days, df.plan, df.churned)
        return curves, test

    def diff(ours, peer_out) -> float:
        curves, test = peer_out
        worst = abs(ours.logrank["statistic"] / test.test_statistic - 1)
        for plan, fit in curves.items():
            mine = ours.table[ours.table.group == plan].set_index("time")["survival"]
            theirs = fit.survival_function_.iloc[:, 0].reindex(mine.index)
            worst = max(worst, float(np.abs(mine - theirs).max()))
        return worst

    return [
        Case(
            f"Kaplan–Meier + log-rank, {len(df):,} rows, 3 groups",
            lambda: survival(df, duration_col="days", event_col="churned", group_col="plan"),
            "lifelines KM per group + multivariate_logrank_test",
            peer,
            diff,
        )
    ]


def _pandas_markov(table: pd.DataFrame) -> pd.Series:
    """Vectorised pandas baseline: explode the paths, count transitions, solve per channel."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    weight = table["conversions"] + table["nulls"]
    steps = table["path"].str.split(">").explode().str.strip()
    steps = steps[steps.ne("") & steps.notna()]
    frame = pd.DataFrame({"row": steps.index, "to": steps.to_numpy()})
    frame = frame[weight.to_numpy()[frame.row] > 0]
    frame["from"] = frame.groupby("row")["to"].shift(fill_value="(start)")
    frame["w"] = weight.to_numpy()[frame.row]
    states = pd.Index(["(start)", *sorted(frame.to.unique())])
    last = frame.groupby("row")["to"].last()
    absorb = (
        pd.DataFrame(
            {
                "state": last.to_numpy(),
                "c": table.conversions[last.index],
                "n": table.nulls[last.index],
            }
        )
        .groupby("state")[["c", "n"]]
        .sum()
    )
    flows = frame.groupby(["from", "to"])["w"].sum()
    out = flows.groupby(level=0).sum().reindex(states, fill_value=0)
    out = out + absorb.sum(axis=1).reindex(states, fill_value=0)
    rows = states.get_indexer(flows.index.get_level_values(0))
    cols = states.get_indexer(flows.index.get_level_values(1))
    q = sparse.csr_matrix(
        (flows.to_numpy() / out.to_numpy()[rows], (rows, cols)), (len(states),) * 2
    )
    r = (absorb["c"].reindex(states, fill_value=0) / out).to_numpy()
    eye = sparse.identity(len(states), format="csc")
    p_all = spsolve((eye - q).tocsc(), r)[0]
    effects = {}
    for i, state in enumerate(states[1:], start=1):
        keep = np.ones(len(states))
        keep[i] = 0
        p = spsolve((eye - sparse.diags(keep) @ q).tocsc(), r * keep)[0]
        effects[state] = 1 - p / p_all
    return pd.Series(effects)


def markov_cases(scale: float, rng: np.random.Generator) -> list[Case]:
    from cjlib.stats import markov_attribution

    n = int(1_000_000 * scale)
    channels = np.array(["ad", "search", "email", "web", "store", "app", "call", "chat"])
    lengths = rng.integers(1, 7, n)
    tokens = channels[rng.integers(0, len(channels), lengths.sum())]
    rows = np.repeat(np.arange(n), lengths)
    paths = pd.Series(tokens).groupby(rows).agg(">".join).to_numpy()
    table = pd.DataFrame(
        {"path": paths, "conversions": rng.poisson(0.3, n), "nulls": rng.poisson(1.5, n)}
    )

    def diff(ours, peer) -> float:
        mine = ours.table["removal_effect"]
        return float(np.abs(mine - peer[mine.index]).max())

    return [
        Case(
            f"markov order 1, {n:,} paths",
            lambda: markov_attribution(table),
            "pandas explode/groupby baseline",
            lambda: _pandas_markov(table),
            diff,
        )
    ]


def link_cases(scale: float, rng: np.random.Generator) -> list[Case]:
    import statsmodels.api as sm
    from scipy import stats

    from cjlib.stats import link

    n = int(200_000 * scale)
    signals = {f"signal_{i:02d}": rng.poisson(0.3 + 0.05 * i, n) for i in range(20)}
    customers = pd.DataFrame(signals).assign(
        plan=rng.choice(["basic", "standard", "premium"], n), age=rng.integers(18, 80, n)
    )
    customers["churned"] = rng.random(n) < 0.15 + 0.1 * (customers.signal_00 > 0)
    names = list(signals)
    dummies = pd.get_dummies(customers.plan, drop_first=True, dtype=float)

    def peer():
        out = {}
        y = customers.churned.to_numpy(float)
        for name in names:
            exposed = customers[name].to_numpy() > 0
            table = pd.crosstab(exposed, customers.churned)
            stats.chi2_contingency(table)
            X = sm.add_constant(
                pd.concat([customers[name].gt(0).astype(float), dummies, customers.age], axis=1)
            )
            out[name] = sm.Logit(y, X).fit(disp=0).params.iloc[1]
        return pd.Series(out)

    def diff(ours, peer_out) -> float:
        return float(np.abs(np.log(ours.table["or_adj"][peer_out.index]) - peer_out).max())

    return [
        Case(
            f"link binary, {n:,} customers x {len(names)} signals, 2 controls",
            lambda: link(customers, outcome="churned", signals=names, controls=["plan", "age"]),
            "chi-square + statsmodels Logit loop",
            peer,
            diff,
        )
    ]


def _bgnbd_summary(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Weekly (x, t_x, T, m) of customers drawn from BG/NBD and gamma-gamma processes."""
    lam, p = rng.gamma(0.25, 1 / 4.4, n), rng.beta(0.8, 2.4, n)
    big_t = rng.integers(7, 540, n) / 7  # customers joined on different days
    now, x, t_x = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        now[active] += rng.exponential(1 / lam[active])
        active &= now <= big_t
        x[active] += 1
        t_x[active] = now[active]
        active &= rng.random(n) >= p
    nu = rng.gamma(3.7, 1 / 15.4, n)
    spend = np.where(x > 0, rng.gamma(6.25 * np.maximum(x, 1), 1 / nu) / np.maximum(x, 1), 0.0)
    return pd.DataFrame(
        {
            "frequency": x,
            "recency": np.minimum(np.ceil(t_x * 7) / 7, big_t),
            "T": big_t,
            "monetary_value": spend,
        }
    )


def clv_cases(scale: float, rng: np.random.Generator) -> list[Case]:
    try:
        from lifetimes import BetaGeoFitter, GammaGammaFitter
    except ImportError:
        print("lifetimes not installed: CLV cases skipped (pip install lifetimes)")
        return []
    from cjlib.stats import BetaGeoModel, GammaGammaModel

    summary = _bgnbd_summary(int(1_000_000 * scale), rng)
    buyers = summary[summary.frequency > 0]

    def bg_diff(ours, peer) -> float:
        mine = pd.Series(ours.params_)[["r", "alpha", "a", "b"]].to_numpy()
        return float(np.abs(mine / peer.params_[["r", "alpha", "a", "b"]].to_numpy() - 1).max())

    def gg_diff(ours, peer) -> float:
        mine = pd.Series(ours.params_)[["p", "q", "gamma"]].to_numpy()  # lifetimes: v
        return float(np.abs(mine / peer.params_[["p", "q", "v"]].to_numpy() - 1).max())

    return [
        Case(
            f"BG/NBD fit, {len(summary):,} customers",
            lambda: BetaGeoModel().fit(summary),
            "lifetimes BetaGeoFitter",
            lambda: BetaGeoFitter().fit(summary.frequency, summary.recency, summary["T"]),
            bg_diff,
        ),
        Case(
            f"Gamma-Gamma fit, {len(buyers):,} repeat buyers",
            lambda: GammaGammaModel().fit(summary),
            "lifetimes GammaGammaFitter",
            lambda: GammaGammaFitter().fit(buyers.frequency, buyers.monetary_value),
            gg_diff,
        ),
    ]


GROUPS = {"cox": cox_cases, "km": km_cases, "markov": markov_cases, "link": link_cases}
GROUPS["clv"] = clv_cases


def run(case: Case, repeats: int) -> dict:
    ours_out, peer_out = case.ours(), case.peer()  # warm-up (imports, caches)
    times: dict[str, list[float]] = {"ours": [], "peer": []}
    for _ in range(repeats):
        for side, fn in (("ours", case.ours), ("peer", case.peer)):
            start = time.perf_counter()
            out = fn()
            times[side].append(time.perf_counter() - start)
            ours_out, peer_out = (out, peer_out) if side == "ours" else (ours_out, out)
    ours_s, peer_s = statistics.median(times["ours"]), statistics.median(times["peer"])
    return {
        "case": case.name,
        "cjlib s": round(ours_s, 3),
        "peer": case.peer_name,
        "peer s": round(peer_s, 3),
        "ratio": round(ours_s / peer_s, 2),
        "max diff": f"{case.check(ours_out, peer_out):.1e}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for group in args.only.split(","):
        for case in GROUPS[group](args.scale, rng):
            rows.append(run(case, args.repeats))
            print(pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1))
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
