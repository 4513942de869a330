/**
 * Which shard of the workflows' matrix runs each stack.
 *
 * GitHub Actions runs at most 256 jobs per matrix, so the plan, apply and drift jobs run per shard,
 * a shard holding a few stacks. The assignment is rendezvous (highest random weight) hashing over a
 * fixed set of {@link SHARD_SLOTS} slots, with a bounded load:
 *
 * - Every stack ranks the 256 slots by a hash of (stack name, slot) and takes the best one that still
 *   has room. The slots do not depend on how many stacks there are, so adding or removing accounts
 *   leaves the others where they were: a modulo of a shard count that grows with the organization
 *   would move almost every stack each time.
 * - A slot holds at most `ceil(1.25 × stacks / 256)` stacks. Plain rendezvous hashing leaves the
 *   largest shard about 1.7 times the average at 5,000 stacks (and the slowest job sets the run's
 *   time); a cap at exactly the average would make every addition push stacks along. With 25 %
 *   headroom the largest shard is at most 1.25 times the average (25 at 5,000 stacks, average 19.5),
 *   and an added account moves no other stack or a few; only when the cap itself grows (every ~205
 *   accounts) do about 1 % of the stacks (those pushed to a second choice) move back.
 * - Up to 204 stacks the cap is 1: every stack has a shard of its own, one job per environment.
 *
 * Stable matters because the deploy workflow serializes a stack's deploys by its shard's concurrency
 * group; the S3 backend's state lock covers the rare run in which a stack has just moved.
 */

/** The matrix never has more entries than this (GitHub's limit of jobs per matrix). */
export const SHARD_SLOTS = 256;

/** How much larger than the average a shard may grow, so that additions move few stacks. */
export const SHARD_HEADROOM = 1.25;

/** The most stacks one shard holds for `count` stacks. */
export function shardCapacity(count: number): number {
  return Math.max(1, Math.ceil((SHARD_HEADROOM * count) / SHARD_SLOTS));
}

/** Each stack's shard (0-255). The same names give the same answer in every run. */
export function assignShards(names: readonly string[]): Map<string, number> {
  const capacity = shardCapacity(names.length);
  const load = new Array<number>(SHARD_SLOTS).fill(0);
  const assigned = new Map<string, number>();
  // A fixed order that does not favour names early in the alphabet when a slot is contested.
  const order = [...new Set(names)]
    .map((name) => ({ name, key: mix(fnv1a(name)) }))
    .sort((a, b) => a.key - b.key || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((entry) => entry.name);
  for (const name of order) {
    const seed = fnv1a(name);
    let best = -1;
    let bestScore = -1;
    for (let slot = 0; slot < SHARD_SLOTS; slot++) {
      if (load[slot] >= capacity) continue;
      const score = mix(seed ^ Math.imul(slot + 1, 0x9e3779b1));
      if (score > bestScore) {
        bestScore = score;
        best = slot;
      }
    }
    load[best]++;
    assigned.set(name, best);
  }
  return assigned;
}

/** The stacks of each non-empty shard, shards in slot order, names sorted. */
export function shardsOf(names: readonly string[]): { shard: number; stacks: string[] }[] {
  const byShard = new Map<number, string[]>();
  for (const [name, shard] of assignShards(names)) {
    const stacks = byShard.get(shard);
    if (stacks) stacks.push(name);
    else byShard.set(shard, [name]);
  }
  return [...byShard].sort(([a], [b]) => a - b).map(([shard, stacks]) => ({ shard, stacks: stacks.sort() }));
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finalizer: spreads every input bit over the output. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
