import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkModel } from '../src/onboard/model-match.js';

const s3900 = { family: 'fs-s3900', model: 'S3900-24T4S', serial: 'CG1', version: '1.7.3' };
const s3900r = { family: 'fs-s3900-r', model: 'S3900-24F4S-R' };

void test('a family entry takes any model of its family and no other family', () => {
  assert.equal(checkModel({ model: 'fs-s3900', profile: 'fs-s3900' }, s3900).kind, 'match');
  assert.deepEqual(checkModel({ model: 'fs-s3900', profile: 'fs-s3900' }, s3900r), {
    kind: 'mismatch', reason: 'the switch reports S3900-24F4S-R (fs-s3900-r), not a fs-s3900 as fs-s3900 needs',
  });
  assert.equal(checkModel({ model: 'fs-s5850', profile: 'fs-s5850' }, s3900).kind, 'mismatch');
  assert.equal(checkModel({ model: 'cisco-ios', profile: 'cisco-ios' }, { family: 'cisco-ios', model: 'WS-C2960X-24TS-L' }).kind, 'match');
});

void test('a model entry takes that model, written with or without its vendor word, and its variants', () => {
  assert.equal(checkModel({ model: 'fs-s3900-24t4s', profile: 'fs-s3900' }, s3900).kind, 'match');
  assert.equal(checkModel({ model: 's3900-24t4s', profile: 'fs-s3900' }, s3900).kind, 'match');
  assert.equal(checkModel({ model: 'fs-s3900-24t4s', profile: 'fs-s3900' }, { family: 'fs-s3900', model: 'S3900-24T4S-AC' }).kind, 'match');
  assert.equal(checkModel({ model: 'fs-s5850-48s6q', profile: 'fs-s5850' }, { family: 'fs-s5850', model: 'S5850' }).kind, 'match');
  assert.equal(checkModel({ model: 'fs-s3900-48t4s', profile: 'fs-s3900' }, s3900).kind, 'mismatch');
  assert.equal(checkModel({ model: 'fs-s3900-24', profile: 'fs-s3900' }, { family: 'fs-s3900', model: 'S3900-24T4S' }).kind, 'mismatch');
});

void test('output no family recognises leaves the model unconfirmed; a generic entry skips the family check', () => {
  assert.equal(checkModel({ model: 'fs-s3900', profile: 'fs-s3900' }, {}).kind, 'unconfirmed');
  assert.equal(checkModel({ model: 'edge-x', profile: 'generic' }, { family: 'fs-s3900' }).kind, 'match');
  assert.equal(checkModel({ model: 'edge-x', profile: 'generic' }, s3900).kind, 'mismatch');
});
