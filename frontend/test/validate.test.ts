import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  compile,
  describeType,
  type SchemaBundle,
  SchemaError,
  type Validator,
} from "../src/typed/validate";

// Real output of msgspec 0.22: schema_components(types, ref_template="#/$defs/{name}") for
// types = [Union[Query, Stop], QueryResult, Node, Misc, Odd, Pair, Optional[Union[Query, Stop]]]:
//
//   class Color(enum.Enum): RED = "red"; GREEN = "green"
//   class Level(enum.IntEnum): LOW = 1; HIGH = 2
//   class Query(Struct, tag=True, forbid_unknown_fields=True):
//       text: Annotated[str, Meta(min_length=1, max_length=5)]
//       limit: Annotated[int, Meta(ge=1, le=100)] = 10
//       cursor: Optional[str] = None
//   class Stop(Struct, tag=True): pass
//   class Hit(Struct): title: str; score: Annotated[float, Meta(gt=0, lt=1)]
//   class QueryResult(Struct, tag=True): query: str; hits: list[Hit]
//   class Node(Struct): value: int; children: list[Node] = []
//   class Misc(Struct, tag_field="kind", tag="misc", forbid_unknown_fields=True):
//       color: Color; level: Level; aware: Annotated[datetime, Meta(tz=True)]; day: date
//       t: Annotated[time, Meta(tz=True)]; naive_t: Annotated[time, Meta(tz=False)]; u: UUID
//       b: bytes; tup: tuple[int, str]; vt: tuple[int, ...]; d: dict[str, int]
//       lit: Literal["a", "b", None]; m: Annotated[float, Meta(multiple_of=0.5, ge=0)]
//       p: Annotated[str, Meta(pattern="^[a-z]+$")]
//       dd: Annotated[dict[Annotated[str, Meta(min_length=1)], int], Meta(min_length=1, max_length=2)]
//       ll: Annotated[list[int], Meta(min_length=1, max_length=3)]; opt: Optional[int]
//       un: Union[int, str, None]; dec: Decimal; fs: frozenset[int]; td: timedelta
//   class Odd(Struct, rename={"a": "odd key", "b": "__proto__", "c": "constructor"}):
//       a: int; b: Optional[int] = None; c: Optional[str] = None
//   class Pair(Struct, array_like=True): x: int; y: str = "y"
//
// Parsed with JSON.parse, not written as an object literal: in a literal, "__proto__" would set
// the prototype instead of making a property.
const FIXTURE = JSON.parse(`{"refs": [
  {"anyOf": [{"$ref": "#/$defs/Query"}, {"$ref": "#/$defs/Stop"}], "discriminator": {"propertyName": "type", "mapping": {"Query": "#/$defs/Query", "Stop": "#/$defs/Stop"}}},
  {"$ref": "#/$defs/QueryResult"},
  {"$ref": "#/$defs/Node"},
  {"$ref": "#/$defs/Misc"},
  {"$ref": "#/$defs/Odd"},
  {"$ref": "#/$defs/Pair"},
  {"anyOf": [{"anyOf": [{"$ref": "#/$defs/Query"}, {"$ref": "#/$defs/Stop"}], "discriminator": {"propertyName": "type", "mapping": {"Query": "#/$defs/Query", "Stop": "#/$defs/Stop"}}}, {"type": "null"}]}
], "$defs": {
  "Query": {"title": "Query", "type": "object", "properties": {"type": {"enum": ["Query"]}, "text": {"type": "string", "maxLength": 5, "minLength": 1}, "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}, "cursor": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null}}, "required": ["type", "text"], "additionalProperties": false},
  "Stop": {"title": "Stop", "type": "object", "properties": {"type": {"enum": ["Stop"]}}, "required": ["type"]},
  "QueryResult": {"title": "QueryResult", "type": "object", "properties": {"type": {"enum": ["QueryResult"]}, "query": {"type": "string"}, "hits": {"type": "array", "items": {"$ref": "#/$defs/Hit"}}}, "required": ["type", "query", "hits"]},
  "Hit": {"title": "Hit", "type": "object", "properties": {"title": {"type": "string"}, "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}, "required": ["title", "score"]},
  "Node": {"title": "Node", "type": "object", "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "default": []}}, "required": ["value"]},
  "Misc": {"title": "Misc", "type": "object", "properties": {"kind": {"enum": ["misc"]}, "color": {"$ref": "#/$defs/Color"}, "level": {"$ref": "#/$defs/Level"}, "aware": {"type": "string", "format": "date-time"}, "day": {"type": "string", "format": "date"}, "t": {"type": "string", "format": "time"}, "naive_t": {"type": "string", "format": "partial-time"}, "u": {"type": "string", "format": "uuid"}, "b": {"type": "string", "contentEncoding": "base64"}, "tup": {"type": "array", "minItems": 2, "maxItems": 2, "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": false}, "vt": {"type": "array", "items": {"type": "integer"}}, "d": {"type": "object", "additionalProperties": {"type": "integer"}}, "lit": {"enum": [null, "a", "b"]}, "m": {"type": "number", "minimum": 0, "multipleOf": 0.5}, "p": {"type": "string", "pattern": "^[a-z]+$"}, "dd": {"type": "object", "propertyNames": {"minLength": 1}, "additionalProperties": {"type": "integer"}, "maxProperties": 2, "minProperties": 1}, "ll": {"type": "array", "items": {"type": "integer"}, "maxItems": 3, "minItems": 1}, "opt": {"anyOf": [{"type": "integer"}, {"type": "null"}]}, "un": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}, "dec": {"type": "string", "format": "decimal"}, "fs": {"type": "array", "items": {"type": "integer"}, "uniqueItems": true}, "td": {"type": "string", "format": "duration"}}, "required": ["kind", "color", "level", "aware", "day", "t", "naive_t", "u", "b", "tup", "vt", "d", "lit", "m", "p", "dd", "ll", "opt", "un", "dec", "fs", "td"], "additionalProperties": false},
  "Color": {"title": "Color", "enum": ["green", "red"]},
  "Level": {"title": "Level", "enum": [1, 2]},
  "Odd": {"title": "Odd", "type": "object", "properties": {"odd key": {"type": "integer"}, "__proto__": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": null}, "constructor": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null}}, "required": ["odd key"]},
  "Pair": {"title": "Pair", "type": "array", "prefixItems": [{"type": "integer"}, {"type": "string", "default": "y"}], "minItems": 1}
}}`) as { refs: unknown[]; $defs: Record<string, unknown> };
const bundle: SchemaBundle = { $defs: FIXTURE.$defs };
const [TO_KERNEL, QUERY_RESULT, NODE, MISC, ODD, PAIR, OPTIONAL_UNION] = FIXTURE.refs;

