import assert from "node:assert/strict";
import { test } from "node:test";
import { type Entry, packFrames, readFrame } from "../src/wire";

test("small messages share one batch, in order", () => {
  const entries: Entry[] = Array.from({ length: 1000 }, (_, i) => [i + 1, `m${i}`]);
  const frames = packFrames(entries);
  assert.deepEqual(frames, [{ b: entries }]);
});

test("batches split at the size limit without reordering", () => {
  const entries: Entry[] = Array.from({ length: 10 }, (_, i) => [i + 1, "x".repeat(40)]);
  const frames = packFrames(entries, 100);
  assert.equal(frames.length, 5);
  const flat = frames.flatMap((frame) => ("b" in frame ? frame.b : []));
  assert.deepEqual(flat, entries);
});

test("a large message becomes ordered pieces between batches", () => {
  const big = "a".repeat(250);
  const frames = packFrames([[1, "x"], [2, big], [3, "y"]], 100);
  assert.deepEqual(frames[0], { b: [[1, "x"]] });
  const pieces = frames.slice(1, -1);
  assert.deepEqual(
    pieces.map((frame) => ("c" in frame ? [frame.c[0], frame.c[1].length, frame.c[2]] : null)),
    [[2, 100, false], [2, 100, false], [2, 50, true]],
  );
  assert.deepEqual(frames.at(-1), { b: [[3, "y"]] });
});

test("pieces never split a surrogate pair", () => {
  const text = "😀".repeat(100); // 200 UTF-16 units
  const frames = packFrames([[1, text]], 51);
  const pieces = frames.map((frame) => ("c" in frame ? frame.c[1] : ""));
  assert.equal(pieces.join(""), text);
  for (const piece of pieces) {
    assert.doesNotMatch(piece, /^[\udc00-\udfff]|[\ud800-\udbff]$/u, "a piece splits a pair");
  }
});

test("readFrame keeps good entries and names bad ones", () => {
  const { entries, problems } = readFrame({ b: [[1, "a"], [1.5, "b"], ["2", "c"], [3, 4], [4, "d"]] });
  assert.deepEqual(entries, [[1, "a"], [4, "d"]]);
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? "", /batch item 1/);
  assert.deepEqual(readFrame("nope").problems, ["not a tunnel frame"]);
  assert.deepEqual(readFrame(JSON.parse('{"__proto__": {"b": [[1, "x"]]}}')).entries, []);
});
