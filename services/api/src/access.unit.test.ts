import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessControl, hashToken, newToken } from './access';
import { apiConfig } from './api-config';
import { loadApiConfig } from './load-api-config';

const reader = newToken();
const operator = newToken();
const tokens = [
  { name: 'binh', role: 'reader', sha256: hashToken(reader) },
  { name: 'an', role: 'operator', sha256: hashToken(operator) },
];
const bearer = (token: string) => `Bearer ${token}`;
/** The code and message of what `act` throws. */
function refusal(act: () => unknown): { code: unknown; message: string } {
  try {
    act();
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error('it was not refused');
}

describe('access', () => {
  it('with no token configured: anyone reads, nobody acts', () => {
    const access = new AccessControl(apiConfig.parse({}));
    expect(access.authorise('read', undefined)).toEqual({ name: 'anonymous', role: 'reader' });
    expect(refusal(() => access.authorise('operate', undefined)).code).toBe('ACTIONS_DISABLED');
  });

  it('with tokens: reads need one, actions need an operator, and a wrong token is refused even where none is needed', () => {
    const access = new AccessControl(apiConfig.parse({ tokens }));
    expect(refusal(() => access.authorise('read', undefined)).code).toBe('UNAUTHENTICATED');
    expect(access.authorise('read', bearer(reader))).toEqual({ name: 'binh', role: 'reader' });
    expect(refusal(() => access.authorise('operate', bearer(reader)))).toEqual({ code: 'FORBIDDEN', message: expect.stringContaining('binh') as unknown });
    expect(access.authorise('operate', bearer(operator))).toEqual({ name: 'an', role: 'operator' });
    expect(refusal(() => access.authorise('public', bearer(`${reader}x`))).code).toBe('UNAUTHENTICATED');
    expect(refusal(() => access.authorise('read', `Basic ${reader}`)).code).toBe('UNAUTHENTICATED');
    expect(access.authorise('public', undefined)).toEqual({ name: 'anonymous', role: 'reader' });
  });

  it('with tokens and anonymousRead: anyone reads, only operators act', () => {
    const access = new AccessControl(apiConfig.parse({ tokens, anonymousRead: true }));
    expect(access.authorise('read', undefined).name).toBe('anonymous');
    expect(refusal(() => access.authorise('operate', undefined)).code).toBe('UNAUTHENTICATED');
  });

  it('keeps tokens as their hashes only', () => {
    expect(hashToken('tthc_x')).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(apiConfig.parse({ tokens }))).not.toContain(reader);
  });
});

describe('the API configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-api-config-'));
  const file = (content: unknown) => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('takes tokens from the file and TTHC_API_TOKENS, and host and port from flags over the file', async () => {
    const config = await loadApiConfig({
      file: file({ port: 9000, tokens: [tokens[0]] }),
      envTokens: `an:operator:${hashToken(operator)}`,
      overrides: { host: '0.0.0.0' },
    });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 9000, corsOrigins: [], rateLimit: { max: 120, windowSeconds: 60 } });
    expect(config.tokens.map((t) => t.name)).toEqual(['binh', 'an']);
  });

  it.each([
    ['a token that is not a hash', { tokens: [{ name: 'x', role: 'reader', sha256: 'secret' }] }, "tokens.0.sha256: must be the token's SHA-256"],
    ['an unknown role', { tokens: [{ name: 'x', role: 'admin', sha256: hashToken('a') }] }, 'tokens.0.role'],
    ['a repeated name', { tokens: [tokens[0], { ...tokens[1], name: 'binh' }] }, 'tokens.1: repeats the name or token of tokens[0]'],
    ['an unknown field', { tokens: [], colour: 'red' }, 'colour'],
    ['an origin that is not a URL', { corsOrigins: ['lamdong'] }, 'corsOrigins.0: must be an origin'],
  ])('refuses %s, naming the field', async (_what, content, words) => {
    await expect(loadApiConfig({ file: file(content) })).rejects.toMatchObject({
      code: 'INVALID_API_CONFIG',
      message: expect.stringContaining(words) as unknown,
    });
  });

  it('refuses a file that is not JSON, and a TTHC_API_TOKENS entry that is not name:role:sha256', async () => {
    await expect(loadApiConfig({ file: file('{port: 1') })).rejects.toMatchObject({ code: 'INVALID_API_CONFIG' });
    await expect(loadApiConfig({ envTokens: 'binh:reader' })).rejects.toMatchObject({
      code: 'INVALID_API_CONFIG',
      message: expect.stringContaining('tokens.0.sha256') as unknown,
    });
  });
});
