import { isIPv4 } from 'node:net';
import type { GuardRailClass, Site } from '../inventory/index.js';
import type { GuardRailContext } from '../provision/index.js';

/**
 * What provisioning changes by design: a switch rebuilt from its template
 * replaces most of its config and its factory login, and moves from the
 * address its lease gave it to its own. The template is still checked for
 * the site's login user (invalid-intended), and the switch is verified with
 * the site credentials afterwards.
 */
const PROVISIONING_CHANGES: readonly GuardRailClass[] = ['change-ratio', 'login-user', 'mgmt-address'];

/** The guard rails of a push to the device onramp reached at `host`: the site's policy, plus what provisioning changes by design. */
export function guardFor(site: Site, host: string, work: 'remediate' | 'provision'): GuardRailContext {
  const allow = work === 'provision' ? [...new Set([...site.policy.allow, ...PROVISIONING_CHANGES])] : site.policy.allow;
  const guard: GuardRailContext = { loginUser: site.credentials.username, allow, maxChangeRatio: site.policy.maxChangeRatio };
  if (isIPv4(host)) guard.mgmtAddress = host;
  return guard;
}
