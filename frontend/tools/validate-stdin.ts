// A line protocol around the validator, for Python tests that compare it with msgspec.
// stdin: first line {"schema": <schema>, "$defs": {...}}; then one JSON string per line, holding
// the raw text of a message. stdout, one line per message: {"ok":true,"echo":<the parsed value>}
// or {"ok":false,"path":...,"message":...}. If the first line does not compile, the only answer
// is {"ok":false,"schemaError":...} and the exit status is 2. Exits at EOF.
import { createInterface } from "node:readline";
import { compile, type Validator } from "../src/typed/validate";

// Plain ASCII (JSON escapes the rest), so that no reader can take a U+2028 or U+0085 inside a
// string for a line break. On Linux, writes to pipes and files are synchronous: each line leaves
// at once.
function reply(line: string): void {
  const ascii = line.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  process.stdout.write(`${ascii}\n`);
}

let validate: Validator | undefined;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === "") continue;
  if (validate === undefined) {
    try {
      const first = JSON.parse(line) as { schema: unknown; $defs: Record<string, unknown> };
      validate = compile(first.schema, { $defs: first.$defs });
    } catch (error) {
      reply(
        JSON.stringify({
          ok: false,
          schemaError: String(error instanceof Error ? error.message : error),
        }),
      );
      process.exitCode = 2;
      process.stdin.destroy();
      break;
    }
    continue;
  }
  let value: unknown;
  try {
    const text: unknown = JSON.parse(line);
    if (typeof text !== "string") throw new SyntaxError("each line must be a JSON string");
    value = JSON.parse(text);
  } catch (error) {
    reply(
      JSON.stringify({
        ok: false,
        path: "$",
        message: `invalid JSON: ${(error as Error).message}`,
      }),
    );
    continue;
  }
  const issue = validate(value);
  reply(
    issue === null
      ? `{"ok":true,"echo":${JSON.stringify(value)}}`
      : JSON.stringify({ ok: false, ...issue }),
  );
}
