/**
 * FNV-1a (32 bits) over a string's UTF-16 code units: a cheap checksum stored beside every
 * row's JSON text, so a torn or altered row is detected when it is read back.
 */
export function checksum(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
