// Unions: anyOf and oneOf, and tagged unions (a discriminator whose tag selects the branch).

import {
  at,
  type Compiler,
  defName,
  esc,
  type Fail,
  type Fn,
  fail,
  hasOwn,
  isPlain,
  type Kind,
  kindOf,
  type Obj,
  own,
  q,
  SchemaError,
  show,
} from "./validate-common";

// The JSON types a schema accepts, read without compiling (null: any). Unions use them to try
// only the branches that can match, and to say what they expected.
function typesOf(c: Compiler, s: unknown, seen: Set<string>): Set<string> | null {
  if (!isPlain(s)) return s === false ? new Set() : null;
  const target = own(s, "$ref");
  if (typeof target === "string" && target.startsWith("#/$defs/") && !seen.has(target)) {
    return typesOf(c, own(c.defs, defName(target)), seen.add(target));
  }
  const type = own(s, "type");
  if (type !== undefined) return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
  const list = own(s, "enum") ?? (hasOwn(s, "const") ? [s.const] : undefined);
  if (Array.isArray(list)) return new Set(list.map((x) => (x === null ? "null" : typeof x)));
  const branches = own(s, "anyOf") ?? own(s, "oneOf");
  if (!Array.isArray(branches)) return null;
  const each = branches.map((b) => typesOf(c, b, new Set(seen)));
  return each.some((t) => t === null) ? null : new Set(each.flatMap((t) => [...(t ?? [])]));
}

export function union(c: Compiler, s: Obj, key: "anyOf" | "oneOf", ptr: string): Fn {
  const list = s[key];
  if (!Array.isArray(list) || list.length === 0) {
    throw new SchemaError(`${key} at ${ptr} must be a non-empty array`);
  }
  if (hasOwn(s, "discriminator"))
    return discriminated(c, s.discriminator, list, `${ptr}/discriminator`);
  const fns = list.map((b, i) => c.node(b, `${ptr}/${key}/${i}`));
  const types = list.map((b) => typesOf(c, b, new Set()));
  const want = [...new Set(types.flatMap((t) => [...(t ?? [])]))].join(" or ");
  // The branches that a value of each kind can match: Optional[int] given null tries only null.
  const byKind = new Map<Kind, Fn[]>();
  for (const kind of ["null", "boolean", "number", "string", "array", "object", "other"] as const) {
    const fits = (t: string) => t === kind || (t === "integer" && kind === "number");
    byKind.set(
      kind,
      fns.filter((_, i) => [...(types[i] ?? [kind])].some(fits)),
    );
  }
  return (v) => {
    const candidates = byKind.get(kindOf(v)) as Fn[];
    if (candidates.length === 1) return (candidates[0] as Fn)(v); // the only candidate knows best
    if (candidates.length === 0) return fail(`expected ${want}, got ${show(v)}`);
    let best: Fail | null = null;
    let matched = -1;
    for (let i = 0; i < candidates.length; i++) {
      const f = (candidates[i] as Fn)(v);
      if (f === null && key === "anyOf") return null;
      if (f === null && matched >= 0)
        return fail("value matches more than one alternative of oneOf");
      if (f === null) matched = i;
      else if (best === null || f.segs.length > best.segs.length) best = f; // the deepest got furthest
    }
    return matched >= 0 ? null : best;
  };
}

function discriminated(c: Compiler, d: unknown, list: unknown[], ptr: string): Fn {
  const prop = isPlain(d) ? own(d, "propertyName") : undefined;
  const mapping = isPlain(d) ? own(d, "mapping") : undefined;
  if (typeof prop !== "string" || !isPlain(mapping)) {
    throw new SchemaError(
      `discriminator at ${ptr} needs a string "propertyName" and a "mapping" object`,
    );
  }
  const targets = Object.values(mapping);
  if (
    !list.every(
      (b) => isPlain(b) && Object.keys(b).length === 1 && targets.includes(own(b, "$ref")),
    )
  ) {
    throw new SchemaError(
      `discriminator at ${ptr}: each branch must be a lone "$ref" named in the mapping`,
    );
  }
  const tags = Object.keys(mapping);
  const fns = tags.map((tag) => c.ref(mapping[tag], `${ptr}/mapping/${esc(tag)}`));
  const names = tags.join(", ");
  return (v) => {
    // The chosen branch checks that v is a plain object; this only needs its own tag. Where
    // Object.prototype has no such key, `in` tells an own key, and costs less than hasOwn.
    if (typeof v === "object" && v !== null && !Array.isArray(v) && prop in v) {
      const plain = Object.getPrototypeOf(v) === Object.prototype && !(prop in Object.prototype);
      if (plain || hasOwn(v, prop)) {
        // Mapping keys are strings: a number tag is looked up by its text, then its branch checks it.
        const tag = (v as Obj)[prop];
        const text = typeof tag === "number" ? String(tag) : tag;
        for (let i = 0; i < tags.length; i++) if (tags[i] === text) return (fns[i] as Fn)(v);
        return at(fail(`unknown ${prop} ${show(tag)}; expected one of ${names}`), prop);
      }
    }
    if (!isPlain(v)) return fail(`expected object, got ${show(v)}`);
    return fail(`missing required field ${q(prop)}; expected one of ${names}`);
  };
}
