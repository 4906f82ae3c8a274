/** Where the journal lives in the state directory. */
export const JOURNAL_DIR = 'events';
export const JOURNAL_FILE = [JOURNAL_DIR, 'journal.jsonl'];
/** The generation before the current one, kept whole after a rotation. */
export const JOURNAL_PREVIOUS = [JOURNAL_DIR, 'journal.1.jsonl'];
/** The last drift of each device, kept past the journal's rotation and past its remediation. */
export const DRIFT_DIR = [JOURNAL_DIR, 'drift'];
