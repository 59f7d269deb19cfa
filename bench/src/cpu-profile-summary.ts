#!/usr/bin/env node
/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or `pnpm bench --cpu-prof DIR`): where the process
 * spent its time, by package and by function (self time), and how much of it the process sat idle
 * waiting for the database or the broker.
 *
 *   node bench/dist/cpu-profile-summary.js FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** Microseconds since the previous sample. */
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by group: `(idle)`, `(garbage collector)`, `(program)`, a package (`pg`, `kafkajs`), `@tthc/<name>`, `node:internal`. */
  readonly byGroup: readonly { readonly group: string; readonly ms: number; readonly share: number }[];
  readonly byFunction: readonly { readonly fn: string; readonly group: string; readonly ms: number; readonly share: number }[];
  /** Time inside each of our functions and everything they call, keyed like `byFunction`. */
  readonly inclusive: readonly { readonly fn: string; readonly ms: number; readonly share: number }[];
}

/** Which package or part of the runtime a frame belongs to. */
export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const ours = /\/(packages|services|bench)\/([^/]+)\//.exec(url);
  if (ours) return ours[1] === 'bench' ? '@tthc/bench' : `@tthc/${ours[2] ?? ''}`;
  return url;
}

const nameOf = (frame: CallFrame): string => {
  const file = frame.url.split('/').slice(-1)[0] ?? '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
};

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;

  const groups = new Map<string, number>();
  const fns = new Map<string, { group: string; us: number }>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const group = groupOf(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const fn = nameOf(node.callFrame);
    const entry = fns.get(fn) ?? { group, us: 0 };
    entry.us += us;
    fns.set(fn, entry);
    // Every one of our frames on the stack gets the sample once, however deep the recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !groupOf(frame).startsWith('@tthc/')) continue;
      const key = nameOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    totalMs: ms(total),
    byGroup: [...groups.entries()].sort((a, b) => b[1] - a[1]).map(([group, us]) => ({ group, ms: ms(us), share: share(us) })),
    byFunction: [...fns.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, e]) => ({ fn, group: e.group, ms: ms(e.us), share: share(e.us) })),
    inclusive: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: ms(us), share: share(us) })),
  };
}

function print(summary: ProfileSummary): string {
  const lines = [`total ${summary.totalMs} ms sampled`, '', 'self time by group:'];
  for (const g of summary.byGroup) lines.push(`  ${g.share.toFixed(1).padStart(5)}%  ${String(g.ms).padStart(9)} ms  ${g.group}`);
  lines.push('', 'self time by function:');
  for (const f of summary.byFunction) lines.push(`  ${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(9)} ms  ${f.fn}  [${f.group}]`);
  lines.push('', 'inclusive time of our functions:');
  for (const f of summary.inclusive) lines.push(`  ${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(9)} ms  ${f.fn}`);
  return `${lines.join('\n')}\n`;
}

/** The parts of a `.cpuprofile` the summary reads. */
const cpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number().int(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number().int() }),
      children: z.array(z.number().int()).optional(),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number().int()),
  timeDeltas: z.array(z.number()),
});

if (require.main === module) {
  new Command('cpu-profile-summary')
    .description('where a V8 CPU profile spent its time: by package, by function, and inclusive time of our functions')
    .argument('<file>', 'a .cpuprofile written by node --cpu-prof or pnpm bench --cpu-prof')
    .option('--top <n>', 'functions to list', '25')
    .action((file: string, raw: { top: string }) => {
      const top = z.coerce.number().int().positive().safeParse(raw.top);
      if (!top.success) throw new Error(`--top: must be a whole number above 0, not ${raw.top}`);
      const parsed = cpuProfile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file}: not a V8 CPU profile: ${z.prettifyError(parsed.error)}`);
      process.stdout.write(print(summariseProfile(parsed.data, top.data)));
    })
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`cpu-profile-summary: ${(error as Error).message}\n`);
      process.exitCode = 2;
    });
}
