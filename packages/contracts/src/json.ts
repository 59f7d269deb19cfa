/** A JSON value as the contracts write it. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/**
 * Serialises a contract file: two-space indent, a trailing newline, keys in the order they were
 * built (every builder here is deterministic), so the same sources give the same bytes.
 */
export const toJsonFile = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
