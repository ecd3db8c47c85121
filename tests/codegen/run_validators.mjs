// Runs a generated TypeScript module (bundled by esbuild) for test_emitters.py.
// argv[2]: the bundle. stdin: {"cases": [{"direction": "toKernel" | "toBrowser", "json": "..."}],
// "fingerprint": "..."}. stdout: what the validators said, and how attach() behaved.
// In a case's JSON, the strings "NaN", "Infinity" and "2**53" as whole values stand for those
// numbers, which JSON cannot write.
import { pathToFileURL } from "node:url";

const SPECIAL = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "2**53": 2 ** 53 };
const revive = (_key, value) => (typeof value === "string" && Object.hasOwn(SPECIAL, value) ? SPECIAL[value] : value);

let text = "";
for await (const chunk of process.stdin) text += chunk;
const input = JSON.parse(text);
const mod = await import(pathToFileURL(process.argv[2]).href);
const tunnelClass = Object.values(mod).find((v) => typeof v === "function" && typeof v.attach === "function");

const results = input.cases.map(({ direction, json }) =>
  (direction === "toKernel" ? mod.validateToKernel : mod.validateToBrowser)(JSON.parse(json, revive)),
);

function fakeTunnel(fingerprint) {
  return { tunnel_id: "t", _onReceiveKind() {}, _onClose() {}, _clock: { setTimeout() {}, clearTimeout() {} }, state: () => JSON.stringify({ fingerprint }), onStateChange() {} };
}
// The page's registry, as the kernel's runtime makes it: serving this module's API level.
function fakeRegistry(fingerprint) {
  const level = mod.GENERATED_FOR.apiLevel;
  return { version: "page", apiLevel: level, oldestApiLevel: level, wait: async () => fakeTunnel(fingerprint) };
}
async function attempt(run) {
  try {
    const typed = await run();
    return { ok: typed instanceof tunnelClass };
  } catch (error) {
    return { error: String(error.message) };
  }
}

const attach = {};
attach.noPage = await attempt(() => tunnelClass.attach("t", { timeoutMs: 20 }));
// The registry appears later and announces itself, as the first tunnel of a page does.
const events = new EventTarget();
globalThis.addEventListener = events.addEventListener.bind(events);
globalThis.removeEventListener = events.removeEventListener.bind(events);
const later = tunnelClass.attach("t", { timeoutMs: 2000 });
globalThis.IPyCallback = fakeRegistry(input.fingerprint);
events.dispatchEvent(new Event("ipycallback:ready"));
attach.afterReady = await attempt(() => later);
globalThis.IPyCallback = fakeRegistry("sha256:other");
attach.mismatch = await attempt(() => tunnelClass.attach("t"));
globalThis.IPyCallback = fakeRegistry(undefined);
attach.handWritten = await attempt(() => tunnelClass.attach("t"));

process.stdout.write(
  JSON.stringify({
    results,
    attach,
    fingerprint: mod.FINGERPRINT,
    replies: Object.entries(mod.REPLIES),
    repliesPrototype: Object.getPrototypeOf(mod.REPLIES) === Object.prototype,
    objectPrototype: Object.getOwnPropertyNames(Object.prototype).sort(),
  }),
);
