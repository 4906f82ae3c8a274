import type { PersonalityDef } from '../personality.js';
import type { Personality } from '../types.js';
import { ciscoIos } from './cisco-ios.js';
import { fsS3900R } from './fs-s3900-r.js';
import { fsS3900 } from './fs-s3900.js';
import { fsS5850 } from './fs-s5850.js';

const ALL: Record<Personality, PersonalityDef> = {
  'fs-s5850': fsS5850,
  'fs-s3900': fsS3900,
  'fs-s3900-r': fsS3900R,
  'cisco-ios': ciscoIos,
};

export function personality(name: Personality): PersonalityDef {
  return ALL[name];
}
