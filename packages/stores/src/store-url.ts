import { z } from 'zod';

export const DEFAULT_STORE_URL = 'sqlite:./data/tthc.sqlite';

export type StoreLocation = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export const storeUrl = z
  .string()
  .min(1)
  .transform((value, ctx): StoreLocation => {
    if (value.startsWith('sqlite:')) {
      const path = value.slice('sqlite:'.length);
      if (path.length > 0) return { kind: 'sqlite', path };
    } else if (/^postgres(ql)?:\/\/[^\s]+$/.test(value)) {
      return { kind: 'postgres', url: value };
    }
    ctx.addIssue({ code: 'custom', message: 'must be sqlite:PATH or postgres://user@host:port/database' });
    return z.NEVER;
  });

/** The URL with any password masked, for logs and reports. */
export function describeStore(location: StoreLocation): string {
  if (location.kind === 'sqlite') return `sqlite:${location.path}`;
  const url = new URL(location.url);
  if (url.password) url.password = '***';
  return url.toString();
}
