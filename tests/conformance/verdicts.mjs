// The browser's verdicts on conformance texts, for tests/conformance/*.py. argv[2]: a bundle
// of a generated module (as `gen`) with the runtime's compile and wireIssue. stdin:
// {"schema": "<the schema text the kernel ships>", "cases": [{"direction", "json"}]}.
// stdout: per case [generated validator's issue, runtime validator's issue], each null when
// valid. Both check the text as TypedTunnel does (wireIssue) before validating the value.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const input = JSON.parse(readFileSync(0, "utf8"));
const { gen, compile, wireIssue } = await import(pathToFileURL(process.argv[2]).href);
const shipped = JSON.parse(input.schema);
const bundle = { $defs: shipped.$defs };
const runtime = { toKernel: compile(shipped.toKernel, bundle), toBrowser: compile(shipped.toBrowser, bundle) };
const generated = { toKernel: gen.validateToKernel, toBrowser: gen.validateToBrowser };

function verdict(validate, text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { path: "$", message: `not JSON: ${error.message}` };
  }
  return wireIssue(text, value) ?? validate(value);
}

const results = input.cases.map(({ direction, json }) => [
  verdict(generated[direction], json),
  verdict(runtime[direction], json),
]);
process.stdout.write(JSON.stringify({ results, objectPrototype: Object.getOwnPropertyNames(Object.prototype).sort() }));
