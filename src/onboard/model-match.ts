import { profileNames, type DeviceFacts } from '../device/index.js';

export type ModelVerdict =
  | { kind: 'match' }
  /** The switch's output was not recognised: its model cannot be told. */
  | { kind: 'unconfirmed' }
  | { kind: 'mismatch'; reason: string };

/**
 * Whether a switch that reported `facts` may be given the config of an
 * entry of `model` (spoken to with `profile`). The family must be the
 * entry's profile (an FSOS 2.x `S3900-24F4S-R` is no `fs-s3900`). An entry
 * naming only a family (`fs-s3900`) takes any model of it; one naming a
 * model (`fs-s3900-24t4s`) takes the reported model written without the
 * vendor word (`S3900-24T4S`), or one of its variants (`…-24T4S-x`), or a
 * less precise report of it (`S5850` for `fs-s5850-48s6q`).
 */
export function checkModel(entry: { model: string; profile: string }, facts: DeviceFacts): ModelVerdict {
  if (facts.family === undefined) return { kind: 'unconfirmed' };
  const reported = facts.model === undefined ? facts.family : `${facts.model} (${facts.family})`;
  if (entry.profile !== 'generic' && facts.family !== entry.profile) {
    return { kind: 'mismatch', reason: `the switch reports ${reported}, not a ${entry.profile} as ${entry.model} needs` };
  }
  const wanted = entry.model.toLowerCase();
  if (profileNames().includes(wanted) || facts.model === undefined) return { kind: 'match' };
  const model = facts.model.toLowerCase();
  const names = [wanted, wanted.replace(/^[^-]+-/, '')];
  const fits = names.some((name) => model === name || model.startsWith(`${name}-`) || name.startsWith(`${model}-`));
  return fits ? { kind: 'match' } : { kind: 'mismatch', reason: `the switch reports model ${reported}, not ${entry.model}` };
}
