/**
 * Turns the raw byte stream of an interactive CLI into lines, the way a
 * terminal would show them: ANSI escape sequences removed, CRLF folded,
 * backspaces and bare carriage returns applied to the current line (pagers
 * erase themselves that way). Chunks may split anything, including an escape
 * sequence or a CRLF pair, so an unfinished tail is carried to the next push.
 */
// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), charset selection (ESC ( B), and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[@-Z\\-_]/g;
// An escape sequence or a CR that the next chunk may still complete.
// eslint-disable-next-line no-control-regex
const UNFINISHED_TAIL = /(?:\x1b(?:\[[0-9;?]*[ -/]*|\][^\x07\x1b]*|[()])?|\r)$/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\b\r\n\0\x07]/g;

export class Screen {
  private lines: string[] = [];
  private current = '';
  private carry = '';
  private size = 0;

  push(chunk: string): void {
    let text = this.carry + chunk;
    const tail = UNFINISHED_TAIL.exec(text);
    this.carry = tail ? tail[0] : '';
    if (tail) text = text.slice(0, tail.index);
    text = text.replace(ANSI, '').replace(/\r+\n/g, '\n');
    this.size += text.length;
    // Text between control characters is appended as one slice: a line built a character at a
    // time would be a chain of one-character strings, tens of bytes for each character kept.
    let from = 0;
    for (const control of text.matchAll(CONTROL)) {
      this.current += text.slice(from, control.index);
      from = control.index + 1;
      switch (control[0]) {
        case '\n':
          this.lines.push(this.current);
          this.current = '';
          break;
        case '\b':
          // A terminal cursor never moves back over a line break.
          this.current = this.current.slice(0, -1);
          break;
        case '\r':
          this.current = '';
          break;
        default:
          // NUL and BEL print nothing.
          break;
      }
    }
    this.current += text.slice(from);
  }

  /** The line being written, without its end: where prompts, pagers and questions appear. */
  currentLine(): string {
    return this.current;
  }

  /** Characters received since the last take(); guards against a device that never stops talking. */
  receivedSinceTake(): number {
    return this.size;
  }

  /** Drops the current line (a pager that was answered). */
  clearCurrentLine(): void {
    this.current = '';
  }

  /** Moves the current line into the completed lines (a question that was answered). */
  commitCurrentLine(): void {
    this.lines.push(this.current);
    this.current = '';
  }

  /** Returns the completed lines and forgets them together with the current line. */
  take(): string[] {
    const lines = this.lines;
    this.lines = [];
    this.current = '';
    this.size = 0;
    return lines;
  }
}
