import { stat } from 'node:fs/promises';
import { StateStore } from '../state/index.js';
import { AgentRegistry, validAgentName } from './registry.js';

/**
 * The state directory a reading command (`status`, `history`, `hostkeys`)
 * works on: `--state DIR`, or with `--agent NAME` that agent's own state
 * inside it. A directory that does not exist is an error rather than an empty
 * answer, so a mistyped path is not taken for "no device seen yet".
 */
export async function stateDirOf(options: Record<string, unknown>): Promise<{ dir: string } | { error: string }> {
  const root = typeof options.state === 'string' ? options.state : 'state';
  const isDir = await stat(root).then((info) => info.isDirectory(), () => false);
  if (!isDir) return { error: `--state ${root}: no such directory` };
  const agent = options.agent;
  if (typeof agent !== 'string') return { dir: root };
  if (!validAgentName(agent)) return { error: `--agent: ${JSON.stringify(agent.slice(0, 80))} is not an agent name` };
  const registry = new AgentRegistry(new StateStore(root));
  if ((await registry.get(agent)) === undefined) return { error: `--agent ${agent}: no agent of that name in ${root}` };
  return { dir: registry.stateDir(agent) };
}