function v(schema: unknown, defs: Record<string, unknown> = {}): Validator {
  return compile(schema, { $defs: { ...FIXTURE.$defs, ...defs } });
}
const toKernel = compile(TO_KERNEL, bundle);
const queryResult = compile(QUERY_RESULT, bundle);
const misc = compile(MISC, bundle);

function rejects(validate: Validator, value: unknown, path: string, message: string): void {
  assert.deepEqual(validate(value), { path, message });
}
const json = (text: string): unknown => JSON.parse(text);

const MISC_OK = {
  kind: "misc",
  color: "red",
  level: 1,
  aware: "2024-01-02T03:04:05Z",
  day: "2024-02-29",
  t: "03:04:05+01:00",
  naive_t: "03:04:05.5",
  u: "c0a8f1a2-1b2c-4d5e-8f90-123456789abc",
  b: "AAA=",
  tup: [1, "x"],
  vt: [1, 2],
  d: { a: 1 },
  lit: null,
  m: 1.5,
  p: "abc",
  dd: { k: 1 },
  ll: [1],
  opt: null,
  un: "x",
  dec: "1.5",
  fs: [1, 2],
  td: "P1DT2H",
};
function miscField(field: string, good: unknown[], bad: [unknown, string, string][]): void {
  for (const value of good)
    assert.equal(misc({ ...MISC_OK, [field]: value }), null, `${field}: ${JSON.stringify(value)}`);
  for (const [value, path, message] of bad)
    rejects(misc, { ...MISC_OK, [field]: value }, path, message);
}

// The benchmark runs twice. First, before the tests: the validator code has seen only these
// messages, like a page with a few message types. Last, after tests that fed it dozens of schemas
// and odd values: V8's inline caches are then megamorphic, the worst case. It prints, and does not
// assert: timings depend on the machine. It times many short alternating slices and keeps each
// side's fastest: noise (other processes, GC) only ever adds time.
function bestPerCall(runs: (() => void)[], reps: number, rounds = 300): number[] {
  const best = runs.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    runs.forEach((run, i) => {
      const start = performance.now();
      for (let j = 0; j < reps; j++) run();
      best[i] = Math.min(best[i] as number, ((performance.now() - start) * 1e6) / reps);
    });
  }
  return best;
}

function benchmark(when: string): void {
  const messages = {
    small: JSON.stringify({ type: "Query", text: "abc", limit: 10 }),
    medium: JSON.stringify({
      type: "QueryResult",
      query: "abc",
      hits: Array.from({ length: 20 }, (_, i) => ({
        title: `result number ${i}`,
        score: (i + 1) / 25,
      })),
    }),
  };
  const validators = { small: toKernel, medium: queryResult };
  let sink = 0;
  for (const size of ["small", "medium"] as const) {
    const text = messages[size];
    const validate = validators[size];
    assert.equal(validate(JSON.parse(text)), null);
    const [parse, both] = bestPerCall(
      [
        () => void (sink += JSON.parse(text) === null ? 0 : 1),
        () => void (sink += validate(JSON.parse(text)) === null ? 1 : 0),
      ],
      Math.ceil(100_000 / text.length),
    ) as [number, number];
    console.log(
      `validate benchmark, ${when}, ${size} message (${text.length} bytes): JSON.parse ${parse.toFixed(0)} ns, ` +
        `JSON.parse + validate ${both.toFixed(0)} ns, ratio ${(both / parse).toFixed(2)}`,
    );
  }
  assert.ok(sink > 0);
}

test("benchmark: JSON.parse + validate vs JSON.parse alone, first (prints)", () =>
  benchmark("first"));

test("a tagged union dispatches on the tag", () => {
  assert.equal(toKernel(json('{"type":"Query","text":"abc","limit":10}')), null);
  assert.equal(toKernel({ type: "Stop" }), null);
  assert.equal(toKernel({ type: "Stop", anything: [1] }), null); // Stop does not forbid unknown fields
  rejects(toKernel, { type: "Foo" }, "$.type", 'unknown type "Foo"; expected one of Query, Stop');
  rejects(toKernel, { type: 3 }, "$.type", "unknown type 3; expected one of Query, Stop");
  rejects(
    toKernel,
    { text: "a" },
    "$",
    'missing required field "type"; expected one of Query, Stop',
  );
  rejects(toKernel, [], "$", "expected object, got array");
  rejects(toKernel, null, "$", "expected object, got null");
  // The branch itself reports: the path goes into the chosen struct.
  rejects(toKernel, { type: "Query" }, "$", 'missing required field "text"');
});

