#!/usr/bin/env python3
"""Medians and spread of the latest criterion run, from target/criterion/*/new/.

criterion's console line shows the mean and its confidence interval; this prints, per
benchmark, the median time per iteration with its median absolute deviation (criterion's own
estimates), and the fastest and slowest of the samples (each sample is the mean of its
iterations), so that noise on a shared machine is visible.

Usage: python3 benches/criterion_summary.py [FILTER] [--dir target/criterion]
"""

import json
import os
import sys


def fmt(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.3f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.3f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def main():
    args = [a for a in sys.argv[1:]]
    root = "target/criterion"
    if "--dir" in args:
        i = args.index("--dir")
        root = args[i + 1]
        del args[i : i + 2]
    needle = args[0] if args else ""
    rows = []
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            bid = json.load(f)["full_id"]
        if needle not in bid:
            continue
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        with open(os.path.join(dirpath, "sample.json")) as f:
            sample = json.load(f)
        per = sorted(t / n for t, n in zip(sample["times"], sample["iters"]))
        rows.append(
            (
                bid,
                est["median"]["point_estimate"],
                est["median_abs_dev"]["point_estimate"],
                per[0],
                per[-1],
                len(per),
                int(sum(sample["iters"])),
            )
        )
    rows.sort()
    print("| benchmark | median | MAD | fastest sample | slowest sample | samples | iterations |")
    print("|---|---|---|---|---|---|---|")
    for bid, med, mad, lo, hi, n, iters in rows:
        print(
            f"| {bid} | {fmt(med)} | ±{fmt(mad)} ({100 * mad / med:.0f}%) | {fmt(lo)} "
            f"| {fmt(hi)} | {n} | {iters} |"
        )


if __name__ == "__main__":
    main()
