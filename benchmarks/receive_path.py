"""The kernel's receive path alone: browser->kernel frames through the real widget, no browser.

Frames go in through the comm's handle_msg, as ipykernel hands them over, and come out at an
on_receive handler that only collects them, so the figure is the tunnel's own cost per entry
(reading the frame, putting it in order, acknowledging, delivering). Prints the best of several
runs per shape; `--profile` prints cProfile's top functions for one shape instead. Compare two
trees by running it with PYTHONPATH pointing at the other tree's package.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import comm  # noqa: E402
from fake_clock import FakeClock  # noqa: E402
from recording_comm import RecordingComm, comm_of  # noqa: E402

import ipycallback  # noqa: E402
from ipycallback import SlowTunnelWidget  # noqa: E402
from ipycallback.tunnel.pacing import TokenBucket  # noqa: E402

SHAPES = {"100x100": (100, 100), "10000x1": (10_000, 1), "10x1000": (10, 1000)}


def prepared(frames: int, per_frame: int) -> tuple[SlowTunnelWidget, Callable[[], None]]:
    """A fresh tunnel with a collecting handler, and a function that feeds it one burst."""
    clock = FakeClock()
    SlowTunnelWidget._clock = clock
    SlowTunnelWidget._budget = TokenBucket(1e9, 1e9, clock.now)
    widget = SlowTunnelWidget()
    got: list[tuple[int, str]] = []
    widget.on_receive(lambda v, m: got.append((v, m)))
    recorder = comm_of(widget)
    # Built beforehand: the page's JSON decoding is not the kernel's tunnel cost.
    contents = [
        {
            "p": "view1",
            "s": 1 + f * per_frame,
            "b": [[1 + f * per_frame + i, "x" * 20] for i in range(per_frame)],
        }
        for f in range(frames)
    ]

    def feed() -> None:
        for content in contents:
            recorder.from_browser(content)
        assert len(got) == frames * per_frame, (len(got), frames * per_frame)

    return widget, feed


def best(frames: int, per_frame: int, runs: int) -> tuple[float, float]:
    """The best wall-clock time of `runs` bursts, and the best CPU time: on a busy machine the
    CPU time is the steadier figure for comparing two trees."""
    wall, cpu = [], []
    for _ in range(runs):
        widget, feed = prepared(frames, per_frame)
        start, start_cpu = time.perf_counter(), time.process_time()
        feed()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
        widget.close()
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--shape", choices=SHAPES, action="append")
    parser.add_argument("--profile", choices=SHAPES, help="cProfile one burst of this shape")
    args = parser.parse_args()
    comm.create_comm = RecordingComm
    if args.profile:
        frames, per_frame = SHAPES[args.profile]
        widget, feed = prepared(frames, per_frame)
        profile = cProfile.Profile()
        profile.runcall(feed)
        widget.close()
        pstats.Stats(profile).sort_stats("tottime").print_stats(14)
        return
    print(f"ipycallback from {Path(ipycallback.__file__).parent}")
    for name in args.shape or list(SHAPES):
        frames, per_frame = SHAPES[name]
        seconds, cpu = best(frames, per_frame, args.runs)
        entries = frames * per_frame
        print(
            f"{name:>8}: {seconds * 1e3:7.2f} ms per burst, "
            f"{seconds / entries * 1e6:6.2f} us per entry, {entries / seconds:9.0f} entries/s; "
            f"CPU {cpu / entries * 1e6:6.2f} us per entry"
        )


if __name__ == "__main__":
    main()
