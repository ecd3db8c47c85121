// Why a tunnel no longer sends: both are thrown by its send methods and reject the typed layer's
// pending requests.

export class TunnelClosedError extends Error {
  override name = "TunnelClosedError";
}

/** The tunnel closed because its kernel restarted, died or its connection was disposed. */
export class KernelRestartedError extends TunnelClosedError {
  override name = "KernelRestartedError";
}
