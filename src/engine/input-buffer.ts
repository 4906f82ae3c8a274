import type { InputWindow } from './pattern.js';

/** The last lines of one stream of events, oldest first once full. */
class LineRing {
  private readonly lines: string[];
  private pos = 0;

  constructor(private readonly size: number) {
    this.lines = new Array<string>(size).fill('');
  }

  push(line: string): void {
    this.pos = (this.pos + 1) % this.size;
    this.lines[this.pos] = line;
  }

  joined(count: number): string {
    const out: string[] = [];
    for (let k = count - 1; k >= 0; k--) out.push(this.lines[(this.pos - k + this.size * 2) % this.size] ?? '');
    return out.join('\n');
  }
}

export class InputBuffer implements InputWindow {
  line = '';
  source: string | undefined;
  private readonly all: LineRing;
  private readonly srcs: (string | undefined)[];
  private pos = 0;
  /** Without a joint buffer: each input's own lines, and synthetic events' (key undefined). */
  private readonly bySource: Map<string | undefined, LineRing> | undefined;

  constructor(
    private readonly size: number,
    joint: boolean,
  ) {
    this.all = new LineRing(size);
    this.srcs = new Array<string | undefined>(size).fill(undefined);
    this.bySource = joint || size === 1 ? undefined : new Map();
  }

  push(line: string, source: string | undefined): void {
    this.line = line;
    this.source = source;
    if (this.size === 1) return;
    this.all.push(line);
    this.pos = (this.pos + 1) % this.size;
    this.srcs[this.pos] = source;
    if (this.bySource === undefined) return;
    let ring = this.bySource.get(source);
    if (ring === undefined) {
      ring = new LineRing(this.size);
      this.bySource.set(source, ring);
    }
    ring.push(line);
  }

  joined(count: number): string {
    return (this.bySource?.get(this.source) ?? this.all).joined(count);
  }

  /** Where the lines a multi-line pattern saw came from: without a joint buffer, all from this event's source. */
  sources(count: number): string {
    if (this.bySource !== undefined) return this.source ?? 'synthetic';
    const out: string[] = [];
    for (let k = count - 1; k >= 0; k--) out.push(this.srcs[(this.pos - k + this.size * 2) % this.size] ?? 'synthetic');
    return out.join(' ');
  }
}
