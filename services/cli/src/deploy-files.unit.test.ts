import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { apiConfig } from '@tthc/api';
import { storeUrl } from '@tthc/stores';
import { kafkaConfigFile } from './kafka-options';
import { buildProgram } from './main';

const DEPLOY = join(__dirname, '..', '..', '..', 'infra', 'deploy');
const program = buildProgram();

/** The tthc (sub)command an argument list names, and the arguments after its name. */
function commandOf(args: readonly string[]): { command: Command; rest: string[] } {
  let command: Command = program;
  let rest = [...args];
  for (;;) {
    const next = command.commands.find((c) => c.name() === rest[0]);
    if (next === undefined) return { command, rest };
    command = next;
    rest = rest.slice(1);
  }
}

/** The tthc command lines of the deploy files: systemd ExecStart lines, then compose commands. */
function commandLines(): { file: string; args: string[] }[] {
  const lines: { file: string; args: string[] }[] = [];
  for (const file of readdirSync(join(DEPLOY, 'systemd'))) {
    for (const line of readFileSync(join(DEPLOY, 'systemd', file), 'utf8').split('\n')) {
      const m = /^ExecStart=\/opt\/tthc\/services\/cli\/bin\/tthc (.*)$/.exec(line);
      if (m?.[1] !== undefined) lines.push({ file, args: m[1].split(/\s+/) });
    }
  }
  for (const m of readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8').matchAll(/^\s+command: (\[.*\])$/gm))
    lines.push({ file: 'compose.yaml', args: JSON.parse(m[1] ?? '[]') as string[] });
  return lines;
}

/** Every environment variable a tthc option reads. */
function optionEnv(command: Command): string[] {
  return [...command.options.flatMap((o) => (o.envVar === undefined ? [] : [o.envVar])), ...command.commands.flatMap(optionEnv)];
}

/** Read by tthc beside its options' variables, or by libpq (pg_dump), or by the units themselves. */
const OTHER_ENV = new Set([
  'KAFKA_SASL_PASSWORD',
  'TTHC_API_TOKENS',
  'TTHC_DVCQG_SOURCE',
  'PGHOST',
  'PGPORT',
  'PGDATABASE',
  'PGUSER',
  'PGPASSWORD',
  'PGSSLMODE',
  'PGSSLROOTCERT',
]);

/** Issue #22, point 5: the deployment files say only what tthc does today. */
describe('infra/deploy', () => {
  it.each(commandLines().map((l) => [l.file, l.args.join(' '), l.args] as const))(
    '%s runs a tthc command that exists, with options it has: %s',
    (_file, _line, args) => {
      const { command, rest } = commandOf(args);
      expect(command).not.toBe(program);
      const flags = new Set(command.options.flatMap((o) => [o.long, o.short]));
      for (const arg of rest.filter((a) => a.startsWith('-'))) expect([arg, flags.has(arg)]).toEqual([arg, true]);
    },
  );

  it('names in its env files only variables something reads, with store URLs tthc accepts', () => {
    const known = new Set([...optionEnv(program), ...OTHER_ENV]);
    for (const file of readdirSync(join(DEPLOY, 'etc')).filter((f) => f.endsWith('.env'))) {
      for (const line of readFileSync(join(DEPLOY, 'etc', file), 'utf8').split('\n')) {
        const m = /^([A-Z_]+)=(.*)$/.exec(line);
        if (m === null) continue;
        expect([file, m[1], known.has(m[1] ?? '')]).toEqual([file, m[1], true]);
        if (m[1] === 'TTHC_STORE_URL') expect(storeUrl.safeParse(m[2]).success).toBe(true);
      }
    }
  });

  it('has example configurations that tthc accepts', () => {
    expect(kafkaConfigFile.safeParse(JSON.parse(readFileSync(join(DEPLOY, 'etc', 'kafka.json'), 'utf8'))).success).toBe(true);
    expect(apiConfig.safeParse(JSON.parse(readFileSync(join(DEPLOY, 'etc', 'serve.json'), 'utf8'))).error).toBeUndefined();
  });
});
