// Types of a declared message set, as TypedTunnel's generic parameters use them: messages are
// told apart by a tag field, and requests are paired with their replies by tag.

/** A message of a declared set: an object whose tag field names its type. */
export type Tagged<K extends string = "type"> = { readonly [P in K]: string };

/** The members of union `U` whose tag is `T`. */
export type OfTag<U, K extends string, T> = Extract<U, { readonly [P in K]: T }>;

/**
 * The tags that `Pairs` (request tag to reply tag) gives a reply. Generated code declares
 * `constructor?: never` for a request tag named like one of Object's members (so the interface
 * fits the constraint): such a key is not a request.
 */
export type DeclaredTags<Pairs> = {
  [T in keyof Pairs]-?: [Exclude<Pairs[T], undefined>] extends [never] ? never : T;
}[keyof Pairs];

/** What a handler of the kernel's request `T` returns: its declared reply, now or later. */
export type ReplyTo<Out, Asks, K extends string, T> =
  | OfTag<Out, K, Asks[T & keyof Asks]>
  | PromiseLike<OfTag<Out, K, Asks[T & keyof Asks]>>;

/**
 * What `on(T, handler)` takes. For a request the kernel may send (a tag of `Asks`), the handler
 * also gets an AbortSignal (the request was superseded or cancelled) and must return the reply;
 * any other message's handler returns nothing.
 */
export type HandlerFor<Out, In, Asks, K extends string, T> =
  T extends DeclaredTags<Asks>
    ? (version: number, msg: OfTag<In, K, T>, signal: AbortSignal) => ReplyTo<Out, Asks, K, T>
    : (version: number, msg: OfTag<In, K, T>) => void;

/** The messages `request()` takes: those whose tag has a declared reply. */
export type RequestOf<Out, Replies, K extends string> = OfTag<Out, K, DeclaredTags<Replies>>;

/** The reply `request(msg)` resolves with. */
export type ReplyOf<In, Replies, K extends string, M extends Tagged<K>> = OfTag<
  In,
  K,
  Replies[M[K] & keyof Replies]
>;
