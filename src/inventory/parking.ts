import type { Site } from './types.js';

/** What a parked switch is called on its own prompt: `parked-` and its MAC, so a person at its console knows. */
export function parkedHostname(mac: string): string {
  return `parked-${mac.replace(/:/g, '')}`;
}

/** The template (a model name, without `.hbs`) a parked switch of `family` gets: the site's `parking.template`, else `parking-<family>`. */
export function parkingTemplate(site: Site, family: string | undefined): string | undefined {
  if (site.parking.template !== undefined) return site.parking.template.replace(/\.hbs$/, '');
  return family === undefined ? undefined : `parking-${family}`;
}
