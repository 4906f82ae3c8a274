import { columnFor, type Column, COLUMNS } from './columns.js';
import type { CsvProblem, CsvRecord } from './csv.js';
import { parseVars } from './vars.js';

/** One row as a port map entry, keys in the order a person writes them; validated later as any site file entry is. */
export interface PortmapRow {
  line: number;
  entry: Record<string, unknown>;
}

export interface RowsResult {
  rows: PortmapRow[];
  problems: CsvProblem[];
}

const REQUIRED: readonly Column['key'][] = ['hostname', 'model'];

function header(record: CsvRecord): { columns: Column[] } | { problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  const columns: Column[] = [];
  const expected = COLUMNS.map((column) => column.name).join(', ');
  record.fields.forEach((text, index) => {
    const column = columnFor(text);
    if (column === undefined) {
      const hint = text.includes(';') ? ' (columns are separated by commas)' : '';
      problems.push({ line: record.line, message: `column ${String(index + 1)}: ${JSON.stringify(text)} is not a port map column${hint} (expected: ${expected})` });
    } else if (columns.includes(column)) {
      problems.push({ line: record.line, message: `column ${String(index + 1)}: ${column.name} is given twice` });
    } else {
      columns.push(column);
    }
  });
  for (const key of REQUIRED) {
    if (!columns.some((column) => column.key === key)) problems.push({ line: record.line, message: `missing the ${key} column (the header row names the columns: ${expected})` });
  }
  return problems.length > 0 ? { problems } : { columns };
}

function row(record: CsvRecord, columns: readonly Column[]): PortmapRow | CsvProblem {
  const problem = (message: string): CsvProblem => ({ line: record.line, message });
  if (record.fields.length !== columns.length) {
    return problem(`expected ${String(columns.length)} fields (${columns.map((column) => column.name).join(', ')}), found ${String(record.fields.length)}`);
  }
  const cells = new Map<Column['key'], string>();
  columns.forEach((column, index) => {
    const value = (record.fields[index] ?? '').trim();
    if (value !== '') cells.set(column.key, value);
  });
  const device = cells.get('uplink.device');
  const port = cells.get('uplink.port');
  if ((device === undefined) !== (port === undefined)) return problem('uplink device and uplink port go together: give both or neither');
  let vars: Record<string, unknown> | undefined;
  const varsCell = cells.get('vars');
  if (varsCell !== undefined) {
    const parsed = parseVars(varsCell);
    if ('problem' in parsed) return problem(`vars: ${parsed.problem}`);
    vars = parsed.vars;
  }
  const entry: Record<string, unknown> = {};
  if (device !== undefined && port !== undefined) entry.uplink = { device, port };
  for (const key of ['mac', 'serial', 'circuitId', 'remoteId', 'hostname', 'model', 'profile'] as const) {
    const value = cells.get(key);
    if (value !== undefined) entry[key] = value;
  }
  if (vars !== undefined && Object.keys(vars).length > 0) entry.vars = vars;
  return { line: record.line, entry };
}

/**
 * The port map rows of a parsed CSV: the first record names the columns,
 * every other one is an entry. What is checked here is only what the CSV
 * form adds (columns, field counts, the vars cell); the entries themselves
 * are checked by the site file's validation.
 */
export function portmapRows(records: readonly CsvRecord[]): RowsResult {
  const [first, ...rest] = records;
  if (first === undefined) return { rows: [], problems: [{ line: 1, message: 'empty: expected a header row naming the columns, then one row per switch' }] };
  const head = header(first);
  if ('problems' in head) return { rows: [], problems: head.problems };
  const result: RowsResult = { rows: [], problems: [] };
  for (const record of rest) {
    const parsed = row(record, head.columns);
    if ('entry' in parsed) result.rows.push(parsed);
    else result.problems.push(parsed);
  }
  return result;
}
