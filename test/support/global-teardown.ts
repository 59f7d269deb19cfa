/** Stops whatever testcontainers started for this run; servers from the environment are left alone. */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __tthcContainers?: { stop(): Promise<unknown> }[] }).__tthcContainers ?? [];
  await Promise.all(started.map((c) => c.stop()));
}