test("number tags", () => {
  const schema = json(
    `{"anyOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}], "discriminator": {"propertyName": "type", "mapping": {"1": "#/$defs/A", "2": "#/$defs/B"}}}`,
  );
  const defs = json(
    `{"A": {"title": "A", "type": "object", "properties": {"type": {"enum": [1]}, "x": {"type": "integer"}}, "required": ["type", "x"]}, "B": {"title": "B", "type": "object", "properties": {"type": {"enum": [2]}, "y": {"type": "string"}}, "required": ["type", "y"]}}`,
  ) as Record<string, unknown>;
  const validate = v(schema, defs);
  assert.equal(validate({ type: 1, x: 5 }), null);
  assert.equal(validate({ type: 2, y: "s" }), null);
  rejects(validate, { type: "1", x: 5 }, "$.type", 'expected 1, got "1"');
  rejects(validate, { type: 3 }, "$.type", "unknown type 3; expected one of 1, 2");
});

test("struct fields: lengths, bounds, optional, unknown and missing fields", () => {
  const q = (extra: object) => ({ type: "Query", text: "abc", ...extra });
  rejects(toKernel, q({ text: "" }), "$.text", "expected string of length >= 1, got length 0");
  rejects(
    toKernel,
    q({ text: "abcdef" }),
    "$.text",
    "expected string of length <= 5, got length 6",
  );
  rejects(toKernel, q({ text: null }), "$.text", "expected string, got null");
  rejects(toKernel, q({ text: 5 }), "$.text", "expected string, got 5");
  rejects(toKernel, q({ limit: 0 }), "$.limit", "expected integer >= 1, got 0");
  rejects(toKernel, q({ limit: -5 }), "$.limit", "expected integer >= 1, got -5");
  rejects(toKernel, q({ limit: 101 }), "$.limit", "expected integer <= 100, got 101");
  rejects(toKernel, q({ limit: 1.5 }), "$.limit", "expected integer, got 1.5");
  rejects(toKernel, q({ limit: "10" }), "$.limit", 'expected integer, got "10"');
  rejects(toKernel, q({ extra: 1 }), "$.extra", 'unexpected field "extra"');
  // Optional: absent and null are both fine, a wrong type names both alternatives.
  assert.equal(toKernel(q({})), null);
  assert.equal(toKernel(q({ cursor: null })), null);
  assert.equal(toKernel(q({ cursor: "c" })), null);
  rejects(toKernel, q({ cursor: 5 }), "$.cursor", "expected string or null, got 5");
  // undefined is not JSON: JSON.stringify would drop the key silently.
  rejects(toKernel, q({ cursor: undefined }), "$.cursor", "expected string or null, got undefined");
});

test("unicode lengths count code points, like Python", () => {
  const q = (text: string) => ({ type: "Query", text });
  assert.equal(toKernel(q("😀😀😀😀😀")), null); // 10 UTF-16 units, 5 code points
  rejects(toKernel, q("😀😀😀😀😀😀"), "$.text", "expected string of length <= 5, got length 6");
  assert.equal(toKernel(q("😀")), null);
  assert.equal(toKernel(q("e\u0301")), null); // two code points, as Python counts them
  const one = v({ type: "string", minLength: 2 });
  rejects(one, "😀", "$", "expected string of length >= 2, got length 1");
  assert.equal(one("😀😀"), null);
});

test("Optional of a tagged union", () => {
  const validate = v(OPTIONAL_UNION);
  assert.equal(validate(null), null);
  assert.equal(validate({ type: "Stop" }), null);
  rejects(validate, "Stop", "$", 'expected object or null, got "Stop"');
  rejects(validate, { type: "Nope" }, "$.type", 'unknown type "Nope"; expected one of Query, Stop');
});

test("nested arrays of structs report exact paths", () => {
  const hits: object[] = Array.from({ length: 5 }, (_, i) => ({ title: `t${i}`, score: 0.5 }));
  const msg = { type: "QueryResult", query: "q", hits };
  assert.equal(queryResult(msg), null);
  hits[2] = { title: "x", score: 1 };
  rejects(queryResult, msg, "$.hits[2].score", "expected number < 1, got 1");
  hits[2] = { title: "x", score: 0 };
  rejects(queryResult, msg, "$.hits[2].score", "expected number > 0, got 0");
  hits[2] = { score: 0.5 };
  rejects(queryResult, msg, "$.hits[2]", 'missing required field "title"');
  rejects(
    queryResult,
    { ...msg, hits: { 0: hits[0], length: 1 } },
    "$.hits",
    "expected array, got object",
  );
});

test("recursive $ref: a tree", () => {
  const node = v(NODE);
  const tree = { value: 1, children: [{ value: 2, children: [{ value: 3 }, { value: "4" }] }] };
  rejects(node, tree, "$.children[0].children[1].value", 'expected integer, got "4"');
  tree.children[0]?.children.pop();
  assert.equal(node(tree), null);
  // A hostile depth is an issue, not a crash.
  let deep: object = { value: 0 };
  for (let i = 0; i < 200_000; i++) deep = { value: i, children: [deep] };
  assert.deepEqual(node(deep), { path: "$", message: "value is nested too deeply to validate" });
});

