import { join } from 'node:path';

/**
 * Profiles of the switch families onramp speaks to. A model name such as
 * `fs-s3900-24t4s` picks the longest family it starts with; a site or device
 * can still name a profile explicitly.
 */
const FAMILIES = ['fs-s5850', 'fs-s3900-r', 'fs-s3900', 'cisco-ios', 'generic'];

export function profileForModel(model: string): string {
  const lower = model.toLowerCase();
  const family = FAMILIES.filter((name) => lower === name || lower.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ?? lower;
}

/** `templates/<model>.hbs`; the model has been validated as a safe file name. */
export function templatePath(templatesDir: string, model: string): string {
  return join(templatesDir, `${model}.hbs`);
}
