"""Problem reports that cannot flood: the first few in full, then a count per interval.

One full traceback per failing message trips jupyter_server's output limiter (1 MB/s of stream
output over 3 s), which then drops every iopub message of the kernel, other widgets' included.
Each tunnel writes its first few reports in full, then one summary line per interval while
problems keep coming; a process-wide byte budget caps all tunnels together.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from .pacing import SCHEDULER, Clock, TokenBucket

FULL_REPORTS = 3
INTERVAL = 5.0
# After this long without a problem, the next few are written in full again.
QUIET_RESET = 60.0

# All tunnels together: 64 KB at once, then 8 KB/s, far below the server's 1 MB/s.
_BYTES = TokenBucket(capacity=64_000, rate=8_000)


def _write_stderr(text: str) -> None:
    sys.stderr.write(text)


class Reporter:
    def __init__(
        self,
        name: str,
        clock: Clock = SCHEDULER,
        write: Callable[[str], None] = _write_stderr,
        byte_budget: TokenBucket = _BYTES,
    ) -> None:
        self._prefix = f"ipycallback [{name}]: "
        self._clock = clock
        self._write = write
        self._bytes = byte_budget
        self._lock = threading.Lock()
        self._full_left = FULL_REPORTS
        self._suppressed = 0
        self._latest = ""
        self._armed = False
        self._last_problem = float("-inf")
        self.reported = 0

    def report(self, summary: str, detail: str = "") -> None:
        """Report one problem: `summary` is one line, `detail` (a traceback) may be long."""
        with self._lock:
            self.reported += 1
            now = self._clock.now()
            if now - self._last_problem > QUIET_RESET:
                self._full_left = FULL_REPORTS
            self._last_problem = now
            if self._full_left > 0:
                self._full_left -= 1
                text = (
                    self._prefix + summary + "\n" + (detail.rstrip("\n") + "\n" if detail else "")
                )
                if self._full_left == 0:
                    text += f"{self._prefix}further problems are summarised every {INTERVAL:g} s\n"
                if self._bytes.take_many(len(text)):
                    self._write(text)
                    return
            self._suppressed += 1
            self._latest = summary
            if not self._armed:
                self._armed = True
                self._clock.call_later(INTERVAL, self._summarise)

    def _summarise(self) -> None:
        with self._lock:
            count, latest, self._suppressed = self._suppressed, self._latest, 0
            self._armed = count > 0
            if count == 0:
                return
            self._clock.call_later(INTERVAL, self._summarise)
        latest = latest if len(latest) <= 300 else latest[:297] + "..."
        self._write(
            f"{self._prefix}{count} more problem(s) in the last {INTERVAL:g} s; latest: {latest}\n"
        )
