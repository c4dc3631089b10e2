#!/usr/bin/env python3
"""The floor: read every CSV of a dataset with polars, all columns as strings, and nothing
else. No analysis can be faster than reading its input, so fundflow's time is shown as a
multiple of this.

    polars_floor.py DATASET   # prints {"seconds": ..., "rows": {...}} on stdout

Timed inside the process, around the reads only: Python's start-up and `import polars`
(which fundflow does not pay) are left out, so the floor is as low as polars can make it.
"""

import json
import sys
import time
from pathlib import Path

import polars as pl

dataset = Path(sys.argv[1])
start = time.perf_counter()
rows = {}
for path in sorted(dataset.glob("*.csv")):
    frame = pl.read_csv(path, infer_schema=False)
    rows[path.name] = frame.height
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows, "threads": pl.thread_pool_size()}))
