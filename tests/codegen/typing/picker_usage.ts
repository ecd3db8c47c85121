// Checked by tsc with the generated picker_messages.ts (test_asks_emitted.py): each line marked
// as an expected error must be one, and nothing else may be.
import { PickerTunnel } from "./picker_messages";

export function wire(tunnel: PickerTunnel): void {
  tunnel.on("PickColour", (_version, msg, signal) => {
    void signal.aborted;
    return { type: "Picked", colour: msg.prompt.length > 3 ? "#000000" : "#ffffff" };
  });
  tunnel.on("Confirm", async (_version, msg) => ({ type: "Confirmed", ok: msg.question !== "" }));
  // @ts-expect-error the reply to PickColour is Picked, not Confirmed
  tunnel.on("PickColour", () => ({ type: "Confirmed", ok: true }));
  // @ts-expect-error a handler of the kernel's request returns its reply
  tunnel.on("Confirm", () => {});
  tunnel.on("Found", (_version, msg) => void msg.count);
  void tunnel.request({ type: "Find", text: "x" }).then((found) => found.count);
  // @ts-expect-error Picked is the page's reply, not a request it sends
  void tunnel.request({ type: "Picked", colour: "#000000" });
}
