// Compiles JSON Schemas to ajv "standalone" validator code for `ipycallback codegen`.
//
// This is the source; the generator runs its bundle with ajv inside,
// ipycallback_codegen/node/ajv_standalone.cjs, built by codegen/node/build.mjs from this
// repository's pinned node_modules, so that users need `node` and no npm package.
//
// stdin:  {"schemas": [{"$id": ..., ...}], "exports": {"<js name>": "<schema id or id#/pointer>"}}
// stdout: {"code": "<JavaScript>", "ajv": "<version>"}, or {"error": "...", "kind": "..."} with
//         exit status 1.
//
// The code is meant to be pasted into a generated TypeScript module, so it must not load
// anything at run time: ajv's runtime helpers are replaced by functions the module defines, and
// the output is refused if any `require` of ajv is left. Checks that ajv does not make itself
// (safe integers, formats: validateFormats is off, since formats would also need ajv-formats at
// run time) are custom keywords whose code calls functions the module defines.
import process from "node:process";
import AjvModule, { _ } from "ajv";
import standaloneModule from "ajv/dist/standalone";
import ajvPackage from "ajv/package.json";

// ajv is CommonJS: its default export may arrive wrapped, depending on the bundler's interop.
const Ajv = AjvModule.default ?? AjvModule;
const standaloneCode = standaloneModule.default ?? standaloneModule;

function finish(result, status) {
  process.stdout.write(JSON.stringify(result));
  process.exitCode = status;
}

// keyword -> [data type, code of the test]; the functions named here are defined by the
// generated module imports from the runtime (frontend/src/typed/checks.ts).
const CHECKS = {
  "x-safe-integer": ["number", (_, d) => _`Number.isSafeInteger(${d})`],
  "x-date-time": ["string", (_, d) => _`isDateTime(${d})`],
  "x-date": ["string", (_, d) => _`isDate(${d})`],
  "x-time": ["string", (_, d) => _`isTime(${d})`],
  "x-uuid": ["string", (_, d) => _`isUuid(${d})`],
};

// ajv's runtime helpers that standalone code would `require`, and the module's replacements.
const RUNTIME = {
  'require("ajv/dist/runtime/ucs2length").default': "codePointLength",
  // An enum of 200 values or more (ajv's loopEnum) is tested in a loop with ajv's deep
  // equality. The internal form's enum values are strings, booleans and safe integers, for
  // which it is ===.
  'require("ajv/dist/runtime/equal").default': "((a: unknown, b: unknown): boolean => a === b)",
};

function compile(input) {
  const ajv = new Ajv({
    code: { source: true, esm: true, lines: true },
    // minLength/maxLength count code points (ajv's default, and what msgspec does); the helper
    // this needs is inlined below.
    validateFormats: false,
    discriminator: true,
    // The internal form carries x-* annotations that strict mode would refuse.
    strict: false,
    // strict: false would also let NaN and Infinity pass as numbers; JSON has neither.
    strictNumbers: true,
    // "__proto__" or "constructor" in a message must be the message's own key, never inherited.
    // ipycallback_codegen/emit/ajv.py puts a cheaper test in front of each hasOwnProperty call.
    ownProperties: true,
    allErrors: false,
    messages: false,
  });
  // multipleOf as msgspec and the runtime validator read it: the remainder (C's fmod, JS's %)
  // is exactly zero. ajv's own divides, which rounds: 1e300 would be a multiple of 7.
  ajv.addKeyword({
    keyword: "x-multiple-of",
    type: "number",
    schemaType: "number",
    code: (cxt) => {
      cxt.setParams({ multipleOf: cxt.schema });
      cxt.fail(_`${cxt.data} % ${cxt.schema} !== 0`);
    },
  });
  for (const [keyword, [type, test]] of Object.entries(CHECKS)) {
    ajv.addKeyword({
      keyword,
      type,
      schemaType: "boolean",
      code: (cxt) => cxt.fail(_`!${test(_, cxt.data)}`),
    });
  }
  for (const schema of input.schemas) ajv.addSchema(schema);
  let code = standaloneCode(ajv, input.exports);
  for (const [needed, local] of Object.entries(RUNTIME)) code = code.split(needed).join(local);
  // ajv writes every string from a schema with JSON.stringify, so `require("` with a plain
  // double quote can only be ajv's own code.
  const left = code.match(/require\("[^"]*"\)/g);
  if (left !== null) {
    throw Object.assign(
      new Error(
        `ajv's output still loads ${[...new Set(left)].join(", ")}; this schema needs an ajv runtime helper that ipycallback does not inline`,
      ),
      { kind: "runtime" },
    );
  }
  return code;
}

async function main() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  finish({ code: compile(JSON.parse(text)), ajv: ajvPackage.version }, 0);
}

main().catch((error) =>
  finish({ error: String(error?.message ?? error), kind: error?.kind ?? "internal" }, 1),
);
