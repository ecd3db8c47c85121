// Typed tunnels for notebook JavaScript with no build step: the validators are compiled from
// the JSON Schema that the kernel's TypedTunnel put in the widget state.
import type { Tunnel } from "../tunnel/tunnel";
import { TypedTunnel } from "./typed-tunnel";
import { compile, type SchemaBundle } from "./validate";

// biome-ignore lint: any message type goes in plain JavaScript
export type AnyTyped = TypedTunnel<any, any, any, any, string>;

interface Union {
  discriminator: { propertyName: string; mapping: Record<string, string> };
}

interface ShippedSchema {
  toKernel: Union;
  toBrowser: Union;
  /** The page's request tag to the kernel's reply tag. */
  replies: Record<string, string>;
  /** The kernel's request tag to the page's reply tag; left out when the kernel asks nothing. */
  asks?: Record<string, string>;
  $defs: Record<string, unknown>;
}

const built = new WeakMap<Tunnel, { text: string; typed: AnyTyped }>();

export function typedFromSchema(tunnel: Tunnel, text: string): AnyTyped {
  const cached = built.get(tunnel);
  if (cached !== undefined && cached.text === text) return cached.typed;
  const schema = JSON.parse(text) as ShippedSchema;
  const bundle: SchemaBundle = { $defs: schema.$defs };
  const tagField = schema.toKernel.discriminator.propertyName;
  if (schema.toBrowser.discriminator.propertyName !== tagField) {
    throw new TypeError("IPyCallback: typed tunnels in plain JavaScript need one tag field");
  }
  const typed: AnyTyped = new TypedTunnel(tunnel, {
    validateOutgoing: compile(schema.toKernel, bundle),
    validateIncoming: compile(schema.toBrowser, bundle),
    replies: schema.replies,
    // Own keys only: an absent "asks" must not be looked up on Object.prototype.
    asks: Object.hasOwn(schema, "asks") ? (schema.asks ?? {}) : {},
    incomingTags: Object.keys(schema.toBrowser.discriminator.mapping),
    tagField,
    checksJsonValues: true,
  });
  built.set(tunnel, { text, typed });
  return typed;
}
