export type LineSink = (line: string, source: string) => void;

export interface InputSource {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves at end of input when not following, and once stopped. */
  readonly done: Promise<void>;
}

/** How line bytes become strings: 'utf8' replaces invalid sequences with U+FFFD; 'latin1' keeps every byte as one character. */
export type LineEncoding = 'utf8' | 'latin1';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
