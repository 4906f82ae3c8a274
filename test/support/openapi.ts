import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> } | undefined>;
  parameters?: { in: string; name: string }[];
}
export type OpenApiDocument = { paths: Record<string, Record<string, Operation | undefined>> };

/** Checks answers against the response schemas the OpenAPI document gives for their route and status. */
export class OpenApiChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Every `METHOD path` answered and checked, to tell which routes a test reached. */
  readonly checked = new Set<string>();

  constructor(readonly document: OpenApiDocument) {}

  /** `METHOD /api/v1/...` of every operation in the document. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  }

  /** Asserts the answer's body matches the schema of its route and status; `path` as the document names it (`/api/v1/devices/{name}`). */
  check(method: string, path: string, statusCode: number, body: string): void {
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    assert.ok(operation !== undefined, `${method} ${path} is not in the OpenAPI document`);
    const response = operation.responses[String(statusCode)];
    assert.ok(response !== undefined, `${method} ${path} answered ${String(statusCode)}, which the document does not list`);
    const schema = response.content?.['application/json']?.schema;
    assert.ok(schema !== undefined, `${method} ${path} ${String(statusCode)}: no JSON schema in the document`);
    const key = `${method} ${path} ${String(statusCode)}`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    const value: unknown = JSON.parse(body);
    assert.ok(validate(value), `${key}: the answer does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`);
    this.checked.add(`${method.toUpperCase()} ${path}`);
  }
}

/**
 * The `METHOD path` of every route under /api/v1 (HEAD left out), in the
 * document's {param} form, from Fastify's printRoutes() tree.
 */
export function apiRoutes(tree: string): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) continue;
    const depth = Math.floor(m[1].length / 4);
    const parent = depth === 0 ? '' : (parents[depth - 1] ?? '');
    const segment = m[2];
    const path = segment.startsWith('/') ? `${parent === '/' ? '' : parent}${segment}` : `${parent.endsWith('/') ? parent : `${parent}/`}${segment}`;
    parents[depth] = path;
    parents.length = depth + 1;
    if (!path.startsWith('/api/v1')) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
  }
  return routes;
}
