"""Newton–Raphson for the Cox partial likelihood (Efron or Breslow ties), vectorised.

Subjects are sorted once per stratum by descending time; every Newton step is then a few
cumulative sums over the distinct times. Efron's correction for ``d`` tied events at one
time uses the terms ``R - (l/d) D`` for ``l = 0..d-1`` (risk-set sum ``R``, sum over the
tied events ``D``); their sums over ``l`` are expanded into per-time scalars so the
Hessian is one ``einsum`` over distinct times, not a loop over events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CoxFit", "fit_cox"]


@dataclass(frozen=True)
class CoxFit:
    """Coefficients, their covariance, the log partial likelihood and risk-set means.

    ``schoenfeld`` holds ``x_i - E[x | risk set at t_i]`` for every event row (in input
    order, ``event_rows`` says which), with risk-set means weighted by ``exp(x b)``.
    """

    params: np.ndarray
    cov: np.ndarray
    log_likelihood: float
    converged: bool
    schoenfeld: np.ndarray
    event_rows: np.ndarray


class _Stratum:
    """One stratum sorted by descending time, with per-distinct-time index arrays.

    Everything that does not depend on the coefficients (order, tie structure, the
    Efron fractions ``l/d``) is computed once here; ``terms`` is then linear passes.
    """

    def __init__(
        self,
        rows: np.ndarray,
        X: np.ndarray,
        duration: np.ndarray,
        event: np.ndarray,
        efron: bool,
    ):
        from scipy import sparse

        order = rows[np.argsort(-duration[rows], kind="stable")]
        self.rows = order
        self.X = X[order]
        t = duration[order]
        self.event = event[order]
        new_time = np.r_[True, t[1:] != t[:-1]]
        self.block = np.cumsum(new_time) - 1  # distinct-time index of each row
        self.block_end = np.r_[np.flatnonzero(new_time)[1:], len(t)] - 1
        self.n_blocks = len(self.block_end)
        deaths = np.bincount(self.block, weights=self.event, minlength=self.n_blocks)
        self.death_blocks = np.flatnonzero(deaths > 0)
        self.deaths = deaths[self.death_blocks]
        self.X_event = self.X[self.event]
        slot = np.full(self.n_blocks, -1, dtype=np.int64)
        slot[self.death_blocks] = np.arange(len(self.death_blocks))
        self.event_slot = slot[self.block[self.event]]  # which death time each event has
        k, n_ev = len(self.death_blocks), len(self.X_event)
        self.gather = sparse.csr_matrix(
            (np.ones(n_ev), (self.event_slot, np.arange(n_ev))), shape=(k, n_ev)
        )
        self.event_x_sum = self.X_event.sum(axis=0)
        self.efron = efron
        if efron:  # one term per event: l = 0..d-1 at each death time
            self.pair_slot = np.repeat(np.arange(k), self.deaths.astype(np.int64))
            first = np.cumsum(self.deaths) - self.deaths
            self.frac = (np.arange(len(self.pair_slot)) - first[self.pair_slot]) / self.deaths[
                self.pair_slot
            ]
        else:  # Breslow: one term per death time, counted d times
            self.pair_slot = np.arange(k)
            self.frac = np.zeros(k)

    def terms(self, beta: np.ndarray):
        """Log partial likelihood, gradient and Hessian at ``beta``."""
        X, ev = self.X, self.event
        eta = X @ beta
        shift = eta.max() if len(eta) else 0.0
        w = np.exp(eta - shift)  # common factor cancels in every ratio below
        wx = X * w[:, None]
        j = self.death_blocks
        r0 = np.cumsum(w)[self.block_end][j]
        r1 = np.cumsum(wx, axis=0)[self.block_end][j]
        w_ev = w[ev]
        dw0 = self.gather @ w_ev
        dw1 = self.gather @ (self.X_event * w_ev[:, None])
        slot, frac, k = self.pair_slot, self.frac, len(j)
        den = r0[slot] - frac * dw0[slot]
        mult = np.ones(k) if self.efron else self.deaths

        def per_time(values: np.ndarray) -> np.ndarray:
            return np.bincount(slot, weights=values, minlength=k) * mult

        log_den = np.log(den) + shift
        loglik = float(eta[ev].sum() - per_time(log_den).sum())
        inv = 1.0 / den
        a, b = per_time(inv), per_time(frac * inv)
        grad = self.event_x_sum - (r1 * a[:, None] - dw1 * b[:, None]).sum(axis=0)
        c, e, g = per_time(inv * inv), per_time(frac * inv * inv), per_time(frac**2 * inv**2)
        # sum_k a_k R2_k = X' diag(w * A) X, A = sum of a over the risk sets holding each row
        a_full = np.zeros(self.n_blocks)
        a_full[j] = a
        in_risk = np.cumsum(a_full[::-1])[::-1][self.block]
        hess = -(X * (w * in_risk)[:, None]).T @ X
        if self.efron:
            xe = self.X_event
            hess += (xe * (w_ev * b[self.event_slot])[:, None]).T @ xe
        hess += (r1 * c[:, None]).T @ r1
        cross = (r1 * e[:, None]).T @ dw1
        hess -= cross + cross.T
        hess += (dw1 * g[:, None]).T @ dw1
        return loglik, grad, hess

    def schoenfeld(self, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        eta = self.X @ beta
        w = np.exp(eta - (eta.max() if len(eta) else 0.0))
        r0 = np.cumsum(w)[self.block_end]
        r1 = np.cumsum(self.X * w[:, None], axis=0)[self.block_end]
        mean = r1 / r0[:, None]
        ev = self.event
        return self.rows[ev], self.X[ev] - mean[self.block[ev]]


def fit_cox(
    X: np.ndarray,
    duration: np.ndarray,
    event: np.ndarray,
    *,
    strata: np.ndarray | None = None,
    ties: str = "efron",
    max_iter: int = 50,
    tol: float = 1e-10,
) -> CoxFit:
    """Maximise the Cox partial likelihood; columns of ``X`` are centred and scaled inside.

    Converged when the Newton step changes no (scaled) coefficient by more than ``tol``
    and the log-likelihood by less than ``tol`` relative; steps that lower the
    likelihood are halved.
    """
    X = np.asarray(X, dtype=float)
    event = np.asarray(event, dtype=bool)
    centre = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - centre) / scale
    codes = np.zeros(len(X), dtype=np.int64) if strata is None else strata
    efron = ties == "efron"
    strata_parts = [
        _Stratum(np.flatnonzero(codes == k), Z, duration, event, efron) for k in np.unique(codes)
    ]

    def total(beta: np.ndarray):
        ll, grad, hess = 0.0, np.zeros(Z.shape[1]), np.zeros((Z.shape[1],) * 2)
        for part in strata_parts:
            a, b, c = part.terms(beta)
            ll, grad, hess = ll + a, grad + b, hess + c
        return ll, grad, hess

    beta = np.zeros(Z.shape[1])
    ll, grad, hess = total(beta)
    converged = False
    for _ in range(max_iter):
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            break
        size = 1.0
        while True:  # halve steps that lower the likelihood
            candidate = beta + size * step
            new = total(candidate)
            if (np.isfinite(new[0]) and new[0] >= ll - 1e-12 * abs(ll)) or size < 1e-6:
                break
            size /= 2
        change = abs(new[0] - ll)
        beta, (ll, grad, hess) = candidate, new
        small = np.max(np.abs(size * step)) < tol or change <= tol * max(abs(ll), 1.0)
        if small and np.max(np.abs(grad)) < 1e-6 * max(1.0, abs(ll)):
            converged = True
            break
    cov_scaled = np.linalg.pinv(-hess)
    params = beta / scale
    cov = cov_scaled / np.outer(scale, scale)
    rows, resid = [], []
    for part in strata_parts:
        r, res = part.schoenfeld(beta)
        rows.append(r)
        resid.append(res * scale)
    event_rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    schoenfeld = np.concatenate(resid) if resid else np.zeros((0, X.shape[1]))
    order = np.argsort(event_rows, kind="stable")
    # log-likelihood does not depend on centring: X b and Z beta differ by a constant that
    # cancels between the event terms and the risk-set terms
    return CoxFit(params, cov, ll, converged, schoenfeld[order], event_rows[order])
