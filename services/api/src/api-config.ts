import { z } from 'zod';

/** What a token may do: read figures and status, or also take operator actions. */
export const API_ROLES = ['reader', 'operator'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const apiToken = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, dots, dashes, underscores or @' })
      .describe('Who holds it, as the logs name them'),
    role: z.enum(API_ROLES),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: "must be the token's SHA-256, 64 lowercase hex digits, as `tthc token` prints it" })
      .describe('The SHA-256 of the token: the token itself is never stored'),
  })
  .describe('A bearer token the server accepts');
export type ApiToken = z.output<typeof apiToken>;

/** The server's configuration: a JSON file (`tthc serve --config FILE`), tokens also from `TTHC_API_TOKENS`. */
export const apiConfig = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; loopback unless a proxy or another host must reach it'),
    port: z.int().min(0).max(65535).default(8080).describe('Port to listen on; 0 picks a free one'),
    tokens: z.array(apiToken).max(1000).default([]),
    anonymousRead: z.boolean().optional().describe('Whether reads need no token; by default they do not when no token is configured, and do when any is'),
    corsOrigins: z
      .array(z.url({ message: 'must be an origin such as https://bao-cao.lamdong.gov.vn' }))
      .default([])
      .describe('Origins allowed to call the API from a browser; none by default'),
    rateLimit: z
      .strictObject({ max: z.int().positive(), windowSeconds: z.int().positive().max(3600) })
      .default({ max: 120, windowSeconds: 60 })
      .describe('Requests to an expensive endpoint (report, operator actions) per client per window'),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    for (const [i, token] of config.tokens.entries()) {
      const before = seen.get(token.name) ?? seen.get(token.sha256);
      if (before !== undefined) ctx.addIssue({ code: 'custom', path: ['tokens', i], message: `repeats the name or token of tokens[${before}]` });
      seen.set(token.name, i);
      seen.set(token.sha256, i);
    }
  });
export type ApiConfig = z.output<typeof apiConfig>;

/** Whether reads need a token under this configuration. */
export const readsNeedToken = (config: ApiConfig): boolean => !(config.anonymousRead ?? config.tokens.length === 0);

/**
 * `TTHC_API_TOKENS`: `name:role:sha256` entries separated by commas, for a deployment that passes
 * secrets as environment variables. Each entry becomes a token record, checked with the rest.
 */
export function tokensFromEnv(value: string): unknown[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [name, role, sha256, ...rest] = entry.split(':');
      return rest.length > 0 ? { name, role, sha256, extra: rest.join(':') } : { name, role, sha256 };
    });
}
