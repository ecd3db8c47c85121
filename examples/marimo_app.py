"""ipycallback in marimo: `marimo run examples/marimo_app.py` (what the tests run).

The kernel's cells create the tunnels and send at once, during the first run, before the page
has loaded any widget; the page's code is a small anywidget of its own that reaches the tunnels
through `window.IPyCallbackReady`, whichever of the two loads first.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import json

    import anywidget
    import marimo as mo
    import msgspec

    from ipycallback import SlowTunnelWidget, TypedTunnel

    return SlowTunnelWidget, TypedTunnel, anywidget, json, mo, msgspec


@app.cell
def _(mo):
    mo.md(r"""
    # ipycallback in marimo

    The kernel sent its greeting and 10,000 messages while the cells first ran, before this
    page had loaded any widget; the page's code (the last cell) shows what arrived.
    """)
    return


@app.cell
def _(SlowTunnelWidget, json, mo):
    # Strings both ways. Python answers "ping N" with "pong N" (the page times the round trip)
    # and tells the page what else it received.
    tunnel = SlowTunnelWidget(tunnel_id="demo")

    def handle_msg(version: int, msg: str) -> None:
        if msg.startswith("ping "):
            tunnel.send_msg("pong " + msg[5:])
        else:
            tunnel.send_msg(json.dumps({"echo": f"Python received version {version}: {msg}"}))

    tunnel.on_receive(handle_msg)
    # Sent during the first run, before the page has loaded the widget: it waits for the page.
    tunnel.send_msg(json.dumps({"msg": "hello from Python"}))
    mo.ui.anywidget(tunnel)
    return (tunnel,)


@app.cell
def _(SlowTunnelWidget, mo):
    # Bursts: 10,000 messages each way, counted and checked for order on the other side.
    burst = SlowTunnelWidget(tunnel_id="burst")
    from_js: list[str] = []

    def count(version: int, msg: str) -> None:
        from_js.append(msg)
        if len(from_js) % 1000 == 0:
            in_order = from_js == [str(i) for i in range(len(from_js))]
            burst.send_msg(f"Python received {len(from_js)} messages, in order: {in_order}")

    burst.on_receive(count)
    for i in range(10_000):
        burst.send_msg(str(i))
    mo.ui.anywidget(burst)
    return (burst,)


@app.cell
def _(SlowTunnelWidget, TypedTunnel, mo, msgspec):
    # The kernel asks the page. marimo runs the page's widget messages only between cells, so a
    # plain cell cannot wait for the answer: call() says so at once instead of hanging.
    class PickColour(msgspec.Struct, tag=True):
        prompt: str

    class ColourPicked(msgspec.Struct, tag=True):
        colour: str

    asks = TypedTunnel(
        SlowTunnelWidget(tunnel_id="asks"),
        receive=[ColourPicked],
        send=[PickColour],
        asks={PickColour: ColourPicked},
    )
    try:
        asks.call(PickColour("Pick a colour"), timeout=5)
        outcome = "call() returned"
    except RuntimeError as error:
        outcome = f"call() refused at once: {error}"
    mo.vstack([mo.ui.anywidget(asks.tunnel), mo.md(outcome)])
    return


@app.cell
def _(anywidget, mo):
    class Page(anywidget.AnyWidget):
        """The page's side: what arrived, the round trip and the bursts, shown on the page."""

        _esm = """
        export default {
          render({ el }) {
            el.classList.add("ipycallback-marimo");
            const line = (cls, text) => {
              const div = el.appendChild(document.createElement("div"));
              div.className = cls;
              div.textContent = text;
              return div;
            };
            const fromPython = line("from-python", "JavaScript has received nothing yet");
            const echo = line("echo", "Python has received nothing yet");
            const rtt = line("rtt", "round trip: measuring");
            const toPage = line("burst-page", "JavaScript has received no burst yet");
            const toKernel = line("burst-kernel", "Python has received no burst yet");
            // The tunnels' widgets may load before or after this one.
            (window.IPyCallbackReady ??= []).push(async (IPyCallback) => {
              const demo = await IPyCallback.wait("demo");
              const pongs = new Map();
              demo.on_receive((version, msg) => {
                if (msg.startsWith("pong ")) {
                  pongs.get(msg.slice(5))?.();
                  return;
                }
                const data = JSON.parse(msg);
                if (data.echo) echo.textContent = data.echo;
                else fromPython.textContent = `JavaScript received version ${version}: ${msg}`;
              });
              demo.send_msg(JSON.stringify({ msg: "hello from JavaScript" }));
              const times = [];
              for (let i = 0; i < 100; i++) {
                const start = performance.now();
                await new Promise((resolve) => {
                  pongs.set(String(i), resolve);
                  demo.send_msg(`ping ${i}`);
                });
                times.push(performance.now() - start);
              }
              times.sort((a, b) => a - b);
              rtt.textContent = `round trip: median ${times[50].toFixed(1)} ms over 100`;

              const burst = await IPyCallback.wait("burst");
              let count = 0;
              let inOrder = true;
              burst.on_receive((version, msg) => {
                if (msg.startsWith("Python")) {
                  toKernel.textContent = msg;
                  return;
                }
                inOrder &&= msg === String(count);
                count += 1;
                toPage.textContent = `JavaScript received ${count} messages, in order: ${inOrder}`;
              });
              for (let i = 0; i < 10000; i++) burst.send_msg(String(i));
            });
          },
        };
        """

    mo.ui.anywidget(Page())
    return


if __name__ == "__main__":
    app.run()
