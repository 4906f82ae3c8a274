import Handlebars from 'handlebars';
import { LAYOUT } from './layout.js';
import {
  CONFIRM_HOSTKEY, CONFIRM_REMEDIATE, DEVICE, DIFF, ERROR, EVENT, LOGIN, OVERVIEW, RESULT, RULES, SITE, STATE_BADGE, VERSION_DIFF,
} from './pages.js';

/**
 * The console's own Handlebars: HTML-escaping on, unlike the instance that
 * renders switch configs (where escaping would corrupt them). Every value
 * that reaches a page (hostnames from DHCP, device output, messages) is
 * escaped by it.
 */
const html = Handlebars.create();

html.registerHelper('lower', (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : ''));
html.registerHelper('or', (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value));
html.registerHelper('firstLine', (text: unknown) => {
  const line = typeof text === 'string' ? (text.split('\n')[0] ?? '') : '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
});
html.registerHelper('shortTime', (iso: unknown) => {
  if (typeof iso !== 'string') return '';
  const time = Date.parse(iso);
  // The server's clock and zone; the live script rewrites times it adds in the reader's.
  return Number.isNaN(time) ? '' : new Date(time).toISOString().replace('T', ' ').slice(0, 19);
});
html.registerPartial('badge', STATE_BADGE);
html.registerPartial('event', EVENT);
html.registerPartial('diff', DIFF);

const VIEWS = {
  overview: OVERVIEW, site: SITE, device: DEVICE, rules: RULES, login: LOGIN, 'version-diff': VERSION_DIFF,
  'confirm-remediate': CONFIRM_REMEDIATE, 'confirm-hostkey': CONFIRM_HOSTKEY, result: RESULT, error: ERROR,
} as const;

export type ViewName = keyof typeof VIEWS;

const compiled = new Map<ViewName, HandlebarsTemplateDelegate>();
const layout = html.compile(LAYOUT, { strict: false });

export interface PageFrame {
  title: string;
  csrf: string;
  user?: { name: string; role: string };
  /** Why actions are unavailable: shown as a banner. */
  readOnly?: string;
}

/** A whole page: the view rendered with `data`, inside the layout. */
export function renderPage(view: ViewName, frame: PageFrame, data: Record<string, unknown>): string {
  let template = compiled.get(view);
  if (template === undefined) {
    template = html.compile(VIEWS[view]);
    compiled.set(view, template);
  }
  const body = template({ ...data, csrf: frame.csrf, user: frame.user });
  return layout({ ...frame, page: view, body });
}

/** One line of a unified diff, classed for colour. */
export interface DiffLine {
  text: string;
  kind: 'add' | 'del' | 'hunk' | 'head' | 'same';
}

export function diffLines(unified: string): DiffLine[] {
  return unified.split('\n').filter((line, index, all) => !(line === '' && index === all.length - 1) && !/^={3,}$/.test(line)).map((text) => ({
    text,
    kind: text.startsWith('+++') || text.startsWith('---') ? 'head' : text.startsWith('+') ? 'add' : text.startsWith('-') ? 'del' : text.startsWith('@@') ? 'hunk' : 'same',
  }));
}
