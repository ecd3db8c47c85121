// Line protocol around the validator, for Python tests that compare it with msgspec.
// stdin: first line {"schema": <schema>, "$defs": {...}}; then one JSON string per line, holding
// the raw text of a message. stdout, one line per message: {"ok":true,"echo":<the parsed value>}
// or {"ok":false,"path":...,"message":...}. A schema that does not compile gets one line
// {"ok":false,"schemaError":...} and exit status 2. Exits at EOF.
import { createInterface } from "node:readline";
import { compile, SchemaError, type Validator } from "../src/typed/validate";

let validate: Validator | undefined;
// On Linux, writes to pipes and files are synchronous, so each line leaves at once.
const reply = (line: string) => process.stdout.write(`${line}\n`);

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === "") continue;
  if (validate === undefined) {
    const first = JSON.parse(line) as { schema: unknown; $defs: Record<string, unknown> };
    try {
      validate = compile(first.schema, { $defs: first.$defs });
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      reply(JSON.stringify({ ok: false, schemaError: error.message }));
      process.exit(2);
    }
    continue;
  }
  const text: unknown = JSON.parse(line);
  let value: unknown;
  try {
    if (typeof text !== "string") throw new SyntaxError("each line must be a JSON string");
    value = JSON.parse(text);
  } catch (error) {
    reply(JSON.stringify({ ok: false, path: "$", message: `invalid JSON: ${(error as Error).message}` }));
    continue;
  }
  const issue = validate(value);
  reply(issue === null ? `{"ok":true,"echo":${JSON.stringify(value)}}` : JSON.stringify({ ok: false, ...issue }));
}
