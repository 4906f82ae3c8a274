import type { ComplianceFeature, ComplianceScope, IgnoredLine } from './types.js';
import type { Path, SiteValidator } from './validate.js';

const COMPLIANCE_KEYS = ['sections', 'ignore'];
/** Separates the section openers of an ignored line from the line itself: `interface > description`. */
const IGNORE_SEPARATOR = '>';
const FEATURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A config line start: printable, no control characters, not blank. */
function lineStart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text !== '' && !/\p{Cc}/u.test(text) ? text : undefined;
}

function features(validator: SiteValidator, value: unknown, path: Path): ComplianceFeature[] {
  if (value === undefined) return [];
  const expected = 'a mapping of feature name to the top-level line starts it covers (interfaces: [interface]), or a list of line starts';
  // A list names each feature after its line start: `sections: [interface, snmp-server]`.
  const entries: [string, unknown, Path][] = Array.isArray(value)
    ? value.map((item, index) => [String(item), item, [...path, index]])
    : Object.entries(validator.map(value, path, expected) ?? {}).map(([name, item]) => [name, item, [...path, name]]);
  const found: ComplianceFeature[] = [];
  for (const [name, item, at] of entries) {
    if (!FEATURE_NAME.test(name) && !Array.isArray(value)) {
      validator.problem(at, `${JSON.stringify(name)} is not a feature name (letters, digits, '.', '_', '-')`);
      continue;
    }
    const starts = (Array.isArray(item) ? item : [item]).map(lineStart);
    const match = starts.filter((start): start is string => start !== undefined);
    if (match.length === 0 || match.length !== starts.length) {
      validator.problem(at, 'expected the start of a top-level config line, or a list of them (interface, snmp-server)');
      continue;
    }
    found.push({ name: Array.isArray(value) ? match.join(' ') : name, match });
  }
  return found;
}

function ignored(validator: SiteValidator, value: unknown, path: Path): IgnoredLine[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    validator.problem(path, 'expected a list of lines to leave alone, such as "interface > description"');
    return [];
  }
  return value.flatMap((item: unknown, index) => {
    const parts = typeof item === 'string' ? item.split(IGNORE_SEPARATOR).map(lineStart) : [undefined];
    const line = parts.filter((part): part is string => part !== undefined);
    if (line.length === 0 || line.length !== parts.length) {
      validator.problem([...path, index], 'expected line starts from the top separated by ">", such as "interface > description"');
      return [];
    }
    return [line];
  });
}

/** `compliance:` of a site file: features compared and lines ignored; absent, the whole config is compared. */
export function complianceScope(validator: SiteValidator, value: unknown): ComplianceScope {
  const path = ['compliance'];
  if (value === undefined) return { features: [], ignore: [] };
  const map = validator.map(value, path, 'a mapping (sections, ignore)');
  if (map === undefined) return { features: [], ignore: [] };
  validator.keys(map, path, COMPLIANCE_KEYS);
  return { features: features(validator, map.sections, [...path, 'sections']), ignore: ignored(validator, map.ignore, [...path, 'ignore']) };
}
