"""Repeat purchases from the BG/NBD process and their amounts from the gamma-gamma model.

BG/NBD (Fader, Hardie & Lee 2005): while active, a customer buys as a Poisson process with rate
``lambda ~ Gamma(shape=r, rate=alpha)``; after each repeat purchase they become inactive with
probability ``p ~ Beta(a, b)``. The purchase at time 0 (the first order / contract) is not a
repeat purchase. Gamma-gamma (Fader, Hardie & Lee 2005b; Colombo & Jiang 1999): each amount is
``Gamma(shape=p, rate=nu)`` with ``nu ~ Gamma(shape=q, rate=gamma)`` per customer.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["repeat_purchases"]


def repeat_purchases(
    rng: np.random.Generator,
    duration: np.ndarray,
    bgnbd: Mapping[str, float],
    gamma_gamma: Mapping[str, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Simulate repeat purchases in ``[0, duration]`` days per customer.

    Returns ``(customer, offset_days, amount, first_amount)``: one row per repeat purchase, and
    the amount of each customer's initial (time 0) purchase.
    """
    n = duration.size
    lam = rng.gamma(bgnbd["r"], 1.0 / bgnbd["alpha"], n)
    p_drop = rng.beta(bgnbd["a"], bgnbd["b"], n)
    nu = rng.gamma(gamma_gamma["q"], 1.0 / gamma_gamma["gamma"], n)
    # the number of repeat purchases made before dropping out (dropout follows a purchase)
    alive_purchases = rng.geometric(p_drop)
    n_poisson = rng.poisson(lam * np.maximum(duration, 0.0))
    count = np.minimum(n_poisson, alive_purchases)
    customer = np.repeat(np.arange(n), count)
    # the first `count` of the n_poisson sorted uniform arrival times on [0, duration]
    total = int(n_poisson.sum())
    owner = np.repeat(np.arange(n), n_poisson)
    times = rng.random(total) * np.repeat(duration, n_poisson)
    order = np.lexsort((times, owner))
    times = times[order]
    starts = np.concatenate([[0], np.cumsum(n_poisson)[:-1]])
    rank = np.arange(total) - np.repeat(starts, n_poisson)
    keep = rank < np.repeat(count, n_poisson)
    offsets = times[keep]
    amounts = rng.gamma(gamma_gamma["p"], 1.0 / nu[customer])
    first = rng.gamma(gamma_gamma["p"], 1.0 / nu)
    return customer, offsets, np.round(amounts, 2), np.round(first, 2)
