#!/usr/bin/env python3
"""Write the benchmark exposition (byte-identical to benches/common/gen.rs) to a file.

usage: gen_exposition.py OUT [MIN_BYTES]   (default 10 MiB)
"""
import sys

MASK = (1 << 64) - 1


class Lcg:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state >> 33


METHODS = ["GET", "POST", "PUT", "DELETE"]
CODES = ["200", "404", "500"]
HANDLERS = ["/api/v1/items/{id}", "/api/v1/users", "/healthz", "/metrics"]
BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]


def generate(min_bytes):
    out = []
    size = 0
    rng = Lcg(42)
    app = 0

    def w(line):
        nonlocal size
        out.append(line)
        out.append("\n")
        size += len(line.encode()) + 1

    while size < min_bytes:
        instance = f"10.0.{app % 256}.{(app * 7) % 256}:9100"
        p = f"app{app}"
        w(f"# HELP {p}_http_requests_total Total HTTP requests, by method, code and handler.")
        w(f"# TYPE {p}_http_requests_total counter")
        for method in METHODS:
            for code in CODES:
                for handler in HANDLERS:
                    w(f'{p}_http_requests_total{{method="{method}",code="{code}",handler="{handler}",'
                      f'instance="{instance}",job="web"}} {rng.next() % 1_000_000_000}')
        w(f"# HELP {p}_http_request_duration_seconds Request latency in seconds.")
        w(f"# TYPE {p}_http_request_duration_seconds histogram")
        for method in METHODS[:2]:
            for handler in HANDLERS:
                cumulative = 0
                for le in BUCKETS:
                    cumulative += rng.next() % 1000
                    w(f'{p}_http_request_duration_seconds_bucket{{method="{method}",handler="{handler}",'
                      f'instance="{instance}",le="{le}"}} {cumulative}')
                labels = f'method="{method}",handler="{handler}",instance="{instance}"'
                a = rng.next() % 100_000
                b = rng.next() % 1_000_000
                w(f"{p}_http_request_duration_seconds_sum{{{labels}}} {a}.{b:06}")
                w(f"{p}_http_request_duration_seconds_count{{{labels}}} {cumulative}")
        w(f"# HELP {p}_file_size_bytes Size of data files (paths are \\\\ escaped).")
        w(f"# TYPE {p}_file_size_bytes gauge")
        for k in range(3):
            w(f'{p}_file_size_bytes{{path="C:\\\\Program Files\\\\app{app}\\\\data{k}.db",'
              f'note="said \\"hi\\"\\nthen left"}} {rng.next() % 10_000}e+06')
        w(f"# HELP {p}_temperature_celsius Sensor temperature.")
        w(f"# TYPE {p}_temperature_celsius gauge")
        for sensor in range(8):
            a = rng.next() % 90
            b = rng.next() % 100
            ts = 1_700_000_000_000 + rng.next() % 1_000_000
            w(f'{p}_temperature_celsius{{sensor="s{sensor}",rack="r{sensor % 3}"}} {a}.{b:02} {ts}')
        w(f"# HELP {p}_rpc_duration_seconds RPC latency summary.")
        w(f"# TYPE {p}_rpc_duration_seconds summary")
        for service in range(3):
            for q in ["0.5", "0.9", "0.99"]:
                w(f'{p}_rpc_duration_seconds{{service="svc{service}",quantile="{q}"}} 0.{rng.next() % 10_000:04}')
            w(f'{p}_rpc_duration_seconds_sum{{service="svc{service}"}} {rng.next() % 100_000}')
            w(f'{p}_rpc_duration_seconds_count{{service="svc{service}"}} {rng.next() % 1_000_000}')
        w(f"{p}_up 1")
        app += 1
    return "".join(out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    min_bytes = int(sys.argv[2]) if len(sys.argv) > 2 else 10 * 1024 * 1024
    with open(sys.argv[1], "w", newline="\n") as f:
        f.write(generate(min_bytes))
