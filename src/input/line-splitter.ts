const NEWLINE = 0x0a;
/** How many bytes before a position its signature covers. */
export const SIGNATURE_BYTES = 64;

/**
 * Cuts a byte stream into lines. Only complete lines come out; the bytes of
 * an unfinished last line are held until its newline arrives (or `flush` at
 * end of input). A line longer than `maxLineBytes` is not buffered whole: its
 * bytes are counted and dropped up to its newline, then reported once.
 */
export class LineSplitter {
  private readonly maxLineBytes: number;
  private readonly emit: (line: Buffer) => void;
  private readonly reject: (bytes: number) => void;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private skipping = false;
  private skipped = 0;
  private skipTail: Buffer = Buffer.alloc(0);
  private lastTail: Buffer = Buffer.alloc(0);

  constructor(maxLineBytes: number, emit: (line: Buffer) => void, reject: (bytes: number) => void) {
    this.maxLineBytes = maxLineBytes;
    this.emit = emit;
    this.reject = reject;
  }

  /** Bytes taken in that belong to a line not yet complete. */
  get pendingBytes(): number {
    return this.skipping ? this.skipped : this.partBytes;
  }

  /** The last SIGNATURE_BYTES bytes (fewer near the start) up to and including the last complete line's newline. */
  get tail(): Buffer {
    return this.lastTail;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) {
        this.hold(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, nl);
      if (this.skipping) {
        this.finishSkip(piece, chunk.subarray(Math.max(start, nl + 1 - SIGNATURE_BYTES), nl + 1));
      } else if (this.partBytes + piece.length > this.maxLineBytes) {
        this.skipped = this.partBytes;
        this.parts = [];
        this.partBytes = 0;
        this.skipping = true;
        this.finishSkip(piece, chunk.subarray(Math.max(start, nl + 1 - SIGNATURE_BYTES), nl + 1));
      } else {
        const line = this.partBytes === 0 ? piece : Buffer.concat([...this.parts, piece]);
        this.parts = [];
        this.partBytes = 0;
        this.lastTail = keepLast(Buffer.concat([this.lastTail, lastBytes(line), chunk.subarray(nl, nl + 1)]));
        this.emit(line);
      }
      start = nl + 1;
    }
  }

  /** End of input: an unterminated last line is still a line. Returns whether one was delivered. */
  flush(): boolean {
    if (this.skipping) {
      const bytes = this.skipped;
      this.lastTail = keepLast(Buffer.concat([this.lastTail, this.skipTail]));
      this.dropPartial();
      this.reject(bytes);
      return false;
    }
    if (this.partBytes === 0) return false;
    const line = Buffer.concat(this.parts);
    this.lastTail = keepLast(Buffer.concat([this.lastTail, lastBytes(line)]));
    this.dropPartial();
    this.emit(line);
    return true;
  }

  /** Start over for another file, whose bytes before the read position are `tail`. */
  restart(tail: Buffer = Buffer.alloc(0)): void {
    this.dropPartial();
    this.lastTail = keepLast(tail);
  }

  /** Forget an unfinished line whose bytes will be read again from elsewhere. */
  dropPartial(): void {
    this.parts = [];
    this.partBytes = 0;
    this.skipping = false;
    this.skipped = 0;
    this.skipTail = Buffer.alloc(0);
  }

  private hold(piece: Buffer): void {
    if (this.skipping) {
      this.skipped += piece.length;
      this.skipTail = keepLast(Buffer.concat([this.skipTail, piece]));
      return;
    }
    if (this.partBytes + piece.length > this.maxLineBytes) {
      this.skipping = true;
      this.skipped = this.partBytes + piece.length;
      this.skipTail = keepLast(Buffer.concat([...this.parts, piece]));
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    // A copy: the caller reuses its read buffer.
    this.parts.push(Buffer.from(piece));
    this.partBytes += piece.length;
  }

  private finishSkip(piece: Buffer, end: Buffer): void {
    const bytes = this.skipped + piece.length;
    this.lastTail = keepLast(Buffer.concat([this.skipTail, end]));
    this.skipping = false;
    this.skipped = 0;
    this.skipTail = Buffer.alloc(0);
    this.reject(bytes);
  }
}

function keepLast(bytes: Buffer): Buffer {
  return bytes.length > SIGNATURE_BYTES ? Buffer.from(bytes.subarray(bytes.length - SIGNATURE_BYTES)) : bytes;
}

function lastBytes(bytes: Buffer): Buffer {
  return bytes.length > SIGNATURE_BYTES ? bytes.subarray(bytes.length - SIGNATURE_BYTES) : bytes;
}
