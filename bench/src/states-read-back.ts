#!/usr/bin/env node
/**
 * How many dossier summaries a projection from the start of the log reads back from its view, for a
 * capacity of the runner's DossierStates: the runner's own PendingBatch and DossierStates fold the
 * simulated profile in pages and batches as `tthc replay` does, with a map standing in for the view.
 * A count, not a time: the same on any machine, so it shows what the capacity does without the noise
 * of a timed run.
 *
 *   node bench/dist/states-read-back.js [--scale 5] [--capacity 200000] [--keep-final]
 */
import { dossierStreamId, type DossierSummary, type RecordedEvent } from '@tthc/core';
import { DossierStates, PendingBatch, PROJECTOR_DEFAULTS, READ_PAGE_SIZE } from '@tthc/projector';
import { scaleProfile, simulateProfile } from '@tthc/simulator';
import { Command } from 'commander';
import { z } from 'zod';
import { readProfile } from './dataset';
import { DEFAULT_PROFILE } from './options';

const Options = z.object({
  scale: z.coerce.number().positive(),
  capacity: z.coerce.number().int().nonnegative(),
  keepFinal: z.boolean(),
  profile: z.string().min(1),
  seed: z.coerce.number().int(),
});

export interface ReadBack {
  readonly events: number;
  /** Summaries read back from the view. */
  readonly readBack: number;
  /** Most summaries held at once. */
  readonly maxHeld: number;
}

/** Folds the events as a runner projecting from the start would, and counts what it reads back. */
export function countReadBack(
  events: Iterable<{ readonly subject: string; readonly id: string; readonly type: string; readonly data: unknown }>,
  capacity: number,
  keepFinal: boolean,
): ReadBack {
  const view = new Map<string, DossierSummary>();
  const states = new DossierStates(capacity, { empty: true, keepFinal });
  let pending = new PendingBatch();
  let page: RecordedEvent[] = [];
  let count = 0;
  let readBack = 0;
  let maxHeld = 0;
  const commit = (): void => {
    for (const [code, summary] of pending.dossiers) view.set(code, summary);
    states.remember(pending.dossiers);
    states.trim();
    maxHeld = Math.max(maxHeld, states.size);
    pending = new PendingBatch();
  };
  const fold = (): void => {
    const unknown = pending.unknownCodes(page, states);
    readBack += unknown.length;
    states.remember(new Map(unknown.flatMap((code) => (view.has(code) ? [[code, view.get(code) as DossierSummary] as const] : []))));
    pending.fold(page, states);
    page = [];
    if (pending.events + READ_PAGE_SIZE > PROJECTOR_DEFAULTS.batchSize) commit();
  };
  for (const event of events) {
    count += 1;
    const position = { commit: BigInt(count), prepare: BigInt(count) };
    page.push({ streamId: dossierStreamId(event.subject), revision: 0n, position, id: event.id, type: event.type, data: event.data, metadata: {} });
    if (page.length === READ_PAGE_SIZE) fold();
  }
  if (page.length > 0) fold();
  if (pending.events > 0) commit();
  return { events: count, readBack, maxHeld };
}

if (require.main === module) {
  const program = new Command('states-read-back')
    .description('Summaries a projection from the start of the log reads back from its view, for a capacity of dossier states')
    .option('--scale <f>', 'scale of the profile', '1')
    .option('--capacity <n>', 'dossier summaries held', String(PROJECTOR_DEFAULTS.statesCapacity))
    .option('--keep-final', 'hold dossiers that can take no further event like the others', false)
    .option('--profile <file>', 'simulation profile JSON', DEFAULT_PROFILE)
    .option('--seed <n>', 'random seed of the simulation', '2024')
    .parse();
  const options = Options.parse(program.opts());
  const scaled = scaleProfile(readProfile(options.profile), options.scale);
  if (!scaled.ok) throw new Error(`${options.profile} scaled by ${options.scale}: ${scaled.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
  const simulation = simulateProfile(scaled.profile, { seed: options.seed });
  const result = countReadBack(simulation.events(), options.capacity, options.keepFinal);
  process.stdout.write(
    `${JSON.stringify({ scale: options.scale, capacity: options.capacity, keepFinal: options.keepFinal, ...result, share: Math.round((result.readBack / result.events) * 10_000) / 10_000 })}\n`,
  );
}