test("integers beyond 2**53 - 1 and non-finite numbers are refused", () => {
  const integer = v({ type: "integer" });
  assert.equal(integer(9007199254740991), null);
  assert.equal(integer(-9007199254740991), null);
  rejects(
    integer,
    json("9007199254740993"),
    "$",
    "integer 9007199254740992 is outside JavaScript's safe range +-(2**53 - 1)",
  );
  rejects(
    integer,
    json("1e21"),
    "$",
    "integer 1000000000000000000000 is outside JavaScript's safe range +-(2**53 - 1)",
  );
  rejects(
    toKernel,
    json('{"type":"Query","text":"a","limit":9007199254740993}'),
    "$.limit",
    "integer 9007199254740992 is outside JavaScript's safe range +-(2**53 - 1)",
  );
  rejects(integer, Number.NaN, "$", "expected integer, got NaN");
  rejects(integer, Number.POSITIVE_INFINITY, "$", "expected integer, got Infinity");
  const number = v({ type: "number" });
  assert.equal(number(2 ** 60), null); // a float field may hold any finite number
  rejects(number, json("1e400"), "$", "expected finite number, got Infinity");
  rejects(number, Number.NaN, "$", "expected finite number, got NaN");
  rejects(number, Number.NEGATIVE_INFINITY, "$", "expected finite number, got -Infinity");
  rejects(number, 10n, "$", "expected number, got 10");
});

test("enums from enum.Enum, IntEnum and Literal", () => {
  assert.equal(misc(MISC_OK), null);
  miscField(
    "color",
    ["green"],
    [["blue", "$.color", 'expected one of "green", "red", got "blue"']],
  );
  miscField(
    "level",
    [2],
    [
      [3, "$.level", "expected one of 1, 2, got 3"],
      ["1", "$.level", 'expected one of 1, 2, got "1"'],
    ],
  );
  miscField("lit", ["a", "b"], [["c", "$.lit", 'expected one of null, "a", "b", got "c"']]);
  // A lone struct (no union) checks its tag like any one-value enum.
  miscField("kind", [], [["other", "$.kind", 'expected "misc", got "other"']]);
  const one = v({ const: "x" });
  assert.equal(one("x"), null);
  rejects(one, "y", "$", 'expected "x", got "y"');
});

test("date, time and date-time formats, as msgspec parses them", () => {
  miscField(
    "aware",
    [
      "2024-01-02T03:04:05.123456789+23:59",
      "2024-01-02t03:04:05z",
      "2024-01-02 03:04:05-0130",
      "2000-02-29T00:00:00Z",
    ],
    [
      // A naive datetime: JavaScript could not tell which instant it is.
      [
        "2024-01-02T03:04:05",
        "$.aware",
        'expected RFC 3339 date-time with a timezone, got "2024-01-02T03:04:05"',
      ],
      [
        "1900-02-29T00:00:00Z",
        "$.aware",
        'expected RFC 3339 date-time with a timezone, got "1900-02-29T00:00:00Z"',
      ],
      [
        "2024-01-02T24:00:00Z",
        "$.aware",
        'expected RFC 3339 date-time with a timezone, got "2024-01-02T24:00:00Z"',
      ],
      [
        "2024-01-02T03:04Z",
        "$.aware",
        'expected RFC 3339 date-time with a timezone, got "2024-01-02T03:04Z"',
      ],
      [
        "2024-01-02T03:04:05+24:00",
        "$.aware",
        'expected RFC 3339 date-time with a timezone, got "2024-01-02T03:04:05+24:00"',
      ],
    ],
  );
  miscField(
    "day",
    ["2024-02-29", "0001-01-01"],
    [
      ["2023-02-29", "$.day", 'expected RFC 3339 date (YYYY-MM-DD), got "2023-02-29"'],
      ["0000-01-01", "$.day", 'expected RFC 3339 date (YYYY-MM-DD), got "0000-01-01"'],
      ["2024-04-31", "$.day", 'expected RFC 3339 date (YYYY-MM-DD), got "2024-04-31"'],
    ],
  );
  miscField(
    "t",
    ["23:59:59.999Z", "03:04:05-0100"],
    [["03:04:05", "$.t", 'expected RFC 3339 time with a timezone, got "03:04:05"']],
  );
  miscField(
    "naive_t",
    ["03:04:05"],
    [
      [
        "03:04:05Z",
        "$.naive_t",
        'expected time without a timezone (HH:MM:SS[.ffffff]), got "03:04:05Z"',
      ],
    ],
  );
});

test("uuid, base64, decimal and duration formats", () => {
  miscField(
    "u",
    ["C0A8F1A21B2C4D5E8F90123456789ABC"],
    [
      [
        "{c0a8f1a2-1b2c-4d5e-8f90-123456789abc}",
        "$.u",
        'expected UUID, got "{c0a8f1a2-1b2c-4d5e-8f90-123456789abc}"',
      ],
    ],
  );
  miscField(
    "b",
    ["", "AA==", "+/8=", "AAAAAAAA"],
    [
      ["AA", "$.b", 'expected base64 string, got "AA"'],
      ["-_8=", "$.b", 'expected base64 string, got "-_8="'],
    ],
  );
  miscField(
    "dec",
    ["-0", "1e5", "nan", "-Infinity", " 1 ", "\x1c1\u3000", "1_000", "_1_", ".5", "5.", "١٢"],
    [
      ["\ufeff1", "$.dec", 'expected decimal string, got "\ufeff1"'], // not whitespace to Python
      ["0x10", "$.dec", 'expected decimal string, got "0x10"'],
      [".", "$.dec", 'expected decimal string, got "."'],
      [1.5, "$.dec", "expected string, got 1.5"],
    ],
  );
  miscField(
    "td",
    ["P1D", "PT1.5H", "-P1D", "p1dt1h", "P1DT1H1M1.5S"],
    [
      ["P1W", "$.td", 'expected ISO 8601 duration, got "P1W"'],
      ["P1DT1.5H2M", "$.td", 'expected ISO 8601 duration, got "P1DT1.5H2M"'],
      ["PT", "$.td", 'expected ISO 8601 duration, got "PT"'],
    ],
  );
});

