import { HealthState } from './health';

describe('HealthState', () => {
  it('is down until the consumer runs, ok with the store reachable, degraded without it', () => {
    let now = new Date('2024-03-01T00:00:00.000Z');
    const health = new HealthState({ now: () => now });
    expect(health.report()).toEqual({ status: 'down', consumer: 'stopped', store: 'unknown', lastBatchAt: null, uptimeSeconds: 0 });

    health.consumerRunning(true);
    expect(health.report().status).toBe('ok');
    health.storeReachable(true);
    health.lastBatchAt(new Date('2024-03-01T00:00:01.500Z'));
    now = new Date('2024-03-01T00:00:02.250Z');
    expect(health.report()).toEqual({
      status: 'ok',
      consumer: 'running',
      store: 'reachable',
      lastBatchAt: '2024-03-01T00:00:01.500Z',
      uptimeSeconds: 2.25,
    });

    health.storeReachable(false);
    expect(health.report()).toMatchObject({ status: 'degraded', store: 'unreachable' });
    health.consumerRunning(false);
    expect(health.report()).toMatchObject({ status: 'down', consumer: 'stopped', store: 'unreachable' });
  });

  it('keeps its own copy of the last batch time', () => {
    const health = new HealthState();
    const at = new Date('2024-03-01T00:00:00.000Z');
    health.lastBatchAt(at);
    at.setUTCFullYear(2030);
    expect(health.report().lastBatchAt).toBe('2024-03-01T00:00:00.000Z');
  });
});
