import type { Profile } from '../device/profile.js';

/**
 * A config as a comparable value: LF line ends, no trailing blanks, no
 * volatile lines (timestamps, byte counts, `Building configuration…`), no
 * echoed command or prompt lines, no leading or trailing blank lines, one
 * final newline. Pure: the same text and profile always give the same result.
 */
export function normaliseConfig(text: string, profile: Profile): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => !isVolatile(l, profile) && !isPromptLine(l, profile));
  let start = 0;
  while (start < lines.length && lines[start] === '') start++;
  let end = lines.length;
  while (end > start && lines[end - 1] === '') end--;
  const body = lines.slice(start, end);
  return body.length === 0 ? '' : body.join('\n') + '\n';
}

function isVolatile(line: string, profile: Profile): boolean {
  return profile.volatileLines.some((pattern) => pattern.test(line));
}

/** A bare prompt, or a prompt followed by the command that printed the config (`LAB-S5850# show running-config`). */
function isPromptLine(line: string, profile: Profile): boolean {
  const trimmed = line.trim();
  if (trimmed === '') return false;
  if (profile.promptPattern.test(trimmed)) return true;
  const at = trimmed.search(/[>#]\s*show\s/);
  return at > 0 && profile.promptPattern.test(trimmed.slice(0, at + 1)) && trimmed.slice(at + 1).trim() === profile.showRunning;
}