test("tuples, variadic tuples, lists and sets", () => {
  miscField(
    "tup",
    [],
    [
      [[1], "$.tup", "expected array of length 2, got length 1"],
      [[1, "x", 2], "$.tup", "expected array of length 2, got length 3"],
      [["x", 1], "$.tup[0]", 'expected integer, got "x"'],
    ],
  );
  miscField("vt", [[], [1, 2, 3]], [[[1, "a"], "$.vt[1]", 'expected integer, got "a"']]);
  miscField(
    "ll",
    [[1, 2, 3]],
    [
      [[], "$.ll", "expected array of length >= 1, got length 0"],
      [[1, 2, 3, 4], "$.ll", "expected array of length <= 3, got length 4"],
    ],
  );
  miscField("fs", [[], [3, 1, 2]], [[[1, 2, 1], "$.fs[2]", "duplicate item: equal to item 0"]]);
  const unique = v({ type: "array", uniqueItems: true });
  rejects(
    unique,
    [
      { a: 1, b: [2] },
      { b: [2], a: 1 },
    ],
    "$[1]",
    "duplicate item: equal to item 0",
  );
  assert.equal(unique([1, "1", [1], ["1"], { a: 1 }, { a: "1" }]), null);
  // array_like Struct: prefixItems without items, so trailing items are allowed.
  const pair = v(PAIR);
  assert.equal(pair([1]), null);
  assert.equal(pair([1, "a", "extra"]), null);
  rejects(pair, [], "$", "expected array of length >= 1, got length 0");
  rejects(pair, [1, 2], "$[1]", "expected string, got 2");
  const closed = v({ type: "array", prefixItems: [{ type: "integer" }], items: false });
  rejects(closed, [1, 2], "$[1]", "unexpected item: at most 1 allowed");
});

test("dicts: additionalProperties, propertyNames, min and max properties", () => {
  miscField(
    "d",
    [{}, { "any key": 1 }],
    [[{ a: 1, "b c": "x" }, '$.d["b c"]', 'expected integer, got "x"']],
  );
  miscField(
    "dd",
    [{ a: 1, b: 2 }],
    [
      [{}, "$.dd", "expected object with at least 1 fields, got 0"],
      [{ a: 1, b: 2, c: 3 }, "$.dd", "expected object with at most 2 fields, got 3"],
      [{ "": 1 }, '$.dd[""]', 'invalid key "": expected string of length >= 1, got length 0'],
    ],
  );
  miscField("opt", [5], [[1.5, "$.opt", "expected integer, got 1.5"]]);
  miscField(
    "un",
    [5, "s", null],
    [
      [1.5, "$.un", "expected integer, got 1.5"],
      [true, "$.un", "expected integer or string or null, got true"],
    ],
  );
  const { kind: _, ...noKind } = MISC_OK;
  rejects(misc, noKind, "$", 'missing required field "kind"');
  const { td: __, ...noTd } = MISC_OK;
  rejects(misc, noTd, "$", 'missing required field "td"');
});

test("numbers: multipleOf uses fmod like msgspec, and bounds", () => {
  miscField(
    "m",
    [0, 3, 2.5],
    [
      [-0.5, "$.m", "expected number >= 0, got -0.5"],
      [1.25, "$.m", "expected number that is a multiple of 0.5, got 1.25"],
    ],
  );
  const tenth = v({ type: "number", multipleOf: 0.1 });
  assert.equal(tenth(0.2), null);
  rejects(tenth, 0.3, "$", "expected number that is a multiple of 0.1, got 0.3"); // msgspec agrees
  const int = v({ type: "integer", exclusiveMinimum: 0, exclusiveMaximum: 5, multipleOf: 3 });
  assert.equal(int(3), null);
  rejects(int, 6, "$", "expected integer < 5, got 6");
  rejects(int, 2, "$", "expected integer that is a multiple of 3, got 2");
});

test("patterns: Python re semantics where they differ from JavaScript", () => {
  miscField(
    "p",
    ["abc", "abc\n"],
    [
      ["ABC", "$.p", 'expected string matching "^[a-z]+$", got "ABC"'],
      ["abc\n\n", "$.p", 'expected string matching "^[a-z]+$", got "abc\\n\\n"'],
    ],
  );
  const digits = v({ type: "string", pattern: String.raw`^\d+$` });
  assert.equal(digits("١٢٣"), null); // Python's \d is any Unicode decimal digit
  const word = v({ type: "string", pattern: String.raw`^\w+\Z` });
  assert.equal(word("été_1"), null);
  assert.notEqual(word("été\n"), null); // \Z is the very end
  const named = v({ type: "string", pattern: String.raw`^(?P<x>[ab])-(?P=x)\-\#$` });
  assert.equal(named("a-a-#"), null);
  assert.notEqual(named("a-b-#"), null);
  const dot = v({ type: "string", pattern: "^a.b$" });
  assert.equal(dot("a\rb"), null); // Python's . only excludes \n
  assert.notEqual(dot("a\nb"), null);
  const cls = v({ type: "string", pattern: String.raw`^[]\w-]+$` });
  assert.equal(cls("]é-"), null);
  const search = v({ type: "string", pattern: "b" }); // re.search, not re.match
  assert.equal(search("abc"), null);
  assert.throws(
    () => v({ type: "string", pattern: "(?i)abc" }),
    /pattern "\(\?i\)abc" at # is not supported/,
  );
});

