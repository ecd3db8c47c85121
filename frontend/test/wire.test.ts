import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ENTRY_OVERHEAD_UNITS,
  type Entry,
  Kind,
  packFrames,
  splitText,
  viewFrame,
} from "../src/tunnel/wire";
import { readKernelEntry, readKernelFrame, readViewFrame } from "../src/tunnel/wire-read";

test("small entries share one frame, numbered from the first seq, in order", () => {
  const entries: Entry[] = Array.from({ length: 1000 }, (_, i) => [i + 1, `m${i}`]);
  assert.deepEqual(packFrames(7, entries), [{ s: 7, b: entries }]);
});

test("batches split at the size limit without reordering, each with its own first seq", () => {
  const entries: Entry[] = Array.from({ length: 10 }, (_, i) => [i + 1, "x".repeat(40)]);
  const frames = packFrames(1, entries, 100);
  assert.equal(frames.length, 5);
  assert.deepEqual(
    frames.map((frame) => frame.s),
    [1, 3, 5, 7, 9],
  );
  assert.deepEqual(
    frames.flatMap((frame) => frame.b),
    entries,
  );
});

test("a flood of tiny entries still splits: each entry costs its overhead too", () => {
  const entries: Entry[] = Array.from({ length: 100 }, (_, i) => [i + 1, ""]);
  const frames = packFrames(1, entries, 10 * ENTRY_OVERHEAD_UNITS);
  assert.equal(frames.length, 10);
  assert.ok(frames.every((frame) => frame.b.length === 10));
});

test("a large entry becomes k pieces with one seq, between batches", () => {
  const big = "a".repeat(250);
  const frames = packFrames(
    1,
    [
      [1, "x"],
      [2, big, Kind.Reply],
      [3, "y"],
    ],
    100,
  );
  assert.deepEqual(frames[0], { s: 1, b: [[1, "x"]] });
  assert.deepEqual(
    frames
      .slice(1, -1)
      .map((frame) => [frame.s, frame.k, frame.b[0]?.[0], frame.b[0]?.[1].length, frame.b[0]?.[2]]),
    [
      [2, [0, 3], 2, 100, Kind.Reply],
      [2, [1, 3], 2, 100, Kind.Reply],
      [2, [2, 3], 2, 50, Kind.Reply],
    ],
  );
  assert.deepEqual(frames.at(-1), { s: 3, b: [[3, "y"]] });
});

test("pieces never split a surrogate pair, even with a tiny limit", () => {
  const text = "😀".repeat(100); // 200 UTF-16 units
  for (const limit of [1, 2, 3, 51]) {
    const pieces = splitText(text, limit);
    assert.equal(pieces.join(""), text);
    for (const piece of pieces) {
      assert.ok(piece.length > 0);
      assert.doesNotMatch(
        piece,
        /^[\udc00-\udfff]|[\ud800-\udbff]$/u,
        `limit ${limit} split a pair`,
      );
    }
  }
});

test("viewFrame puts the peer id first and only the fields given", () => {
  assert.deepEqual(viewFrame("abc", { a: 3 }, { s: 4, b: [[1, "x"]] }), {
    p: "abc",
    s: 4,
    b: [[1, "x"]],
    a: 3,
  });
  assert.deepEqual(Object.keys(viewFrame("abc", { x: 1 })), ["p", "x"]);
});

test("readKernelFrame keeps good entries, keeps the place of bad ones and names them", () => {
  const read = readKernelFrame(
    {
      s: 5,
      b: [
        [1, "a"],
        [1.5, "b"],
        ["2", "c"],
        [3, 4],
        [4, "d", 3],
        [5, "e", 0, "me"],
        [6, "f", 9],
      ],
    },
    "me",
  );
  assert.deepEqual(read.data?.seq, 5);
  assert.deepEqual(read.data?.entries, [
    [1, "a", 0, null],
    null,
    null,
    null,
    [4, "d", 3, null],
    [5, "e", 0, "me"],
    null,
  ]);
  assert.equal(read.problems.length, 4);
  assert.match(read.problems[0] ?? "", /entry 1 \(seq 6\)/);
});

