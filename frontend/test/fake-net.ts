// Views (real Tunnels on fake models) wired to a FakeKernel through queues the test controls:
// frames can be dropped (a TCP cut), reordered or duplicated in either direction, and time only
// moves on the fake clock.
import { Tunnel, type TunnelOptions } from "../src/tunnel/tunnel";
import type { KernelFrame } from "../src/tunnel/wire";
import { FakeClock } from "./fake-clock";
import { FakeKernel, type FakeKernelOptions } from "./fake-kernel";
import { FakeKernelConnection } from "./fake-kernel-connection";
import { FakeModel } from "./fake-model";

type Frame = Record<string, unknown>;

export interface NetView {
  readonly name: string;
  readonly model: FakeModel;
  readonly tunnel: Tunnel;
  readonly connection: FakeKernelConnection;
  /** What its on_receive handler got. */
  readonly received: [number, string][];
  /** While cut, frames in either direction are lost. */
  cut: boolean;
}

export interface InFlight<T> {
  view: NetView;
  frame: T;
}

export class FakeNet {
  readonly clock = new FakeClock();
  readonly kernel: FakeKernel;
  readonly views: NetView[] = [];
  up: InFlight<Frame>[] = [];
  down: InFlight<KernelFrame>[] = [];
  /** Return true to lose a frame on its way to the kernel / to a view. */
  dropUp: (frame: Frame, view: NetView) => boolean = () => false;
  dropDown: (frame: KernelFrame, view: NetView) => boolean = () => false;
  lostUp = 0;
  lostDown = 0;

  constructor(kernel: FakeKernelOptions = {}) {
    this.kernel = new FakeKernel(kernel);
    this.kernel.transmit = (frame) => {
      for (const view of this.views) {
        if (!view.tunnel.closed)
          this.down.push({ view, frame: JSON.parse(JSON.stringify(frame)) as KernelFrame });
      }
    };
  }

  addView(options: TunnelOptions & { state?: Record<string, unknown> } = {}): NetView {
    const connection = new FakeKernelConnection();
    const received: [number, string][] = [];
    const name = `view${this.views.length + 1}`;
    let self: NetView | null = null;
    const model = new FakeModel(
      { tunnel_id: "t", ...options.state },
      {
        kernel: connection,
        onSend: (frame) => {
          // The hello leaves inside the Tunnel constructor, before `self` exists.
          const view = self;
          if (view !== null && (view.cut || this.dropUp(frame, view))) this.lostUp += 1;
          else this.up.push({ view: view as NetView, frame });
        },
      },
    );
    const { state: _state, ...tunnelOptions } = options;
    const tunnel = new Tunnel("t", model, { ...this.clock.options, ...tunnelOptions });
    tunnel.on_receive((version, msg) => received.push([version, msg]));
    self = { name, model, tunnel, connection, received, cut: false };
    for (const item of this.up) if (item.view === undefined) item.view = self;
    this.views.push(self);
    return self;
  }

  /** Hands every frame on its way to the kernel to it, in order. */
  deliverUp(): number {
    const frames = this.up;
    this.up = [];
    for (const { frame } of frames) this.kernel.receive(frame);
    return frames.length;
  }

  /** Hands every frame on its way to the views to them, in order. */
  deliverDown(): number {
    const frames = this.down;
    this.down = [];
    for (const { view, frame } of frames) {
      if (view.cut || this.dropDown(frame, view)) this.lostDown += 1;
      else view.model.emit(frame);
    }
    return frames.length;
  }

  /** Moves frames both ways until nothing is in flight (no time passes). */
  pump(maxRounds = 1_000): void {
    for (let round = 0; round < maxRounds; round += 1) {
      for (const view of this.views) view.tunnel.flush();
      this.clock.runTasks();
      const moved = this.deliverUp();
      this.kernel.flush();
      const delivered = this.deliverDown();
      this.clock.runTasks();
      if (moved === 0 && delivered === 0 && this.up.length === 0 && this.down.length === 0) return;
    }
    throw new Error("the network never settled");
  }

  /** Lets `ms` of fake time pass in steps, moving frames after each. */
  run(ms: number, step = 100): void {
    this.pump();
    for (let passed = 0; passed < ms; passed += step) {
      this.clock.advance(Math.min(step, ms - passed));
      this.pump();
    }
  }

  /**
   * A TCP cut: frames in flight and sent meanwhile are lost; JupyterLab says "connecting". With
   * `noticed: false` it is a black hole the page has not noticed yet: the connection still says
   * "connected" (as during a real network drop, until the connection is reset).
   */
  cut(view: NetView, { noticed = true }: { noticed?: boolean } = {}): void {
    view.cut = true;
    if (noticed) view.connection.setConnection("connecting");
  }

  /** JupyterLab reconnected the websocket by itself. */
  reconnect(view: NetView): void {
    view.cut = false;
    view.connection.setConnection("connected");
  }
}
