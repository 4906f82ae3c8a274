/**
 * The `vars` cell: template variables of one port map entry, written either
 * as `key=value;key=value` (values are strings, as a spreadsheet user types
 * them) or as a JSON object when a value needs a number, a list or nesting.
 * A cell that starts with `{` is JSON.
 */

type Vars = Record<string, unknown>;

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type VarsResult = { vars: Vars } | { problem: string };

export function parseVars(cell: string): VarsResult {
  const text = cell.trim();
  if (text === '') return { vars: {} };
  return text.startsWith('{') ? jsonVars(text) : pairVars(text);
}

function jsonVars(text: string): VarsResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `not a valid JSON object (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'expected a JSON object, such as {"vlan": 10}' };
  return { vars: value as Vars };
}

function pairVars(text: string): VarsResult {
  // A Map, not an object: `__proto__=x` must be a variable like any other.
  const vars = new Map<string, string>();
  for (const part of text.split(';')) {
    const pair = part.trim();
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals < 0) return { problem: `${JSON.stringify(pair)} is not key=value (expected key=value;key=value, or a JSON object)` };
    const key = pair.slice(0, equals).trim();
    if (!KEY.test(key)) return { problem: `${JSON.stringify(key)} is not a variable name (a letter or '_', then letters, digits, '_')` };
    if (vars.has(key)) return { problem: `${key} is given twice` };
    vars.set(key, pair.slice(equals + 1).trim());
  }
  return { vars: Object.fromEntries(vars) };
}

/** The cell for `vars`: key=value pairs when every value is a string they can carry, JSON otherwise. */
export function formatVars(vars: Vars): string {
  const entries = Object.entries(vars);
  if (entries.length === 0) return '';
  const pairs = entries.every(([key, value]) => KEY.test(key) && typeof value === 'string' && !/[;\r\n]/.test(value)
    && value === value.trim());
  if (!pairs) return JSON.stringify(vars);
  return entries.map(([key, value]) => `${key}=${String(value)}`).join(';');
}
