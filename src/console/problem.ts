export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 429;

export const STATUS_NAMES: Record<ProblemStatus, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 429: 'Too Many Requests',
};

/** A request the console turns down, with the status that says why; the error handler answers it as an Error. */
export class HttpProblem extends Error {
  constructor(readonly statusCode: ProblemStatus, message: string, readonly retryAfter?: number) {
    super(message);
  }
}
