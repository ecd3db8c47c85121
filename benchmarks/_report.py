"""Turn one run's results into the table, same-run ratios and docs/benchmarks.md."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from _measure import MECHANISMS, QUIET_MS, SETTLE_S, WARM_UP, Burst, Result

WITH, WITHOUT = "with extension", "without extension"
BASELINE = "protocol v1 (9a3ec19), with extension"


@dataclass
class Context:
    date: str
    command: str
    machine: list[tuple[str, str]]
    round_trips: int
    burst: int


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _rate(burst: Burst) -> str:
    rate = burst.per_second
    # The mark sends the reader to the notes under the table (a lost reply, say).
    return ("n/a" if rate is None else f"{rate:,.0f}") + (" †" if burst.note else "")


def _delivered(burst: Burst) -> str:
    return f"{burst.delivered:,}/{burst.sent:,}"


def table(results: Sequence[Result]) -> str:
    head = [
        "mechanism",
        "server",
        "RTT median ms",
        "RTT p99 ms",
        "browser→kernel delivered",
        "msgs/s",
        "kernel→browser delivered",
        "msgs/s",
    ]
    rows = [
        [
            MECHANISMS[r.mechanism],
            r.server,
            _ms(r.latency.median_ms),
            _ms(r.latency.p99_ms),
            _delivered(r.to_kernel),
            _rate(r.to_kernel),
            _delivered(r.to_browser),
            _rate(r.to_browser),
        ]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    marks = [f"† {note}" for note in notes(results)]
    return "\n".join(
        [line(head), rule, *(line(row) for row in rows), *(["", *marks] if marks else [])]
    )


def notes(results: Sequence[Result]) -> list[str]:
    out = []
    for r in results:
        for direction, burst in (("browser→kernel", r.to_kernel), ("kernel→browser", r.to_browser)):
            if burst.note:
                out.append(f"{MECHANISMS[r.mechanism]}, {r.server}, {direction}: {burst.note}.")
    return out


def _find(results: Sequence[Result], mechanism: str, server: str) -> Result | None:
    return next((r for r in results if r.mechanism == mechanism and r.server == server), None)


def _median(results: Sequence[Result], mechanism: str, server: str) -> float | None:
    found = _find(results, mechanism, server)
    return None if found is None else found.latency.median_ms


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return None if top is None or not bottom else top / bottom


def ratios(results: Sequence[Result]) -> list[tuple[str, float | None]]:
    out: list[tuple[str, float | None]] = []
    for kind, label in MECHANISMS.items():
        out.append(
            (
                f"{label}: RTT median without / with extension",
                _ratio(_median(results, kind, WITHOUT), _median(results, kind, WITH)),
            )
        )
    for server in (WITH, WITHOUT):
        tunnel = _median(results, "tunnel", server)
        out.append(
            (
                f"{server}: tunnel / raw echo RTT median",
                _ratio(tunnel, _median(results, "raw", server)),
            )
        )
        out.append(
            (
                f"{server}: trait sync / tunnel RTT median",
                _ratio(_median(results, "trait", server), tunnel),
            )
        )
        fast, floor = _find(results, "tunnel", server), _find(results, "raw", server)
        if fast and floor:
            out.append(
                (
                    f"{server}: tunnel / raw echo browser→kernel msgs/s",
                    _ratio(fast.to_kernel.per_second, floor.to_kernel.per_second),
                )
            )
    return out


def protocol_ratios(results: Sequence[Result]) -> list[tuple[str, float | None]]:
    """What wire protocol v2 (sequence numbers, acks, resends) costs against v1, same run."""
    now, before = _find(results, "tunnel", WITH), _find(results, "tunnel", BASELINE)
    if now is None or before is None:
        return []
    return [
        (
            "protocol v2 / v1: RTT median",
            _ratio(now.latency.median_ms, before.latency.median_ms),
        ),
        (
            "protocol v2 / v1: browser→kernel msgs/s",
            _ratio(now.to_kernel.per_second, before.to_kernel.per_second),
        ),
        (
            "protocol v2 / v1: kernel→browser msgs/s",
            _ratio(now.to_browser.per_second, before.to_browser.per_second),
        ),
    ]


def ratio_lines(results: Sequence[Result]) -> str:
    return "\n".join(
        f"- {name}: {'n/a' if value is None else f'{value:.2f}×'}"
        for name, value in ratios(results) + protocol_ratios(results)
    )


def interpretation(results: Sequence[Result], burst: int) -> list[str]:
    """Plain sentences that restate what this run measured, nothing more."""
    said: list[str] = []
    fast, slow = _median(results, "tunnel", WITH), _median(results, "tunnel", WITHOUT)
    if fast and slow:
        said.append(
            f"The tunnel's median round trip was {fast:.1f} ms with the server extension and "
            f"{slow:.1f} ms without it, {slow / fast:.1f} times "
            f"{'longer' if slow >= fast else 'shorter'} without."
        )
    raw_with, raw_without = _median(results, "raw", WITH), _median(results, "raw", WITHOUT)
    trait_with, trait_without = _median(results, "trait", WITH), _median(results, "trait", WITHOUT)
    if fast and raw_with and raw_without and trait_with and trait_without:
        said.append(
            f"The raw anywidget echo, the floor, took {raw_with:.1f} ms with the extension and "
            f"{raw_without:.1f} ms without, and trait sync {trait_with:.1f} and "
            f"{trait_without:.1f} ms; with the extension the tunnel's median was "
            f"{abs(fast - raw_with):.1f} ms {'above' if fast >= raw_with else 'below'} the floor."
        )
    said += _deliveries(results, burst)
    said += _lost_replies(results)
    said += _protocol_cost(results)
    tunnel = _find(results, "tunnel", WITH)
    if tunnel and tunnel.to_kernel.seconds and tunnel.to_browser.seconds:
        said.append(
            f"With the extension, the tunnel's {burst:,}-message burst took "
            f"{tunnel.to_kernel.seconds * 1000:.0f} ms browser→kernel and "
            f"{tunnel.to_browser.seconds * 1000:.0f} ms kernel→browser."
        )
    return said


def _protocol_cost(results: Sequence[Result]) -> list[str]:
    now, before = _find(results, "tunnel", WITH), _find(results, "tunnel", BASELINE)
    if now is None or before is None or not now.latency.median_ms or not before.latency.median_ms:
        return []
    return [
        f"Against wire protocol v1 in the same run, the tunnel's median round trip was "
        f"{now.latency.median_ms:.1f} ms (v2) and {before.latency.median_ms:.1f} ms (v1); of "
        f"the {now.to_kernel.sent:,}-message bursts, v2 delivered {now.to_kernel.delivered:,} "
        f"browser→kernel and {now.to_browser.delivered:,} kernel→browser, v1 "
        f"{before.to_kernel.delivered:,} and {before.to_browser.delivered:,}."
    ]


def _lost_replies(results: Sequence[Result]) -> list[str]:
    said = []
    for kind, label in MECHANISMS.items():
        lost = [r for r in results if r.mechanism == kind and r.to_kernel.note]
        if lost:
            where = (
                "both servers"
                if len(lost) == 2
                else " and ".join(f"the server {r.server}" for r in lost)
            )
            got = " and ".join(f"{r.to_kernel.delivered:,}" for r in lost)
            heard = " and ".join(f"{r.to_kernel.kernel_messages_seen or 0:,}" for r in lost)
            said.append(
                f"In the {label}'s browser→kernel burst on {where}, the kernel received {got} "
                f"messages but its 'done' reply never reached the page, which heard {heard} "
                f"kernel messages in all (status messages included) while it waited."
            )
    return said


def _deliveries(results: Sequence[Result], burst: int) -> list[str]:
    """Who received how many of each burst; one sentence when both servers agree."""
    counts: dict[str, tuple[int, ...]] = {}
    for server in (WITH, WITHOUT):
        rows = [_find(results, kind, server) for kind in ("tunnel", "raw", "trait")]
        if all(rows):
            counts[server] = tuple(
                burst_.delivered for r in rows if r for burst_ in (r.to_browser, r.to_kernel)
            )
    if not counts:
        return []
    same = len(counts) == 2 and len(set(counts.values())) == 1
    places = (
        {"on both servers": counts[WITH]}
        if same
        else {f"on the server {s}": c for s, c in counts.items()}
    )
    said = []
    for place, (t_out, t_in, r_out, r_in, s_out, s_in) in places.items():
        said.append(
            f"Of {burst:,} messages sent kernel→browser, {place} the browser received "
            f"{t_out:,} through the tunnel, {r_out:,} through the raw echo and {s_out:,} trait "
            f"changes; of {burst:,} sent browser→kernel, the kernel received {t_in:,}, {r_in:,} "
            f"and {s_in:,} respectively."
        )
    return said


METHOD = """\
Each mechanism runs in the same notebook page and kernel, one page per server; both servers
run with default settings (IOPub limit 1000 msgs/s over 3 s), and differ only in whether the
`ipycallback` server extension is enabled.

