/** ssh://, file://, or scp-like user@host:path; nothing that git could read as an option. */
const REMOTE = /^(?:(?:ssh|file):\/\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s-][^\s]*)$/;

export function assertRemote(url: string): void {
  if (!REMOTE.test(url)) throw new Error(`not a git remote onramp pushes to: ${JSON.stringify(url.slice(0, 200))} (expected ssh://…, file://… or user@host:path)`);
}
