import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTemplate, renderTemplateText, TemplateError } from '../src/provision/render.js';

function missingOf(source: string, vars: Record<string, unknown>): string[] {
  try {
    renderTemplateText(source, vars, 't.hbs');
  } catch (err) {
    assert.ok(err instanceof TemplateError, String(err));
    return err.missing;
  }
  assert.fail('expected the template to be refused');
}

void test('renders without HTML escaping', () => {
  const out = renderTemplateText('hostname {{hostname}}\nsnmp-server location {{location}}\n', { hostname: 'A-1', location: 'rack <3> & "b"' }, 't.hbs');
  assert.equal(out, 'hostname A-1\nsnmp-server location rack <3> & "b"\n');
});

void test('every missing variable is listed, not just the first', () => {
  assert.deepEqual(missingOf('hostname {{hostname}}\nip address {{mgmtIp}} {{mgmtMask}}\n', { hostname: 'x' }), ['mgmtIp', 'mgmtMask']);
});

void test('helper arguments, hash values and sub-expressions are checked', () => {
  assert.deepEqual(missingOf('{{lookup ports uplinkIndex}}', { ports: ['a'] }), ['uplinkIndex']);
  assert.deepEqual(missingOf('{{#if (lookup vlans voiceVlan)}}x{{/if}}', {}), ['vlans', 'voiceVlan']);
  assert.deepEqual(missingOf('{{#each vlans}}{{/each}}{{log "x" level=logLevel}}', { vlans: [] }), ['logLevel']);
});

void test('both branches of if and unless are checked', () => {
  assert.deepEqual(missingOf('{{#if snmp}}community {{community}}{{else}}{{fallback}}{{/if}}', { snmp: false }), ['community', 'fallback']);
});

void test('each items, block params, ../ and @root paths are resolved against the data', () => {
  const source = '{{#each vlans as |vlan i|}}vlan {{vlan.id}} name {{vlan.name}} {{../domain}} {{@root.site}} {{@index}} {{i}}\n{{/each}}';
  const ok = renderTemplateText(source, { vlans: [{ id: 10, name: 'users' }], domain: 'd', site: 'hq' }, 't.hbs');
  assert.equal(ok, 'vlan 10 name users d hq 0 0\n');
  assert.deepEqual(missingOf(source, { vlans: [{ id: 10 }], site: 'hq' }), ['../domain', 'vlan.name']);
  assert.deepEqual(missingOf('{{#each vlans}}{{id}} {{name}}{{/each}}', { vlans: [{ id: 1, name: 'a' }, { id: 2 }] }), ['name']);
  assert.deepEqual(missingOf('{{#with mgmt}}{{ip}} {{gw}}{{/with}}', { mgmt: { ip: '1' } }), ['gw']);
});

void test('values with newlines or control characters are refused before rendering', () => {
  assert.throws(() => renderTemplateText('hostname {{hostname}}', { hostname: 'x\nreload' }, 't.hbs'), /control characters: hostname/);
  assert.throws(() => renderTemplateText('{{a.b}}', { a: { b: 'nul\u0000' } }, 't.hbs'), /control characters: a\.b/);
});

void test('unknown helpers and partials are template errors', () => {
  assert.throws(() => renderTemplateText('{{shout hostname}}', { hostname: 'x' }, 't.hbs'), /^TemplateError: t\.hbs:1: unknown helper shout$/);
  assert.throws(() => renderTemplateText('{{> other}}', {}, 't.hbs'), /partials are not supported/);
});

void test('renderTemplate reads templates/<model>.hbs and names the file in errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-tpl-'));
  try {
    await writeFile(join(dir, 'fs-s5850.hbs'), 'hostname {{hostname}}\n');
    assert.equal(await renderTemplate(dir, 'fs-s5850', { hostname: 'CORE1' }), 'hostname CORE1\n');
    await assert.rejects(renderTemplate(dir, 'fs-s5850', {}), /fs-s5850\.hbs:1: missing variables: hostname$/);
    await assert.rejects(renderTemplate(dir, 'nope', {}), /cannot read the template for model nope/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('{{#if}} sections are optional: their condition and what lies under it may be absent, everything else is still required', () => {
  const source = 'hostname {{hostname}}\n{{#if snmp}}\nsnmp-server community {{snmp.community}} ro\nsnmp-server location {{location}}\n{{/if}}\n{{#unless ntp}}\nno ntp\n{{else}}\nntp server {{ntp.server}}\n{{/unless}}\n';
  assert.equal(renderTemplateText(source, { hostname: 'A', location: 'hq' }, 't.hbs'), 'hostname A\nno ntp\n');
  assert.equal(renderTemplateText(source, { hostname: 'A', location: 'hq', snmp: { community: 'c' }, ntp: { server: '10.0.0.1' } }, 't.hbs'),
    'hostname A\nsnmp-server community c ro\nsnmp-server location hq\nntp server 10.0.0.1\n');
  // Outside its guard a value is required on every branch, taken or not.
  assert.deepEqual(missingOf(source, { hostname: 'A' }), ['location']);
  // A condition that holds makes what lies under it required.
  assert.deepEqual(missingOf(source, { hostname: 'A', location: 'hq', snmp: { ro: true } }), ['snmp.community']);
});

void test('template errors name the file and line with handlebars\' reason', () => {
  assert.throws(() => renderTemplateText('hostname {{hostname}}\n!\n{{#if snmp}}\nsnmp-server x\n', { hostname: 'A' }, 'fs.hbs'),
    /^TemplateError: fs\.hbs:5: does not parse: Expecting .*got 'EOF'$/);
  assert.throws(() => renderTemplateText('a\n{{#if x}}\n{{/each}}\n', {}, 'fs.hbs'), /^TemplateError: fs\.hbs:2: does not parse: if doesn't match each$/);
  assert.throws(() => renderTemplateText('hostname {{hostname}}\n\nip address {{mgmtIp}} {{mask}}\n', { hostname: 'A' }, 'fs.hbs'),
    /^TemplateError: fs\.hbs:3: missing variables: mask, mgmtIp \(lines 3, 3\)$/);
});
