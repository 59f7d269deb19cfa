import { sleep } from '@tthc/retry';
import { isBatch, Tthc, type LogLine } from './process';
import type { PrivateBroker, PrivateCluster } from './servers';

/** What a scenario needs: the servers, its own database and consumer group, and how to run `tthc`. */
export interface Stage {
  readonly cluster: PrivateCluster;
  readonly broker: PrivateBroker;
  readonly storeUrl: string;
  readonly group: string;
  readonly topicArgs: readonly string[];
  /** Consumer settings given to every ingest (the session timeout, when the harness is asked for one). */
  readonly consumerArgs: readonly string[];
  /** A random number in [0, 1), from the harness's seeded generator. */
  readonly random: () => number;
  /** Every process a scenario starts, so that none outlives the harness. */
  readonly started: Tthc[];
}

/** How long a process may take to end after SIGTERM, or after `--until-idle` has nothing left to do. */
export const EXIT_BOUND_MS = 35_000;
const PROGRESS_MS = 60_000;

export function tthc(stage: Stage, name: string, args: readonly string[], env: Record<string, string> = {}): Tthc {
  const child = new Tthc(name, args, { TTHC_STORE_URL: stage.storeUrl, KAFKA_BROKERS: stage.broker.brokers, ...(args[0] === 'ingest' ? SLOW : {}), ...env });
  stage.started.push(child);
  return child;
}

// Small batches (about 60 events), each held 100 ms before its offsets commit: the feed takes long
// enough to ingest that every fault lands while there is work in hand.
const SLOW = { TTHC_FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS: '100' };
export const ingestArgs = (stage: Stage, ...more: string[]) => [
  'ingest',
  ...stage.topicArgs,
  '--dlq-topic',
  'chaos.dlq',
  '--group',
  stage.group,
  '--metrics-port',
  '0',
  '--fetch-bytes',
  '32768',
  ...stage.consumerArgs,
  ...more,
];
// Back at work: a batch stored or projected, or a runner that took over a projection's lease.
const batchAfter = (t: number) => (l: LogLine) => (isBatch(l) || l.msg === 'running' || l.msg === 'lease taken over: running') && l.at > t;

/** Runs a process to its end within the bound; a non-zero exit is a failure of the scenario. */
export async function runToEnd(child: Tthc, boundMs = EXIT_BOUND_MS * 4): Promise<void> {
  const { code, signal } = await child.exitWithin(boundMs);
  if (code !== 0)
    throw new Error(
      `${child.name} ended with ${code ?? signal}: ${child.logs
        .map((l) => l.msg)
        .slice(-2)
        .join('; ')}`,
    );
}

/** Ends a following process with SIGTERM; it must exit 0 within the bound. Returns how long it took (s). */
export async function stop(child: Tthc): Promise<number> {
  const t = Date.now();
  child.kill('SIGTERM');
  const { code, signal } = await child.exitWithin(EXIT_BOUND_MS);
  if (code !== 0) throw new Error(`${child.name} ended with ${code ?? signal} after SIGTERM`);
  return (Date.now() - t) / 1000;
}

/** Seconds from `since` to the first batch any of `children` logs after it. */
async function nextBatch(children: readonly Tthc[], since: number): Promise<number> {
  const line = await Promise.any(children.map((c) => c.waitFor(batchAfter(since), PROGRESS_MS, 'a batch')));
  return (line.at - since) / 1000;
}

export interface Scenario {
  readonly name: string;
  /** What must be done before the faults: nothing, the whole feed ingested, or ingested and projected. */
  readonly needs?: 'ingested' | 'projected';
  /** Faults the pipeline through to the end of the feed; returns the recovery time of each fault, in seconds. */
  run(stage: Stage): Promise<number[]>;
}

const afterFirstBatch = async (child: Tthc, random: () => number) => {
  await child.waitFor(isBatch, PROGRESS_MS, 'its first batch');
  await sleep(200 + random() * 800);
};

/** kill -9 of ingest at random moments, restarted each time; recovery: from the kill to the next batch stored. */
export const killIngest = (kills: number): Scenario => ({
  name: `kill -9 ingest ×${kills}`,
  async run(stage) {
    const times: number[] = [];
    for (let i = 0; i < kills; i += 1) {
      const child = tthc(stage, `ingest#${i}`, ingestArgs(stage));
      await afterFirstBatch(child, stage.random);
      child.kill('SIGKILL');
      await child.exited;
      const t = Date.now();
      const next = tthc(stage, `ingest#${i}b`, ingestArgs(stage, '--until-idle'));
      times.push(await nextBatch([next], t).catch(() => NaN));
      if (i === kills - 1) await runToEnd(next);
      else {
        next.kill('SIGKILL');
        await next.exited;
      }
    }
    return times;
  },
});

