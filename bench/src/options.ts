import { join } from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from '@tthc/logging';

/** Raised for bad command-line input: exit code 2 and a message naming the option and the rule. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Default size: about 300,000 events, so a whole run stays around a minute or two on 2 cores. */
export const DEFAULT_EVENTS = 300_000;
/** `--quick`: a smoke check of every row. */
export const QUICK_EVENTS = 20_000;
export const DEFAULT_SEED = 2024;
/** The server's maintenance database: the bench creates and drops its own databases through it. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** `bench/results/latest.json`, wherever the command is run from. */
export const DEFAULT_OUT = join(__dirname, '..', 'results', 'latest.json');

const postgresUrl = z
  .string()
  .refine((s) => URL.canParse(s) && /^postgres(ql)?:$/.test(new URL(s).protocol), { message: 'must be a postgres://user@host:port/database URL' });

export const benchOptions = z
  .object({
    quick: z.boolean().default(false),
    events: z.coerce.number().int().min(100).max(50_000_000).optional(),
    seed: z.coerce.number().int().nonnegative().max(2 ** 32 - 1).default(DEFAULT_SEED),
    postgres: postgresUrl.default(DEFAULT_POSTGRES_URL),
    out: z.string().min(1).default(DEFAULT_OUT),
    logLevel: z.enum(LOG_LEVELS).optional(),
  })
  .strict()
  .refine((o) => !(o.quick && o.events !== undefined), { message: 'give --quick or --events N, not both', path: ['events'] });

export type BenchOptions = z.output<typeof benchOptions>;

const FLAGS: Record<string, string> = { logLevel: '--log-level' };

/** Validates the options, turning zod issues into "--flag: rule" lines. */
export function parseBenchOptions(raw: unknown): BenchOptions {
  const result = benchOptions.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return issue.code === 'unrecognized_keys' ? `unknown option(s): ${issue.keys.join(', ')}` : `${FLAGS[key] ?? `--${key}`}: ${issue.message}`;
  });
  throw new UsageError(lines.join('\n'));
}

/** How many events the run targets. */
export const targetEvents = (o: BenchOptions): number => o.events ?? (o.quick ? QUICK_EVENTS : DEFAULT_EVENTS);
