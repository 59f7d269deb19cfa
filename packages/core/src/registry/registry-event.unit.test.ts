import { demoRegistry } from '@tthc/test-support';
import { mayBeRegistryEvent, parseRegistryEvent, registryEvent } from './registry-event';

const envelope = { id: 'r-1', source: 'urn:tthc:simulator', subject: 'lam-dong', time: '2024-01-01T00:00:00+07:00' };

describe('agency registry event', () => {
  it('carries a registry and reads back as the same registry', () => {
    const line = JSON.stringify(registryEvent(demoRegistry(), envelope));
    expect(mayBeRegistryEvent(line)).toBe(true);
    const parsed = parseRegistryEvent(line);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.event.data).toEqual(demoRegistry());
    expect(parsed.registry.agencyOn('000.00.01.H36', '2024-03-01')?.level).toBe('province');
  });

  it("names the registry's own broken rules under data.", () => {
    const broken = demoRegistry();
    broken.systems[0]?.agencies.push('000.99.99.H36');
    const parsed = parseRegistryEvent(JSON.stringify(registryEvent(broken, envelope)));
    expect(parsed).toMatchObject({ ok: false, reason: 'invalid-event' });
    if (!parsed.ok) expect(parsed.problems.map((p) => p.field)).toEqual([expect.stringMatching(/^data\.systems\.0\.agencies/) as string]);
  });

  it('refuses a bad envelope and text that is not JSON, naming the field', () => {
    const bad = parseRegistryEvent(JSON.stringify({ ...registryEvent(demoRegistry(), envelope), subject: 'Lâm Đồng' }));
    expect(bad).toMatchObject({ ok: false, problems: [{ field: 'subject', rule: expect.stringMatching(/lower-case registry name/) as string }] });
    expect(parseRegistryEvent('{')).toMatchObject({ ok: false, reason: 'invalid-json' });
    expect(mayBeRegistryEvent('{"type":"vn.gov.tthc.dossier.received.v2"}')).toBe(false);
    // The type's text inside another field is not a registry event.
    expect(mayBeRegistryEvent('{"type":"vn.gov.tthc.dossier.received.v2","id":"vn.gov.tthc.agency-registry.published.v1"}')).toBe(false);
  });
});
