#!/usr/bin/env python3
"""Write a history of N samples (JSON Lines, seed field names), seeded so runs compare alike.

usage: make_history.py PATH N
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
start = datetime.now(timezone.utc) - timedelta(seconds=10 * n)
with open(path, "w") as f:
    for i in range(n):
        t = (start + timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        f.write(json.dumps({
            "timestamp": t, "cpu_percent": round(rng.uniform(40, 95), 1),
            "memory_percent": round(rng.uniform(40, 90), 1),
            "requests_per_second": round(rng.uniform(20, 200), 1),
            "cache_hit_rate": round(rng.uniform(60, 99), 1), "error_rate": round(rng.uniform(0, 6), 2),
            "response_time_ms": round(rng.uniform(80, 1200), 1), "active_connections": rng.randint(5, 80),
            "instance": "bench"}) + "\n")
