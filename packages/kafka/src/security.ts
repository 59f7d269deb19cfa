import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';

/** The SASL mechanisms a client of the pipeline can authenticate with (kafkajs's names). */
export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** TLS to the brokers: certificates as PEM text (not file names), as Node's `tls.connect` takes them. */
export interface KafkaTls {
  /** The CA that signed the brokers' certificates, when it is not one Node trusts already. */
  readonly ca?: string | undefined;
  /** A client certificate and its key, for brokers that ask for one (mutual TLS). */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** How a client proves itself to the brokers and protects what it sends: nothing (plaintext), TLS, SASL, or both. */
export interface KafkaSecurity {
  /** `true`: TLS trusting Node's CAs; an object: TLS with these certificates. */
  readonly tls?: boolean | KafkaTls | undefined;
  readonly sasl?: KafkaSasl | undefined;
}

const pem = (what: string) => z.string().regex(/-----BEGIN [A-Z ]+-----/, { message: `must be the ${what} as PEM text (-----BEGIN …)` });

/** The security settings as a library caller gives them (the SDK's `tls` and `sasl` options). */
export const kafkaSecurity = z.strictObject({
  tls: z
    .union([z.boolean(), z.strictObject({ ca: pem('CA certificate').optional(), cert: pem('certificate').optional(), key: pem('private key').optional() })])
    .optional(),
  sasl: z
    .strictObject({
      mechanism: z.enum(SASL_MECHANISMS, { message: `must be one of ${SASL_MECHANISMS.join(', ')}` }),
      username: z.string().min(1, { message: 'must not be empty' }),
      password: z.string().min(1, { message: 'must not be empty' }),
    })
    .optional(),
});

/** The kafkajs settings of a security choice. Node checks the broker's name against its certificate. */
export function kafkajsSecurity(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const tls = security?.tls;
  const ssl = tls === undefined || tls === false ? undefined : tls === true ? true : { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true };
  const sasl = security?.sasl;
  return {
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions }),
  };
}

/**
 * What logs and errors may say of a security choice: the protocol and the user, never a password
 * or a key. `SASL_SSL (scram-sha-512 as tthc-ingest)`, `SSL`, `SASL_PLAINTEXT (plain as x)`, `PLAINTEXT`.
 */
export function describeKafkaSecurity(security: KafkaSecurity | undefined): string {
  const tls = security?.tls !== undefined && security.tls !== false;
  const sasl = security?.sasl;
  if (sasl === undefined) return tls ? 'SSL' : 'PLAINTEXT';
  return `${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'} (${sasl.mechanism} as ${sasl.username})`;
}