/** kill -9 while a batch is stored and its offsets are not yet committed: the batch comes again and must be absorbed. */
export const killBetweenCommits = (kills: number): Scenario => ({
  name: `kill -9 ingest between store and offset commit ×${kills}`,
  async run(stage) {
    const times: number[] = [];
    for (let i = 0; i < kills; i += 1) {
      const child = tthc(stage, `ingest#${i}`, ingestArgs(stage), { TTHC_FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS: '2000' });
      await child.waitFor((l) => l.msg.startsWith('fault window'), PROGRESS_MS, 'the fault window');
      child.kill('SIGKILL');
      await child.exited;
    }
    const t = Date.now();
    const last = tthc(stage, 'ingest#end', ingestArgs(stage, '--until-idle'));
    times.push(await nextBatch([last], t).catch(() => NaN));
    await runToEnd(last);
    return times;
  },
});

/** Polls /health until `wanted` holds; its last answer, or undefined if it never held within `ms`. */
let lastHealth: unknown;
async function healthWithin(port: number, wanted: (h: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown> | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const h = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<string, unknown>;
      lastHealth = h;
      if (wanted(h)) return h;
    } catch (error) {
      lastHealth = (error as Error).message;
    }
    await sleep(500);
  }
  return undefined;
}

/** The broker stopped and started again while ingest runs `--until-idle`: ingest must store everything and exit by itself. */
export const brokerRestart: Scenario = {
  name: 'broker stop and start during ingest',
  async run(stage) {
    const child = tthc(stage, 'ingest', ingestArgs(stage, '--until-idle', '--idle-ms', '3000'));
    const listening = await child.waitFor((l) => l.msg.startsWith('ops server listening'), PROGRESS_MS, 'its ops server');
    await afterFirstBatch(child, stage.random);
    await stage.broker.stop();
    // /health must say so while the broker is away.
    const health = await healthWithin(Number(listening.fields.port), (h) => h.broker === 'unreachable' && h.status === 'degraded', 15_000);
    if (!health)
      throw new Error(
        `/health did not say the broker was unreachable within 15 s of its stop (last: ${JSON.stringify(lastHealth)}; ingest: ${child.logs
          .slice(-2)
          .map((l) => l.msg)
          .join('; ')})`,
      );
    await stage.broker.start();
    const t = Date.now();
    const recovery = await nextBatch([child], t).catch(() => NaN);
    await runToEnd(child);
    return [recovery];
  },
};

/** A following ingest, told to stop after a broker restart: it must exit within the bound. */
export const sigtermAfterBrokerRestart: Scenario = {
  name: 'SIGTERM of following ingest after a broker restart',
  async run(stage) {
    const child = tthc(stage, 'ingest', ingestArgs(stage));
    await afterFirstBatch(child, stage.random);
    await stage.broker.stop();
    await sleep(2000);
    await stage.broker.start();
    await sleep(2000);
    const took = await stop(child);
    const rest = tthc(stage, 'ingest#end', ingestArgs(stage, '--until-idle'));
    await runToEnd(rest);
    return [took];
  },
};

/** PostgreSQL killed (SIGKILL of the postmaster) while `step` runs, and started again 3 s later. */
const killPostgresDuring = (what: string, start: (stage: Stage) => Tthc): Scenario => ({
  name: `PostgreSQL killed during ${what}`,
  async run(stage) {
    const child = start(stage);
    await afterFirstBatch(child, stage.random);
    stage.cluster.kill();
    await sleep(3000);
    await stage.cluster.restart();
    const t = Date.now();
    const recovery = await nextBatch([child], t).catch(() => NaN);
    await runToEnd(child);
    return [recovery];
  },
});

export const killPostgresDuringIngest = killPostgresDuring('ingest', (stage) => tthc(stage, 'ingest', ingestArgs(stage, '--until-idle')));
export const killPostgresDuringProjection: Scenario = {
  ...killPostgresDuring('projection', (stage) => tthc(stage, 'project', ['project', '--until-caught-up', '--batch-size', '500'])),
  needs: 'ingested',
};

