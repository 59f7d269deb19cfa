import { readFile } from 'node:fs/promises';
import { apiConfig, tokensFromEnv, type ApiConfig } from './api-config';
import { InvalidApiConfigError } from './problem';

export interface ApiConfigSources {
  /** A JSON file of the configuration (`--config`). */
  readonly file?: string | undefined;
  /** `TTHC_API_TOKENS`: tokens added to the file's. */
  readonly envTokens?: string | undefined;
  /** Flags that override the file (`--host`, `--port`). */
  readonly overrides?: { readonly host?: string | undefined; readonly port?: number | undefined };
}

/** The server's configuration from its file, the environment and flags, checked whole; each problem names its field. */
export async function loadApiConfig(sources: ApiConfigSources): Promise<ApiConfig> {
  let fromFile: Record<string, unknown> = {};
  if (sources.file !== undefined) {
    let text: string;
    try {
      text = await readFile(sources.file, 'utf8');
    } catch (error) {
      throw new InvalidApiConfigError(`--config: cannot read ${sources.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must be a JSON object');
      fromFile = parsed as Record<string, unknown>;
    } catch (error) {
      throw new InvalidApiConfigError(`--config: ${sources.file} is not a JSON object: ${(error as Error).message}`, { cause: error });
    }
  }
  const fileTokens: unknown = fromFile.tokens ?? [];
  const envTokens = sources.envTokens !== undefined ? tokensFromEnv(sources.envTokens) : [];
  const merged = {
    ...fromFile,
    // Not a list in the file: left as it is, for the schema to name.
    tokens: Array.isArray(fileTokens) ? [...(fileTokens as unknown[]), ...envTokens] : fileTokens,
    ...(sources.overrides?.host !== undefined ? { host: sources.overrides.host } : {}),
    ...(sources.overrides?.port !== undefined ? { port: sources.overrides.port } : {}),
  };
  const result = apiConfig.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new InvalidApiConfigError(`invalid API configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
