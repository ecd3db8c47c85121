// A view's peer id: random, new every time a model is created in a page, so a reloaded page or a
// second tab is a new view to the kernel. 12 characters of [0-9a-z] is about 62 bits.
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
export const PEER_ID_LENGTH = 12;

export function randomPeerId(): string {
  const bytes = new Uint8Array(PEER_ID_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps every character
  // equally likely.
  let id = "";
  while (id.length < PEER_ID_LENGTH) {
    for (const byte of bytes) {
      if (byte < 252 && id.length < PEER_ID_LENGTH) id += ALPHABET[byte % 36];
    }
    globalThis.crypto.getRandomValues(bytes);
  }
  return id;
}
