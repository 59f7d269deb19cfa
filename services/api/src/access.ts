import { createHash, randomBytes } from 'node:crypto';
import { readsNeedToken, type ApiConfig, type ApiRole } from './api-config';
import { ApiProblem } from './problem';

/** What an endpoint needs: nothing (health, the dashboard's files), the right to read, or the operator role. */
export type Access = 'public' | 'read' | 'operate';

export interface Principal {
  readonly name: string;
  readonly role: ApiRole;
}

/** Who made an anonymous read, in the logs. */
export const ANONYMOUS: Principal = { name: 'anonymous', role: 'reader' };

/** The SHA-256 of a token, as the configuration keeps it. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A new token: 32 random bytes, so a plain SHA-256 is enough to keep it (no dictionary can reach it). */
export const newToken = (): string => `tthc_${randomBytes(32).toString('base64url')}`;

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** Decides who a request is and whether it may do what it asks; tokens are known by their hashes only. */
export class AccessControl {
  private readonly byHash: ReadonlyMap<string, Principal>;
  private readonly readNeedsToken: boolean;
  /** With no operator token configured the server is read-only. */
  readonly actionsEnabled: boolean;

  constructor(config: ApiConfig) {
    this.byHash = new Map(config.tokens.map((t) => [t.sha256, { name: t.name, role: t.role }]));
    this.readNeedsToken = readsNeedToken(config);
    this.actionsEnabled = config.tokens.some((t) => t.role === 'operator');
  }

  /** Whether reads need a token (the dashboard asks for one then). */
  get tokenRequiredToRead(): boolean {
    return this.readNeedsToken;
  }

  /**
   * The principal a request acts as, or an ApiProblem. A token that is sent is always checked, even
   * where none is needed: a wrong one is a mistake its sender should hear of.
   */
  authorise(access: Access, authorization: string | undefined): Principal {
    const principal = this.identify(authorization);
    if (access === 'public') return principal ?? ANONYMOUS;
    if (access === 'read') {
      if (principal) return principal;
      if (this.readNeedsToken) throw new ApiProblem('UNAUTHENTICATED', 'this server needs a bearer token to read: send Authorization: Bearer <token>');
      return ANONYMOUS;
    }
    if (!this.actionsEnabled) throw new ApiProblem('ACTIONS_DISABLED', 'this server is read-only: no operator token is configured');
    if (!principal) throw new ApiProblem('UNAUTHENTICATED', "an operator action needs an operator's bearer token: send Authorization: Bearer <token>");
    if (principal.role !== 'operator')
      throw new ApiProblem('FORBIDDEN', `the token of ${principal.name} has the role ${principal.role}; this action needs operator`);
    return principal;
  }

  private identify(authorization: string | undefined): Principal | undefined {
    if (authorization === undefined) return undefined;
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new ApiProblem('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    // Looked up by hash: the time taken tells nothing about how close a guess came to a real token.
    const principal = this.byHash.get(hashToken(token));
    if (!principal) throw new ApiProblem('UNAUTHENTICATED', 'the bearer token is not one this server knows');
    return principal;
  }
}