test("type lists, oneOf, boolean schemas, keywords without type", () => {
  const strOrNull = v({ type: ["string", "null"], minLength: 2 });
  assert.equal(strOrNull(null), null);
  rejects(strOrNull, "a", "$", "expected string of length >= 2, got length 1");
  rejects(strOrNull, 1, "$", "expected string or null, got 1");
  const one = v({ oneOf: [{ type: "integer" }, { type: "number", minimum: 10 }] });
  rejects(one, 1.5, "$", "expected integer, got 1.5"); // all fail at the top: the first says why
  rejects(one, 20, "$", "value matches more than one alternative of oneOf");
  assert.equal(one(3), null);
  assert.equal(one(10.5), null);
  assert.equal(v(true)(1), null);
  rejects(v(true), Symbol("x"), "$", "expected a JSON value, got symbol"); // JSON would drop it
  rejects(v(false), 1, "$", "no value is allowed here");
  rejects(v({}), undefined, "$", "expected a JSON value, got undefined");
  const loose = v({ minLength: 2, minimum: 3 });
  assert.equal(loose(true), null);
  rejects(loose, "a", "$", "expected string of length >= 2, got length 1");
  rejects(loose, 1, "$", "expected number >= 3, got 1");
});

test("odd keys: paths, and keys named like Object.prototype members", () => {
  const odd = v(ODD);
  assert.equal(odd(json('{"odd key": 1, "__proto__": 2, "constructor": "c"}')), null);
  assert.equal(odd({ "odd key": 1 }), null);
  rejects(odd, {}, "$", 'missing required field "odd key"');
  rejects(odd, { "odd key": "1" }, '$["odd key"]', 'expected integer, got "1"');
  rejects(
    odd,
    json('{"odd key": 1, "__proto__": "x"}'),
    "$.__proto__",
    'expected integer or null, got "x"',
  );
  rejects(odd, { "odd key": 1, constructor: 5 }, "$.constructor", "expected string or null, got 5");
  const needs = v(json('{"type": "object", "required": ["constructor", "toString"]}'));
  rejects(needs, {}, "$", 'missing required field "constructor"'); // not found on the prototype
});

test("prototype pollution payloads are validated by their own keys", () => {
  const payload = json('{"__proto__": {"x": 1}, "type": "Query", "text": "a"}');
  rejects(toKernel, payload, "$.__proto__", 'unexpected field "__proto__"');
  assert.equal(toKernel(json('{"__proto__": {"x": 1}, "type": "Stop"}')), null);
  const dict = v({
    type: "object",
    additionalProperties: { type: "object", additionalProperties: { type: "integer" } },
  });
  assert.equal(dict(json('{"__proto__": {"polluted": 1}, "constructor": {"prototype": 2}}')), null);
  rejects(
    dict,
    json('{"__proto__": {"polluted": "x"}}'),
    "$.__proto__.polluted",
    'expected integer, got "x"',
  );
  const unique = v({ type: "array", uniqueItems: true });
  rejects(
    unique,
    json('[{"__proto__": {"a": 1}}, {"__proto__": {"a": 1}}]'),
    "$[1]",
    "duplicate item: equal to item 0",
  );
  assert.equal(unique(json('[{"__proto__": {"a": 1}}, {"__proto__": {"a": 2}}]')), null);
  // A tag inherited through the prototype is no tag: objects must be plain.
  rejects(toKernel, Object.create({ type: "Stop" }), "$", "expected object, got non-plain object");
  rejects(toKernel, new Date(0), "$", "expected object, got Date");
  const nullProto = Object.assign(Object.create(null), { type: "Stop" });
  assert.equal(toKernel(nullProto), null);
  // A schema property named "__proto__" (from JSON) is a property like any other.
  const schema = json(
    '{"type": "object", "properties": {"__proto__": {"type": "string"}}, "required": ["__proto__"]}',
  );
  const validate = v(schema);
  rejects(validate, {}, "$", 'missing required field "__proto__"');
  assert.equal(validate(json('{"__proto__": "s"}')), null);
  rejects(validate, json('{"__proto__": 1}'), "$.__proto__", "expected string, got 1");
  for (const key of ["x", "polluted", "prototype", "a"])
    assert.equal(key in {}, false, `Object.prototype.${key}`);
});

test("fields in any order, unknown ones anywhere: the order last seen is only a guess", () => {
  const good = [
    '{"type":"QueryResult","query":"q","hits":[]}',
    '{"hits":[],"query":"q","type":"QueryResult"}',
    '{"extra":1,"type":"QueryResult","hits":[],"query":"q"}',
    '{"type":"QueryResult","extra":1,"query":"q","more":{},"hits":[]}',
    '{"type":"QueryResult","query":"q","hits":[]}',
  ];
  for (let round = 0; round < 3; round++)
    for (const text of good) assert.equal(queryResult(json(text)), null, text);
  rejects(
    queryResult,
    json('{"query":"q","type":"QueryResult","extra":1}'),
    "$",
    'missing required field "hits"',
  );
  rejects(
    queryResult,
    json('{"extra":1,"query":1,"type":"QueryResult","hits":[]}'),
    "$.query",
    "expected string, got 1",
  );
  rejects(toKernel, json('{"type":"Query","text":"a","x":1}'), "$.x", 'unexpected field "x"');
  rejects(toKernel, json('{"x":1,"type":"Query","text":"a"}'), "$.x", 'unexpected field "x"');
  rejects(toKernel, json('{"text":"a","type":"Query","x":1}'), "$.x", 'unexpected field "x"');
});

