import { RuleLoadError } from './errors.js';

export interface RawField {
  value: string;
  line: number;
}

export interface RawRule {
  file: string;
  /** Line of the rule's first keyword. */
  line: number;
  fields: Map<string, RawField>;
}

export interface ParsedRuleFile {
  rules: RawRule[];
  /** label → index of the rule that follows the label (SEC's label2rule). */
  labels: Map<string, number>;
  errors: RuleLoadError[];
}

// Perl's \s on byte strings: the rule file is read byte for byte like SEC does.
const LEADING_SPACE = /^[ \t\n\r\f\v]+/;
const TRAILING_SPACE = /[ \t\n\r\f\v]+$/;
const KEYWORD_VALUE = /^([A-Za-z0-9]+)[ \t\n\r\f\v]*=[ \t\n\r\f\v]*(.*)$/s;

/**
 * Splits a SEC rule file into rules of keyword=value fields, exactly as SEC's
 * read_configfile does: lines are trimmed, a trailing backslash joins the next
 * line, an empty line or a `#` line ends the current rule, `rem` is a comment
 * and `label` names the position of the rule that follows.
 */
export function parseRuleText(text: string, file: string): ParsedRuleFile {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rules: RawRule[] = [];
  const labels = new Map<string, number>();
  const errors: RuleLoadError[] = [];
  let current: RawRule | undefined;
  let pending = '';
  let pendingStart = 0;
  let continued = false;

  const endRule = (): void => {
    if (current !== undefined) rules.push(current);
    current = undefined;
  };

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const raw = lines[index] ?? '';
    let line = continued ? pending + raw : raw;
    if (!continued) pendingStart = lineNumber;
    line = line.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
    if (line.endsWith('\\')) {
      pending = line.slice(0, -1);
      continued = true;
      continue;
    }
    continued = false;
    if (line.length === 0 || line.startsWith('#')) {
      endRule();
      continue;
    }
    const match = KEYWORD_VALUE.exec(line);
    const value = match?.[2];
    if (match === null || value === undefined || value.length === 0) {
      errors.push(
        new RuleLoadError(file, pendingStart, `expected keyword=value with an alphanumeric keyword, got '${line}'`),
      );
      continue;
    }
    const keyword = match[1] ?? '';
    if (keyword === 'label') {
      labels.set(value, rules.length);
      continue;
    }
    if (keyword === 'rem') continue;
    current ??= { file, line: pendingStart, fields: new Map() };
    current.fields.set(keyword, { value, line: pendingStart });
  }
  // Like SEC, a continuation still open at end of file is dropped.
  endRule();
  return { rules, labels, errors };
}
