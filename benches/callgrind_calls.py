#!/usr/bin/env python3
"""Instructions per call of a function in a callgrind profile.

With `--toggle-collect='criterion::bencher::Bencher*::iter*'` only the benchmarked routine is
counted, but criterion's `--profile-time` decides how many iterations run; this divides the
total by the number of calls to FUNCTION (a substring of the symbol, e.g. `conftop::ui::draw`
or `conftop::app::update`), so runs can be compared by instruction count, which does not
depend on the load of a shared machine.

Usage: python3 benches/callgrind_calls.py callgrind.out FUNCTION
"""

import re
import sys


def main():
    path, needle = sys.argv[1], sys.argv[2]
    names = {}
    pending = None
    calls = 0
    total = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
                continue
            m = re.match(r"^(fn|cfn)=\((\d+)\)(?: (.*))?$", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    names[ident] = name
                pending = ident if kind == "cfn" else None
                continue
            m = re.match(r"^calls=(\d+)", line)
            if m and pending is not None:
                name = names.get(pending, "")
                # Count each call site once: calls into the function itself, not into helpers
                # whose names merely contain it.
                if name == needle or name.startswith(needle + " ") or name.endswith(needle):
                    calls += int(m.group(1))
                pending = None
    if not calls:
        sys.exit(f"no calls to {needle!r} recorded")
    print(f"{path}: {total:,} instructions, {calls} calls to {needle}: {total / calls:,.0f} per call")


if __name__ == "__main__":
    main()