test("readKernelFrame reads this view's part of each map and ignores the others", () => {
  const read = readKernelFrame(
    { a: { me: 4, other: "x" }, h: { me: 2 }, n: { other: 3 }, g: { me: [2, 5] }, t: 9 },
    "me",
  );
  assert.deepEqual(
    [read.ack, read.base, read.nack, read.gone, read.tail, read.data],
    [4, 2, null, [2, 5], 9, null],
  );
  assert.deepEqual(read.problems, []);
});

test("readKernelFrame reports malformed fields and never throws", () => {
  assert.match(readKernelFrame("nope", "me").problems[0] ?? "", /not a tunnel frame/);
  assert.match(
    readKernelFrame({ c: [1, "old v1 chunk", true] }, "me").problems[0] ?? "",
    /not a tunnel frame/,
  );
  const bad = readKernelFrame(
    { a: [1], h: { me: 0 }, g: { me: [5, 2] }, t: -1, s: 0, b: [] },
    "me",
  );
  assert.equal(bad.problems.length, 5);
  assert.deepEqual(
    [bad.ack, bad.base, bad.gone, bad.tail, bad.data],
    [null, null, null, null, null],
  );
  const piece = readKernelFrame({ s: 1, k: [0, 2], b: [[1, "half"]] }, "me");
  assert.equal(piece.data, null, "a piece is never taken for a whole entry");
  assert.match(piece.problems[0] ?? "", /no pieces/);
  const weird = [
    null,
    1,
    [],
    { s: 1, b: "x" },
    { a: null },
    { h: { me: { valueOf: () => 1 } } },
    { b: [[1, "x"]] },
  ];
  for (const value of weird) assert.doesNotThrow(() => readKernelFrame(value, "me"));
});

test("own keys only: __proto__ and inherited names never count", () => {
  assert.equal(
    readKernelFrame(JSON.parse('{"__proto__": {"s": 1, "b": [[1, "x"]]}}'), "me").data,
    null,
  );
  assert.equal(readKernelFrame({ a: JSON.parse('{"__proto__": {"me": 3}}') }, "me").ack, null);
  assert.equal(
    readKernelFrame({ a: { constructor: 1 } }, "constructor").ack,
    1,
    "an odd peer id is still a key",
  );
  assert.equal(readKernelFrame({ a: {} }, "toString").ack, null);
  assert.equal(readKernelEntry([1, "x", 0, "__proto__"])?.[3], "__proto__");
});

test("readViewFrame reads every field a view sends", () => {
  const frame = readViewFrame({
    p: "view1",
    s: 3,
    b: [
      [1, "x"],
      [2, "y", 1],
    ],
    a: 4,
    w: 4,
    n: 2,
    g: [1, 2],
    x: 1,
    h: { v: 2, f: null, w: 0, caps: { subshells: "perComm", supportsSubshells: true } },
  });
  assert.deepEqual(frame.problems, []);
  assert.equal(frame.peer, "view1");
  assert.deepEqual(frame.data, {
    seq: 3,
    entries: [
      [1, "x"],
      [2, "y", 1],
    ],
    piece: null,
  });
  assert.deepEqual(
    [frame.ack, frame.probe, frame.nack, frame.gone, frame.bye],
    [4, 4, 2, [1, 2], true],
  );
  assert.deepEqual(frame.hello, {
    v: 2,
    f: null,
    w: 0,
    caps: { subshells: "perComm", supportsSubshells: true },
  });
  assert.deepEqual(
    readViewFrame({ p: "v", s: 9, k: [1, 3], b: [[1, "piece"]] }).data?.piece,
    [1, 3],
  );
  assert.equal(readViewFrame({ p: "v", s: 9, k: [3, 3], b: [[1, "piece"]] }).data, null);
  assert.match(readViewFrame({ s: 1, b: [[1, "x"]] }).problems[0] ?? "", /peer id/);
  assert.match(readViewFrame({ p: "v", h: { v: 1 } }).problems[0] ?? "", /unknown protocol/);
});
