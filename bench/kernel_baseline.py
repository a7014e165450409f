"""Baseline for bench/kernel.ts: execute round trip of `pass` through Debian's jupyter_client.

Usage: /usr/bin/python3 bench/kernel_baseline.py ITERATIONS WARMUP
Prints one JSON line: {"name": ..., "round_trip_ms": [...], "idle_ms": [...]}, where a round
trip is request sent -> both the execute_reply and the request's idle status received, as
ZmqKernel.execute() resolves, and idle is request sent -> idle status received.
"""
import json
import sys
import time

import jupyter_client
from jupyter_client.manager import KernelManager


def measure(kc, iterations):
    round_trips, idles = [], []
    for _ in range(iterations):
        t0 = time.perf_counter()
        msg_id = kc.execute("pass")
        got_reply = got_idle = False
        t_idle = None
        while not got_idle:
            msg = kc.get_iopub_msg(timeout=10)
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                got_idle = True
                t_idle = time.perf_counter()
        while not got_reply:
            reply = kc.get_shell_msg(timeout=10)
            got_reply = reply["parent_header"].get("msg_id") == msg_id
        t1 = time.perf_counter()
        round_trips.append((t1 - t0) * 1000)
        idles.append((t_idle - t0) * 1000)
    return round_trips, idles


def main():
    iterations, warmup = int(sys.argv[1]), int(sys.argv[2])
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    kc = km.blocking_client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        measure(kc, warmup)
        round_trips, idles = measure(kc, iterations)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(
        json.dumps(
            {
                "name": f"jupyter_client {jupyter_client.__version__} BlockingKernelClient",
                "round_trip_ms": round_trips,
                "idle_ms": idles,
            }
        )
    )


if __name__ == "__main__":
    main()