test("values accepted inline get the closures' exact issues otherwise", () => {
  const validate = v(
    json(`{"type": "object", "properties": {
    "opt": {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "null"}]},
    "color": {"$ref": "#/$defs/Color"}, "flag": {"type": "boolean"}, "none": {"type": "null"},
    "ints": {"type": "array", "items": {"type": "integer", "minimum": 0}}, "big": {"type": "integer"},
    "short": {"type": "string", "minLength": 2, "maxLength": 3}, "x": {"type": "number", "exclusiveMaximum": 1}
  }}`),
  );
  const full = {
    opt: null,
    color: "red",
    flag: false,
    none: null,
    ints: [0, 5],
    big: 2 ** 53 - 1,
    short: "😀😀",
    x: 0.5,
  };
  for (let i = 0; i < 3; i++) assert.equal(validate(full), null);
  assert.equal(validate({ opt: "ab", short: "abc", ints: [] }), null);
  rejects(validate, { opt: "abc" }, "$.opt", "expected string of length <= 2, got length 3");
  rejects(validate, { opt: 1 }, "$.opt", "expected string or null, got 1");
  rejects(validate, { color: "blue" }, "$.color", 'expected one of "green", "red", got "blue"');
  rejects(validate, { color: null }, "$.color", 'expected one of "green", "red", got null');
  rejects(validate, { flag: 0 }, "$.flag", "expected boolean, got 0");
  rejects(validate, { none: false }, "$.none", "expected null, got false");
  rejects(validate, { ints: [1, -1] }, "$.ints[1]", "expected integer >= 0, got -1");
  rejects(validate, { ints: [1, 1.5] }, "$.ints[1]", "expected integer, got 1.5");
  rejects(validate, { ints: [1, null] }, "$.ints[1]", "expected integer, got null");
  rejects(validate, { ints: null }, "$.ints", "expected array, got null");
  rejects(
    validate,
    { big: 2 ** 53 },
    "$.big",
    "integer 9007199254740992 is outside JavaScript's safe range +-(2**53 - 1)",
  );
  rejects(
    validate,
    { short: "😀😀😀😀" },
    "$.short",
    "expected string of length <= 3, got length 4",
  );
  rejects(validate, { short: "a" }, "$.short", "expected string of length >= 2, got length 1");
  rejects(validate, { x: 1 }, "$.x", "expected number < 1, got 1");
  rejects(validate, { x: Number.NaN }, "$.x", "expected finite number, got NaN");
});

