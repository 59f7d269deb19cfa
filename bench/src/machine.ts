import { cpus, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly node: string;
  /** PostgreSQL `server_version`. */
  readonly postgres: string;
  /** SQLite library version of better-sqlite3. */
  readonly sqlite: string;
}

export function describeMachine(versions: { postgres: string; sqlite: string }): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: versions.postgres,
    sqlite: versions.sqlite,
  };
}
