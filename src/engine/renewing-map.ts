/**
 * A Map for tables whose keys come and go at the rate of events: the
 * operations of a rule, the contexts. It behaves as a Map (insertion order
 * included) but moves its entries to a fresh Map every so many additions
 * and deletions.
 *
 * Why: V8 replaces a Map's hash table as entries come and go, and the table
 * it replaces keeps a pointer to its successor (for iterators still on it),
 * with the entries it held. Once one table of a busy Map has reached the old
 * generation, say after a quiet spell, the next scavenge keeps its successor
 * alive through that pointer although both are garbage, and promotes it with
 * the operations or contexts it held; that one then does the same for its own
 * successor, and so on. Every superseded table and what it held then lands
 * in the old generation, which fills at the rate of events until a full
 * collection: memory grows with the length of the run. The tables of a fresh
 * Map are young and nothing old points to them, so renewing cuts the chain.
 *
 * Renewal happens only when a key is added, so a loop over values() that
 * deletes as it goes (a Pair ending its operations) stays on a live Map.
 */
export class RenewingMap<K, V> {
  private map = new Map<K, V>();
  /** Additions and deletions since the last renewal. */
  private changes = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (!this.map.has(key) && ++this.changes > RENEW_AFTER + this.map.size) this.renew();
    this.map.set(key, value);
  }

  delete(key: K): boolean {
    if (!this.map.delete(key)) return false;
    this.changes++;
    return true;
  }

  /** Emptied by dropping the Map: Map.prototype.clear links the old table to the new one too. */
  clear(): void {
    this.map = new Map();
    this.changes = 0;
  }

  keys(): MapIterator<K> {
    return this.map.keys();
  }

  values(): MapIterator<V> {
    return this.map.values();
  }

  entries(): MapIterator<[K, V]> {
    return this.map.entries();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.map.entries();
  }

  private renew(): void {
    this.map = new Map(this.map);
    this.changes = 0;
  }
}

/**
 * Changes beyond the Map's size that wait for a renewal: copying costs at
 * most one entry per change, and a small busy table is still renewed well
 * within one scavenge's worth of events.
 */
const RENEW_AFTER = 64;