test("unsupported or invalid schemas fail at compile time with a JSON pointer", () => {
  const cases: [unknown, RegExp][] = [
    [{ if: { type: "string" } }, /unsupported keyword "if" at #$/],
    [
      { type: "object", properties: { x: { not: { type: "null" } } } },
      /unsupported keyword "not" at #\/properties\/x$/,
    ],
    [{ $dynamicRef: "#x" }, /unsupported keyword "\$dynamicRef" at #$/],
    [{ allOf: [] }, /unsupported keyword "allOf"/],
    [{ type: "object", patternProperties: {} }, /unsupported keyword "patternProperties"/],
    [{ type: "array", items: { contains: {} } }, /unsupported keyword "contains" at #\/items$/],
    [{ foo: 1 }, /unsupported keyword "foo" at #$/],
    [{ type: "string", format: "email" }, /unsupported format "email" at #$/],
    [{ type: "string", contentEncoding: "base32" }, /unsupported contentEncoding "base32"/],
    [{ type: "strin" }, /unknown type "strin" at #\/type$/],
    [{ $ref: "#/definitions/X" }, /unsupported \$ref "#\/definitions\/X" at #\/\$ref/],
    [{ $ref: "#/$defs/Missing" }, /unresolved \$ref "#\/\$defs\/Missing" at #\/\$ref/],
    [{ $ref: "#/$defs/Bad" }, /unsupported keyword "then" at #\/\$defs\/Bad\/properties\/a~1b$/],
    [{ $ref: "#/$defs/Query", type: "object" }, /"\$ref" next to "type" at # is not supported/],
    [{ enum: [{ a: 1 }] }, /enum at #\/enum must list strings, numbers, booleans or null/],
    [{ type: "integer", minimum: "1" }, /minimum at # must be a number/],
    [
      { anyOf: [{ type: "null" }], discriminator: { propertyName: "t" } },
      /discriminator at #\/discriminator needs/,
    ],
    [
      { discriminator: { propertyName: "t", mapping: {} } },
      /"discriminator" at # needs exactly one of "anyOf" or "oneOf"/,
    ],
    [[], /schema at # must be an object or a boolean/],
  ];
  const defs = { Bad: { type: "object", properties: { "a/b": { then: {} } } } };
  for (const [schema, pattern] of cases) {
    assert.throws(
      () => v(schema, defs),
      (error: unknown) => error instanceof SchemaError && pattern.test(error.message),
    );
  }
  assert.throws(() => compile({}, {} as SchemaBundle), SchemaError);
  // Annotations and x- extensions are fine.
  assert.equal(
    v({ title: "t", description: "d", default: 1, examples: [1], "x-note": 1, type: "integer" })(1),
    null,
  );
});

test("a schema that fixes no kind refuses what JSON would change, with its path", () => {
  const bundle: SchemaBundle = {
    $defs: {
      Box: {
        type: "object",
        properties: { any: {}, dict: { type: "object", additionalProperties: {} } },
        required: ["any"],
      },
    },
  };
  const box = compile({ $ref: "#/$defs/Box" }, bundle);
  const shared = { ok: [1, "a", null, true, { deep: [[-0, 1e300]] }] };
  assert.equal(box({ any: shared, dict: { a: shared, b: shared } }), null);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(box({ any: cyclic }), null); // JSON.stringify refuses it when sending
  const refused: [unknown, string, string][] = [
    [new Map(), "$.any", "expected a JSON value, got Map"],
    [{ when: new Date(0) }, "$.any.when", "expected a JSON value, got Date"],
    [[1, [2, new Set()]], "$.any[1][1]", "expected a JSON value, got Set"],
    [{ gone: undefined }, "$.any.gone", "expected a JSON value, got undefined"],
    [[Number.NaN], "$.any[0]", "expected a JSON value, got NaN"],
    [{ x: -Infinity }, "$.any.x", "expected a JSON value, got -Infinity"],
    [() => 1, "$.any", "expected a JSON value, got function"],
    [10n, "$.any", "expected a JSON value, got bigint"],
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is tested
    [[1, , 3], "$.any[1]", "a hole in an array: JSON would write null"],
    [Object.create({ inherited: 1 }), "$.any", "expected a JSON value, got non-plain object"],
  ];
  for (const [value, path, message] of refused) rejects(box, { any: value }, path, message);
  rejects(
    box,
    { any: 1, dict: { "a b": new Map() } },
    '$.dict["a b"]',
    "expected a JSON value, got Map",
  );
  // The boolean schema `true` means the same.
  rejects(compile(true, bundle), [new Date(0)], "$[0]", "expected a JSON value, got Date");
  // A schema that fixes the kind checks it as before.
  rejects(compile({ type: "object" }, bundle), new Map(), "$", "expected object, got Map");
});

test("describeType", () => {
  const cases: [unknown, string][] = [
    [null, "null"],
    [true, "boolean"],
    [1, "integer"],
    [1.5, "number"],
    [Number.NaN, "number"],
    ["s", "string"],
    [[], "array"],
    [{}, "object"],
    [Object.create(null), "object"],
    [undefined, "undefined"],
    [1n, "bigint"],
    [new Map(), "Map"],
    [Object.create({}), "non-plain object"],
  ];
  for (const [value, name] of cases) assert.equal(describeType(value), name);
});

const TOOL = fileURLToPath(new URL("../tools/validate-stdin.mjs", import.meta.url));

test("validate-stdin answers line by line, in ASCII, and exits at EOF", async () => {
  const child = spawn(process.execPath, [TOOL], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (text: string): Promise<unknown> => {
    child.stdin.write(`${JSON.stringify(text)}\n`);
    const { value } = await lines.next(); // the answer comes before more input: nothing is buffered
    assert.match(value as string, /^[\x20-\x7e]*$/);
    return JSON.parse(value as string);
  };
  child.stdin.write(`${JSON.stringify({ schema: TO_KERNEL, $defs: FIXTURE.$defs })}\n`);
  const query = { type: "Query", text: "a\u2028😀", limit: 10 };
  assert.deepEqual(await ask(JSON.stringify(query)), { ok: true, echo: query });
  const unknown = {
    ok: false,
    path: "$.type",
    message: 'unknown type "Foo"; expected one of Query, Stop',
  };
  assert.deepEqual(await ask('{"type":"Foo"}'), unknown);
  assert.deepEqual(await ask('{"type":"Query","text":"a","limit":9007199254740993}'), {
    ok: false,
    path: "$.limit",
    message: "integer 9007199254740992 is outside JavaScript's safe range +-(2**53 - 1)",
  });
  const broken = (await ask("{")) as { ok: boolean; path: string };
  assert.deepEqual([broken.ok, broken.path], [false, "$"]);
  child.stdin.end();
  assert.equal(await new Promise((resolve) => child.on("exit", resolve)), 0);
});

test("validate-stdin reports a schema that does not compile, with status 2", async () => {
  const child = spawn(process.execPath, [TOOL], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stdin.end(`${JSON.stringify({ schema: { not: {} }, $defs: {} })}\n"1"\n`);
  assert.equal(await new Promise((resolve) => child.on("exit", resolve)), 2);
  assert.deepEqual(JSON.parse(out), { ok: false, schemaError: 'unsupported keyword "not" at #' });
});

test("benchmark: JSON.parse + validate vs JSON.parse alone, after the other tests (prints)", () => {
  benchmark("after the other tests");
});

// Last: polluting Object.prototype, even briefly, slows V8 down for the rest of the process.
test("a polluted Object.prototype adds no field, also to validators V8 has optimized", () => {
  const good = JSON.stringify({
    type: "QueryResult",
    query: "q",
    hits: [{ title: "t", score: 0.5 }],
  });
  for (let i = 0; i < 100_000; i++) {
    assert.equal(queryResult(JSON.parse(good)), null);
    assert.equal(toKernel(JSON.parse('{"type":"Stop"}')), null);
  }
  const proto = Object.prototype as Record<string, unknown>;
  const inherited = {
    type: "Stop",
    query: "q",
    hits: [],
    title: "t",
    score: 0.5,
    text: "x",
    kind: "misc",
  };
  const check = () => {
    rejects(
      toKernel,
      json("{}"),
      "$",
      'missing required field "type"; expected one of Query, Stop',
    );
    rejects(toKernel, json('{"type":"Query"}'), "$", 'missing required field "text"');
    rejects(
      queryResult,
      json('{"type":"QueryResult","query":"q"}'),
      "$",
      'missing required field "hits"',
    );
    rejects(
      queryResult,
      json('{"type":"QueryResult","hits":[{"title":"t"}],"query":"q"}'),
      "$.hits[0]",
      'missing required field "score"',
    );
    rejects(misc, json("{}"), "$", 'missing required field "kind"');
    assert.equal(queryResult(JSON.parse(good)), null);
  };
  try {
    Object.assign(proto, inherited); // enumerable: for-in walks these keys too
    check();
    for (const key of Object.keys(inherited)) delete proto[key];
    // Inherited getters are never even read.
    const get = () => assert.fail("read an inherited key");
    for (const key of Object.keys(inherited))
      Object.defineProperty(proto, key, { get, configurable: true });
    check();
  } finally {
    for (const key of Object.keys(inherited)) delete proto[key];
  }
});