/** kill -9 of the projector, restarted as a follower (it waits out the dead runner's lease), then stopped and caught up. */
export const killProjector = (kills: number): Scenario => ({
  name: `kill -9 projector ×${kills}`,
  needs: 'ingested',
  async run(stage) {
    const times: number[] = [];
    for (let i = 0; i < kills; i += 1) {
      const child = tthc(stage, `project#${i}`, ['project', '--batch-size', '100']);
      await afterFirstBatch(child, stage.random);
      child.kill('SIGKILL');
      await child.exited;
      const t = Date.now();
      const next = tthc(stage, `project#${i}b`, ['project', '--batch-size', '100']);
      times.push(await nextBatch([next], t).catch(() => NaN));
      await stop(next);
    }
    await runToEnd(tthc(stage, 'project#end', ['project', '--until-caught-up']));
    return times;
  },
});

/** kill -9 of a replay, then the replay again until it has switched: it resumes. */
export const killReplay = (kills: number): Scenario => ({
  name: `kill -9 replay ×${kills}`,
  needs: 'projected',
  async run(stage) {
    const times: number[] = [];
    for (let i = 0; i < kills; i += 1) {
      const child = tthc(stage, `replay#${i}`, ['replay', 'daily-counts', '--batch-size', '500']);
      await afterFirstBatch(child, stage.random);
      child.kill('SIGKILL');
      await child.exited;
    }
    // The dead replay's lease runs out first; until then a new replay is refused, and tried again.
    const t = Date.now();
    for (;;) {
      const again = tthc(stage, 'replay#end', ['replay', 'daily-counts', '--batch-size', '500']);
      const { code } = await again.exitWithin(EXIT_BOUND_MS * 4);
      if (code === 0) break;
      if (Date.now() - t > 120_000) throw new Error('the replay did not resume within 120 s');
      await sleep(2000);
    }
    times.push((Date.now() - t) / 1000);
    return times;
  },
});

/** Two, then three ingest processes in one group, members killed and added: the partitions move between them mid-batch. */
export const groupChurn: Scenario = {
  name: 'ingest group: 2 then 3 members, kills and joins',
  async run(stage) {
    const a = tthc(stage, 'ingest-a', ingestArgs(stage));
    const b = tthc(stage, 'ingest-b', ingestArgs(stage));
    await afterFirstBatch(a, stage.random);
    a.kill('SIGKILL');
    const t1 = Date.now();
    const c = tthc(stage, 'ingest-c', ingestArgs(stage));
    const d = tthc(stage, 'ingest-d', ingestArgs(stage));
    const first = await nextBatch([b, c, d], t1).catch(() => NaN);
    await sleep(500 + stage.random() * 1000);
    b.kill('SIGKILL');
    const t2 = Date.now();
    const second = await nextBatch([c, d], t2).catch(() => NaN);
    await Promise.all([stop(c), stop(d)]);
    await runToEnd(tthc(stage, 'ingest#end', ingestArgs(stage, '--until-idle')));
    return [first, second];
  },
};

/** SIGTERM of ingest, the projector and a replay, each in the middle of its work: each exits 0 within the bound, and a rerun finishes. */
export const sigtermEverywhere: Scenario = {
  name: 'SIGTERM of ingest (starting, mid-work, store down), projector and replay',
  async run(stage) {
    // While it starts: reading the registry topic, joining the group.
    const starting = tthc(stage, 'ingest-starting', ingestArgs(stage));
    await sleep(300 + stage.random() * 700);
    const times = [await stop(starting)];
    const ingest = tthc(stage, 'ingest', ingestArgs(stage, '--until-idle'), { TTHC_FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS: '300' });
    await afterFirstBatch(ingest, stage.random);
    times.push(await stop(ingest));
    // While the store is down: the batch in hand is given up uncommitted, and the process ends.
    const waiting = tthc(stage, 'ingest-store-down', ingestArgs(stage));
    await afterFirstBatch(waiting, stage.random);
    stage.cluster.kill();
    await sleep(1500);
    try {
      times.push(await stop(waiting));
    } finally {
      await stage.cluster.restart();
    }
    await runToEnd(tthc(stage, 'ingest#end', ingestArgs(stage, '--until-idle')));
    const project = tthc(stage, 'project', ['project', '--batch-size', '200']);
    await afterFirstBatch(project, stage.random);
    times.push(await stop(project));
    await runToEnd(tthc(stage, 'project#end', ['project', '--until-caught-up']));
    // Small batches, so that the replay is still at work when the signal comes (at 200 it could
    // finish within the wait, and a signal during the process's exit ends it by the signal).
    const replay = tthc(stage, 'replay', ['replay', 'daily-counts', '--batch-size', '10']);
    await afterFirstBatch(replay, stage.random);
    times.push(await stop(replay));
    await runToEnd(tthc(stage, 'replay#end', ['replay', 'daily-counts']));
    return times;
  },
};
