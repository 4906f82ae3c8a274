import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseConfig } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';

void test('fs-s5850: CRLF, trailing blanks, Building configuration, echo and prompt lines', () => {
  const raw = 'LAB-S5850# show running-config\r\nBuilding configuration...\r\nversion 7.2.2   \r\n!\r\nhostname LAB-S5850\r\nend\r\n\r\nLAB-S5850#';
  assert.equal(normaliseConfig(raw, getProfile('fs-s5850')), 'version 7.2.2\n!\nhostname LAB-S5850\nend\n');
});

void test('fs-s3900: the Edgecore preamble goes, the stacking lines stay', () => {
  const raw = 'Building running configuration. Please wait...\n!<stackingDB>000000000000</stackingDB>\n!\nhostname LAB-S3900\nend\n!\n\n';
  assert.equal(normaliseConfig(raw, getProfile('fs-s3900')), '!<stackingDB>000000000000</stackingDB>\n!\nhostname LAB-S3900\nend\n!\n');
});

void test('fs-s3900-r: blank lines after Building configuration, Current configuration: and !version go', () => {
  const raw = 'Building configuration...\n\n\n\nCurrent configuration:\n!\n!version 2.2.0E build 97109\nservice timestamps log date\n!\nhostname LAB-S3900R\n';
  assert.equal(normaliseConfig(raw, getProfile('fs-s3900-r')), '!\nservice timestamps log date\n!\nhostname LAB-S3900R\n');
});

void test('cisco-ios: byte count, change and NVRAM timestamps, ntp clock-period', () => {
  const raw = [
    'Building configuration...', '', 'Current configuration : 4231 bytes', '!',
    '! Last configuration change at 10:32:11 UTC Mon Jan 5 2026 by admin', '! NVRAM config last updated at 10:40:00 UTC Mon Jan 5 2026 by admin',
    'version 15.2', 'ntp clock-period 36028797018963968', 'hostname lab-c2960', 'end', '',
  ].join('\n');
  assert.equal(normaliseConfig(raw, getProfile('cisco-ios')), '!\nversion 15.2\nhostname lab-c2960\nend\n');
});

void test('generic: both preamble spellings; the same text twice normalises the same; empty stays empty', () => {
  const p = getProfile('generic');
  assert.equal(normaliseConfig('Building running configuration. Please wait...\nhostname x\n', p), 'hostname x\n');
  assert.equal(normaliseConfig('Building configuration...\r\nCurrent configuration : 99 bytes\r\nhostname x', p), 'hostname x\n');
  const once = normaliseConfig('hostname x  \r\n\r\n', p);
  assert.equal(normaliseConfig(once, p), once);
  assert.equal(normaliseConfig('\n\n', p), '');
});
