import { HealthState } from './health';

describe('HealthState', () => {
  it('is down until the consumer runs, ok with the store reachable, degraded without it', () => {
    let now = new Date('2024-03-01T00:00:00.000Z');
    const health = new HealthState({ now: () => now });
    expect(health.report()).toEqual({
      status: 'down',
      consumer: 'stopped',
      store: 'unknown',
      broker: 'unknown',
      lastFetchAt: null,
      fetchStale: false,
      lastBatchAt: null,
      uptimeSeconds: 0,
    });

    health.consumerRunning(true);
    expect(health.report().status).toBe('ok');
    health.storeReachable(true);
    health.brokerReachable(true);
    health.fetched(new Date('2024-03-01T00:00:01.000Z'));
    health.lastBatchAt(new Date('2024-03-01T00:00:01.500Z'));
    now = new Date('2024-03-01T00:00:02.250Z');
    expect(health.report()).toEqual({
      status: 'ok',
      consumer: 'running',
      store: 'reachable',
      broker: 'reachable',
      lastFetchAt: '2024-03-01T00:00:01.000Z',
      fetchStale: false,
      lastBatchAt: '2024-03-01T00:00:01.500Z',
      uptimeSeconds: 2.25,
    });

    health.storeReachable(false);
    expect(health.report()).toMatchObject({ status: 'degraded', store: 'unreachable' });
    health.consumerRunning(false);
    expect(health.report()).toMatchObject({ status: 'down', consumer: 'stopped', store: 'unreachable' });
  });

  it('is degraded while the broker cannot be reached, and when the consumer has not fetched for longer than the bound', () => {
    let now = new Date('2024-03-01T00:00:00.000Z');
    const health = new HealthState({ now: () => now, fetchStaleAfterMs: 30_000 });
    health.consumerRunning(true);
    health.fetched(now);
    health.brokerReachable(false);
    expect(health.report()).toMatchObject({ status: 'degraded', broker: 'unreachable', fetchStale: false });
    health.brokerReachable(true);
    now = new Date('2024-03-01T00:00:30.000Z');
    expect(health.report()).toMatchObject({ status: 'ok', fetchStale: false });
    now = new Date('2024-03-01T00:00:30.001Z');
    expect(health.report()).toMatchObject({ status: 'degraded', fetchStale: true, lastFetchAt: '2024-03-01T00:00:00.000Z' });
    health.fetched(now);
    expect(health.report()).toMatchObject({ status: 'ok', fetchStale: false });
  });

  it('counts a consumer that never fetched as stale from the time it started', () => {
    let now = new Date('2024-03-01T00:00:00.000Z');
    const health = new HealthState({ now: () => now, fetchStaleAfterMs: 1000 });
    now = new Date('2024-03-01T01:00:00.000Z');
    health.consumerRunning(true);
    expect(health.report().fetchStale).toBe(false);
    now = new Date('2024-03-01T01:00:01.001Z');
    expect(health.report()).toMatchObject({ status: 'degraded', fetchStale: true });
  });

  it('keeps its own copy of the last batch time', () => {
    const health = new HealthState();
    const at = new Date('2024-03-01T00:00:00.000Z');
    health.lastBatchAt(at);
    at.setUTCFullYear(2030);
    expect(health.report().lastBatchAt).toBe('2024-03-01T00:00:00.000Z');
  });
});
