/**
 * RFC 4180 CSV, strictly: comma-separated fields, records ending in CRLF or
 * LF, fields holding a comma, a quote or a line break quoted with `"` and
 * their quotes doubled. A UTF-8 byte order mark (as spreadsheets write) is
 * skipped. Each record keeps the line it starts on, counted exactly across
 * quoted line breaks, so a problem is reported where the user will look;
 * a malformed record is reported and skipped, and parsing goes on with the
 * next line, so one run lists every bad row.
 */

export interface CsvRecord {
  /** Line the record starts on, from 1. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface ParsedCsv {
  records: CsvRecord[];
  problems: CsvProblem[];
}

class RecordError extends Error {}

class Reader {
  position = 0;
  line = 1;

  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  peek(offset = 0): string | undefined {
    return this.text[this.position + offset];
  }

  /** At a record end (CRLF, LF or the end of the text): consumes it and says so. */
  takeRecordEnd(): boolean {
    if (this.done) return true;
    if (this.peek() === '\n') {
      this.position += 1;
      this.line += 1;
      return true;
    }
    if (this.peek() === '\r' && this.peek(1) === '\n') {
      this.position += 2;
      this.line += 1;
      return true;
    }
    return false;
  }

  /** After a malformed record: the rest of its physical line is dropped. */
  skipLine(): void {
    while (!this.done && !this.takeRecordEnd()) this.position += 1;
  }

  quoted(): string {
    const opened = this.line;
    this.position += 1; // the opening quote
    let value = '';
    for (;;) {
      const char = this.peek();
      if (char === undefined) throw new RecordError(`the quoted field opened on line ${String(opened)} is never closed`);
      this.position += 1;
      if (char === '"') {
        if (this.peek() !== '"') return value;
        this.position += 1;
        value += '"';
      } else {
        if (char === '\n') this.line += 1;
        value += char;
      }
    }
  }

  unquoted(): string {
    const start = this.position;
    for (;;) {
      const char = this.peek();
      if (char === undefined || char === ',' || char === '\n' || (char === '\r' && this.peek(1) === '\n')) break;
      if (char === '"') throw new RecordError('a quote inside an unquoted field: quote the whole field and double the quote ("a ""b"" c")');
      if (char === '\r') throw new RecordError('a carriage return not followed by a line feed');
      this.position += 1;
    }
    return this.text.slice(start, this.position);
  }

  record(): string[] {
    const fields: string[] = [];
    for (;;) {
      if (this.peek() === '"') {
        fields.push(this.quoted());
        const next = this.peek();
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new RecordError(`${JSON.stringify(next)} after a closing quote: expected a comma or the end of the line`);
        }
      } else {
        fields.push(this.unquoted());
      }
      if (this.peek() === ',') {
        this.position += 1;
        continue;
      }
      if (this.takeRecordEnd()) return fields;
      throw new RecordError('a carriage return not followed by a line feed');
    }
  }
}

/** Every record of `text`; blank lines (nothing, or only spaces) are not records. */
export function parseCsv(text: string): ParsedCsv {
  const reader = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const parsed: ParsedCsv = { records: [], problems: [] };
  while (!reader.done) {
    const line = reader.line;
    try {
      const fields = reader.record();
      if (fields.length === 1 && (fields[0] ?? '').trim() === '') continue;
      parsed.records.push({ line, fields });
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      parsed.problems.push({ line, message: err.message });
      reader.skipLine();
    }
  }
  return parsed;
}

/** One field as RFC 4180 writes it: quoted when it holds a comma, a quote, a line break or edge spaces. */
function field(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Records as CSV text, each line ending in LF (the line ending `parseCsv` and spreadsheets read alike). */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => `${record.map(field).join(',')}\n`).join('');
}
