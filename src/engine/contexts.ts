import type { Action } from './actions/parse.js';
import { ownCopy } from './own-copy.js';
import { RenewingMap } from './renewing-map.js';

/** One SEC context; aliases share the same object. */
export interface Context {
  time: number;
  /** Lifetime in seconds; 0 is forever, -1 is obsolete (expires at the next check). */
  window: number;
  actions: Action[];
  desc: string;
  buffer: string[];
  /** Every name the context goes by, its first one included (a list: nearly always that one name). */
  aliases: string[];
  deleting: boolean;
  internal: boolean;
}

/**
 * The context table. Expiry is lazy like SEC's valid_context: a context past
 * its lifetime runs its action list and disappears the first time anyone
 * looks at it, or at the next periodic sweep.
 */
export class ContextStore {
  /** Contexts come and go with events, internal ones with every event: a RenewingMap. */
  private readonly table = new RenewingMap<string, Context>();

  constructor(
    private readonly now: () => number,
    private readonly onExpire: (context: Context) => void,
  ) {}

  get size(): number {
    return this.table.size;
  }

  names(): string[] {
    return [...this.table.keys()];
  }

  raw(name: string): Context | undefined {
    return this.table.get(name);
  }

  /** The context if it exists and is still alive; expires it (running its actions) otherwise. */
  get(name: string): Context | undefined {
    const ctx = this.table.get(name);
    if (ctx === undefined) return undefined;
    if (ctx.window === 0 || this.now() - ctx.time <= ctx.window) return ctx;
    if (ctx.deleting) return undefined;
    this.expire(ctx);
    return undefined;
  }

  exists(name: string): boolean {
    return this.get(name) !== undefined;
  }

  private expire(ctx: Context): void {
    if (ctx.actions.length > 0) {
      ctx.deleting = true;
      const previous = this.table.get('_THIS');
      this.table.set('_THIS', ctx);
      try {
        this.onExpire(ctx);
      } finally {
        if (previous !== undefined) this.table.set('_THIS', previous);
        else this.table.delete('_THIS');
      }
    }
    for (const alias of ctx.aliases) {
      if (this.table.get(alias) === ctx) this.table.delete(alias);
    }
  }

  create(name: string, lifetime: number, actions: Action[], desc: string): void {
    const existing = this.table.get(name);
    if (existing !== undefined) {
      if (existing.internal) return;
      existing.time = this.now();
      existing.window = lifetime;
      existing.actions = actions;
      existing.desc = desc;
      if (existing.buffer.length > 0) existing.buffer = [];
      return;
    }
    const own = ownCopy(name);
    this.table.set(own, {
      time: this.now(), window: lifetime, actions, desc, buffer: [], aliases: [own], deleting: false, internal: false,
    });
  }

  setInternal(name: string): void {
    this.table.set(name, {
      time: this.now(), window: 0, actions: [], desc: '', buffer: [], aliases: [name], deleting: false, internal: true,
    });
  }

  removeInternal(name: string): void {
    const ctx = this.table.get(name);
    if (ctx?.internal === true) this.table.delete(name);
  }

  delete(name: string): void {
    const ctx = this.table.get(name);
    if (ctx === undefined || ctx.deleting || ctx.internal) return;
    for (const alias of ctx.aliases) this.table.delete(alias);
  }

  obsolete(name: string): void {
    const ctx = this.table.get(name);
    if (ctx === undefined || ctx.deleting || ctx.internal) return;
    ctx.window = -1;
    this.get(name);
  }

  alias(name: string, alias: string): void {
    const ctx = this.get(name);
    if (ctx === undefined || this.table.has(alias)) return;
    const own = ownCopy(alias);
    ctx.aliases.push(own);
    this.table.set(own, ctx);
  }

  unalias(name: string): void {
    const ctx = this.table.get(name);
    if (ctx === undefined || ctx.deleting || ctx.internal) return;
    ctx.aliases = ctx.aliases.filter((alias) => alias !== name);
    this.table.delete(name);
  }

  /** add/prepend/fill: a missing context is created forever, as `create` would. */
  store(name: string, lines: string[], mode: 'add' | 'prepend' | 'fill'): void {
    let ctx = this.get(name);
    if (ctx === undefined) {
      this.create(name, 0, [], '');
      ctx = this.table.get(name);
      if (ctx === undefined) return;
    }
    if (mode === 'fill') ctx.buffer = [...lines];
    else if (mode === 'add') ctx.buffer.push(...lines);
    else ctx.buffer.unshift(...lines);
  }

  /** Periodic sweep (SEC's process_lists). */
  sweep(): void {
    for (const name of [...this.table.keys()]) this.get(name);
  }

  clear(): void {
    this.table.clear();
  }
}
