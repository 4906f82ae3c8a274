import assert from 'node:assert/strict';

/** Logs in to the console at `base` over HTTP as `user`, as a browser does (session, CSRF token, POST); the session cookie. */
export async function loginOverHttp(base: string, user: { name: string; password: string }): Promise<string> {
  const session = await fetch(`${base}/api/v1/session`);
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = await session.json() as { csrfToken: string };
  const answer = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify({ username: user.name, password: user.password }),
  });
  assert.equal(answer.status, 200, `login as ${user.name} at ${base}`);
  return (answer.headers.get('set-cookie') ?? cookie).split(';')[0] ?? '';
}

/** GET `path` of the console's API with the session `cookie`: its JSON, after checking it answered 200. */
export async function getJson<T>(base: string, cookie: string, path: string): Promise<T> {
  const answer = await fetch(`${base}${path}`, { headers: { cookie } });
  assert.equal(answer.status, 200, `${path} at ${base}`);
  return await answer.json() as T;
}