- **RTT**: sequential echo round trips of the payload `"x"` (after {warm} warm-up trips),
  timed in the browser with `performance.now()`. The tunnel's kernel side replies with
  `send_msg_with_version`, the raw echo with `widget.send`, trait sync by setting `js_endpoint`
  when it observes `py_endpoint`.
- **browser→kernel**: one JavaScript loop sends {burst:,} messages (`send_msg`, `model.send`, or
  `model.set` + `save_changes`); the kernel counts arrivals and answers the last one with
  "done". msgs/s is messages received divided by the time from the first send to the kernel's
  last arrival (browser and kernel read the same wall clock); the page's receipt of "done" is
  kept in `build/bench.json` as `reply_seconds`.
- **kernel→browser**: {burst:,} messages from the kernel (the tunnel from its handler of a "go"
  message, the others from one cell's loop); the browser counts arrivals until all came or none
  came for {quiet:g} s. msgs/s is messages received divided by the time to the last arrival.
- Between measurements the benchmark waits for the kernel to be idle, then {settle:g} s more.
- A third server, with the extension, runs the tunnel as of the last commit with wire protocol
  v1 (no sequence numbers, acknowledgements or resends; its package unpacked from git and put
  first on the kernel's `PYTHONPATH`), so that what v2's guarantees cost is a same-run ratio.
"""


def document(results: Sequence[Result], context: Context) -> str:
    machine = "\n".join(f"- {name}: {value}" for name, value in context.machine)
    method = METHOD.format(
        warm=WARM_UP, burst=context.burst, quiet=QUIET_MS / 1000, settle=SETTLE_S
    )
    said = textwrap.fill(" ".join(interpretation(results, context.burst)), width=100)
    return f"""# Benchmarks

Generated by `benchmarks/bench.py --write-docs` from one measurement; do not edit by hand.

- Date: {context.date}
- Command: `{context.command}`
- Round trips: {context.round_trips}; burst size: {context.burst:,}

## Machine

{machine}

## Method

{method}
## Results

{table(results)}

Ratios from the same run:

{ratio_lines(results)}

## What the numbers show

{said}
"""
