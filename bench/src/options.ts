import { join } from 'node:path';
import { z } from 'zod';
import { TthcError } from '@tthc/core';
import { LOG_LEVELS } from '@tthc/logging';

/** Raised for bad command-line input: exit code 2 and a message naming the option and the rule. */
export class UsageError extends TthcError {
  readonly code = 'USAGE';
}

/** The Lâm Đồng H1 2024 profile, the data every row runs on. */
export const DEFAULT_PROFILE = join(__dirname, '..', '..', 'test', 'fixtures', 'profiles', 'lam-dong-2024-h1.json');
/** `--quick`: the profile at this scale (about 29,000 events), a smoke check that every row runs. */
export const QUICK_SCALE = 0.02;
/** The sizes a run covers, as multiples of the base scale: the profile, then the profile ×5. */
export const DEFAULT_SIZES: readonly number[] = [1, 5];
export const DEFAULT_SEED = 2024;
/** The server's maintenance database: the bench creates and drops its own databases through it. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The broker `infra/kafka/start.sh` starts. */
export const DEFAULT_BROKERS = '127.0.0.1:9092';
/** `bench/results/latest.json`, wherever the command is run from. */
export const DEFAULT_OUT = join(__dirname, '..', 'results', 'latest.json');

const postgresUrl = z
  .string()
  .refine((s) => URL.canParse(s) && /^postgres(ql)?:$/.test(new URL(s).protocol), { message: 'must be a postgres://user@host:port/database URL' });

const sizes = z
  .string()
  .transform((s) => s.split(',').map((part) => Number(part.trim())))
  .refine((list) => list.length > 0 && list.every((n) => Number.isFinite(n) && n > 0 && n <= 20), {
    message: 'must be a comma-separated list of multiples above 0 and at most 20, e.g. 1,5',
  })
  .refine((list) => new Set(list).size === list.length, { message: 'must not repeat a size' });

export const benchOptions = z
  .object({
    quick: z.boolean().default(false),
    scale: z.coerce.number().positive().max(20).optional(),
    sizes: sizes.optional(),
    profile: z.string().min(1).default(DEFAULT_PROFILE),
    seed: z.coerce
      .number()
      .int()
      .nonnegative()
      .max(2 ** 32 - 1)
      .default(DEFAULT_SEED),
    postgres: postgresUrl.default(DEFAULT_POSTGRES_URL),
    brokers: z
      .string()
      .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port…]')
      .default(DEFAULT_BROKERS),
    only: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      )
      .optional(),
    cpuProf: z.string().min(1).regex(/^\S+$/, 'must be a directory path without spaces (Node takes it through TTHC_NODE_ARGS)').optional(),
    out: z.string().min(1).default(DEFAULT_OUT),
    logLevel: z.enum(LOG_LEVELS).optional(),
  })
  .strict()
  .refine((o) => !(o.quick && o.scale !== undefined), { message: 'give --quick or --scale F, not both', path: ['scale'] });

export type BenchOptions = z.output<typeof benchOptions>;

const FLAGS: Record<string, string> = { logLevel: '--log-level', cpuProf: '--cpu-prof' };

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

/** The profile scale of the first size. */
export const baseScale = (o: BenchOptions): number => o.scale ?? (o.quick ? QUICK_SCALE : 1);

/** The multiples of the base scale this run covers: `--sizes`, else only the base with `--quick`, else 1 and 5. */
export const runSizes = (o: BenchOptions): readonly number[] => o.sizes ?? (o.quick ? [1] : DEFAULT_SIZES);
