import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecrets } from '../src/config/index.js';
import { getProfile, profileNames } from '../src/device/index.js';

const H = '<secret hidden>';

/** Every secret form VENDORS.md lists, with what must remain. */
const FORMS: [string, string][] = [
  // Centec (fs-s5850)
  ['username admin privilege 4 password admin', `username admin privilege 4 password ${H}`],
  ['username admin privilege 4 password 8 $1$abcd$Xyz0123456789', `username admin privilege 4 password 8 ${H}`],
  ['enable password Plain1', `enable password ${H}`],
  ['snmp-server community NAME read-only', `snmp-server community ${H} read-only`],
  // Edgecore (fs-s3900)
  ['username admin password 7 0123456789abcdef0123456789abcdef', `username admin password 7 ${H}`],
  ['enable password 7 0123456789abcdef0123456789abcdef', `enable password 7 ${H}`],
  ['snmp-server community public ro', `snmp-server community ${H} ro`],
  ['snmp-server usm-user U1 G1 v3 encrypted auth sha 0a1b2c3d4e5f\n priv aes128 9f8e7d6c5b4a', `snmp-server usm-user U1 G1 v3 encrypted auth sha ${H}\n priv aes128 ${H}`],
  // BDCOM (fs-s3900-r)
  ['username admin password 7 0932840928a209842390', `username admin password 7 ${H}`],
  ['snmp-server community 7 114f45314d581e RO ACL_SNMP', `snmp-server community 7 ${H} RO ACL_SNMP`],
  ['snmp-server host 10.0.0.5 c0mmun1ty udp-port 162', `snmp-server host 10.0.0.5 ${H} udp-port 162`],
  ['snmp-server user U G v3 priv aes256-c auth sha256 7 aabbccdd 11223344', `snmp-server user U G v3 priv aes256-c auth sha256 7 ${H} ${H}`],
  [' server 10.0.0.9 key 7 0a0b0c0d', ` server 10.0.0.9 key 7 ${H}`],
  // Cisco IOS
  ['enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0', `enable secret 5 ${H}`],
  ['enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM', `enable secret 9 ${H}`],
  ['enable password 7 0822455D0A16', `enable password 7 ${H}`],
  ['username U privilege 15 secret 9 $9$abc$def', `username U privilege 15 secret 9 ${H}`],
  ['username U password 7 0822455D0A16', `username U password 7 ${H}`],
  ['snmp-server community NAME RO', `snmp-server community ${H} RO`],
  ['snmp-server host 10.0.0.1 version 2c NAME', `snmp-server host 10.0.0.1 version 2c ${H}`],
  ['snmp-server host 10.0.0.1 informs version 3 priv V3USER', `snmp-server host 10.0.0.1 informs version 3 priv ${H}`],
  [' password 7 13061E010803', ` password 7 ${H}`],
  ['tacacs-server key 7 02050D480809', `tacacs-server key 7 ${H}`],
  ['tacacs-server key PlainKey', `tacacs-server key ${H}`],
  [' key 7 0a0b0c0d', ` key 7 ${H}`],
  [' key-string MyKeyString', ` key-string ${H}`],
  ['snmp-server user U G v3 auth sha AuthPass1 priv aes 128 PrivPass1', `snmp-server user U G v3 auth sha ${H} priv aes 128 ${H}`],
];

void test('every secret form of VENDORS.md is masked by every profile, keeping keyword and type', () => {
  for (const name of profileNames()) {
    const profile = getProfile(name);
    for (const [line, expected] of FORMS) assert.equal(maskSecrets(line, profile), expected, `${name}: ${line}`);
  }
});

void test('masking keeps the line count and leaves ordinary lines alone', () => {
  const profile = getProfile('fs-s3900');
  const text = FORMS.map(([l]) => l).join('\n') + '\nservice password-encryption\nhostname sw1\ncrypto key generate rsa\n interface eth-0-1\n';
  const masked = maskSecrets(text, profile);
  assert.equal(masked.split('\n').length, text.split('\n').length);
  assert.match(masked, /\nservice password-encryption\nhostname sw1\ncrypto key generate rsa\n interface eth-0-1\n$/);
  for (const secret of ['admin\n', '0123456789abcdef', '9f8e7d6c5b4a', 'AuthPass1', 'PrivPass1', 'PlainKey', 'c0mmun1ty', 'public', '114f45314d581e']) {
    assert.ok(!masked.includes(secret), secret);
  }
});

void test('masking twice changes nothing more', () => {
  const profile = getProfile('cisco-ios');
  const once = maskSecrets(FORMS.map(([l]) => l).join('\n'), profile);
  assert.equal(maskSecrets(once, profile), once);
});

void test('the no form of a secret line, as a plan or its rollback types it, is masked too', () => {
  const lines = [
    'no snmp-server community hq-ro-s3cret ro',
    'no snmp-server host 10.0.0.9 traps version 2c trap-s3cret',
    'no tacacs-server host 10.0.0.7 key tacacs-s3cret',
    'no snmp-server user ops g1 v3 priv aes256-c auth sha256 7 AAAA1111 BBBB2222',
    ' no username admin password 0 user-s3cret',
  ];
  for (const profile of ['generic', 'fs-s5850', 'fs-s3900', 'fs-s3900-r', 'cisco-ios']) {
    const masked = maskSecrets(lines.join('\n'), getProfile(profile));
    for (const secret of ['hq-ro-s3cret', 'trap-s3cret', 'tacacs-s3cret', 'AAAA1111', 'BBBB2222', 'user-s3cret']) {
      assert.ok(!masked.includes(secret), `${profile}: ${secret} in\n${masked}`);
    }
    assert.match(masked, /^no snmp-server community <secret hidden> ro$/m);
  }
});
