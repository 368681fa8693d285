/** A small seeded PRNG (mulberry32) so "random" test schedules are reproducible; print the seed on failure. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct integers in [min, max], ascending. */
export function distinctSorted(rand: () => number, count: number, min: number, max: number): number[] {
  const set = new Set<number>();
  while (set.size < count) set.add(min + Math.floor(rand() * (max - min + 1)));
  return [...set].sort((x, y) => x - y);
}
