// A stand-in for @jupyterlab/services' KernelConnection: the members a tunnel reads, with
// Lumino-like signals the test fires.

type Slot = (sender: unknown, args: unknown) => void;

export class FakeSignal {
  readonly #sender: unknown;
  #slots: Slot[] = [];

  constructor(sender: unknown) {
    this.#sender = sender;
  }

  get listeners(): number {
    return this.#slots.length;
  }

  connect(slot: Slot): boolean {
    if (this.#slots.includes(slot)) return false;
    this.#slots.push(slot);
    return true;
  }

  disconnect(slot: Slot): boolean {
    const before = this.#slots.length;
    this.#slots = this.#slots.filter((s) => s !== slot);
    return this.#slots.length < before;
  }

  emit(args?: unknown): void {
    for (const slot of [...this.#slots]) slot(this.#sender, args);
  }
}

export class FakeKernelConnection {
  status = "idle";
  connectionStatus = "connected";
  commsOverSubshells: string | undefined = "perCommTarget";
  supportsSubshells: boolean | undefined = true;
  readonly statusChanged = new FakeSignal(this);
  readonly connectionStatusChanged = new FakeSignal(this);
  readonly disposed = new FakeSignal(this);
  readonly iopubMessage = new FakeSignal(this);

  setStatus(status: string): void {
    this.status = status;
    this.statusChanged.emit(status);
  }

  setConnection(status: string): void {
    this.connectionStatus = status;
    this.connectionStatusChanged.emit(status);
  }

  /** An iopub message of `type` from the kernel, e.g. a restart asked through the REST API. */
  iopub(type: string, content: Record<string, unknown> = {}): void {
    this.iopubMessage.emit({ header: { msg_type: type }, content });
  }

  dispose(): void {
    this.disposed.emit();
  }
}
