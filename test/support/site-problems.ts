import assert from 'node:assert/strict';
import { parseSite, SiteFileError } from '../../src/inventory/index.js';

/** The `file:line: path: message` lines of a site file that must be rejected. */
export function siteProblemsOf(text: string, file = '/sites/hq/site.yaml'): string[] {
  try {
    parseSite(file, text);
  } catch (err) {
    assert.ok(err instanceof SiteFileError, `expected SiteFileError, got ${String(err)}`);
    return err.message.split('\n');
  }
  assert.fail('expected the site file to be rejected');
}
