/**
 * A reader of the Prometheus text exposition format (version 0.0.4), strict
 * enough for tests: every line is a comment, blank, or `name{labels} value`,
 * and anything else throws with its line number.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` of each metric family. */
  types: Map<string, string>;
  /** The one sample of `name` whose labels include `labels`; throws when there is none or several. */
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample of `name` whose labels include `labels`. */
  all(name: string, labels?: Record<string, string>): Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type?.[1] !== undefined && type[2] !== undefined) types.set(type[1], type[2]);
      else if (!line.startsWith('# HELP ')) throw new Error(`line ${String(index + 1)}: not a HELP or TYPE comment: ${line}`);
      return;
    }
    const match = SAMPLE.exec(line);
    if (match?.[1] === undefined || match[3] === undefined) throw new Error(`line ${String(index + 1)}: not a sample: ${line}`);
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    if (Number.isNaN(value) && match[3] !== 'NaN') throw new Error(`line ${String(index + 1)}: not a value: ${match[3]}`);
    samples.push({ name: match[1], labels: parseLabels(match[2] ?? '', index + 1), value });
  });
  const all = (name: string, labels: Record<string, string> = {}): Sample[] =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return {
    samples,
    types,
    all,
    value(name, labels = {}) {
      const found = all(name, labels);
      if (found.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${String(found.length)} samples, expected one`);
      return (found[0] as Sample).value;
    },
  };
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === '') return labels;
  const inner = text.slice(1, -1);
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < inner.length) {
    const match = LABEL.exec(inner);
    if (match?.[1] === undefined || match[2] === undefined) throw new Error(`line ${String(line)}: bad labels: ${text}`);
    labels[match[1]] = match[2].replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}
