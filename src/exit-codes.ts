/** Exit codes, as PRODUCT.md promises them to scripts. */
export const ExitCode = {
  Ok: 0,
  /** A finding: drift, a failed check. */
  Finding: 1,
  /** Bad usage or bad input: config, rules, site files. */
  BadInput: 2,
  /** Runtime failure: device unreachable after retries, push rejected. */
  Runtime: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
