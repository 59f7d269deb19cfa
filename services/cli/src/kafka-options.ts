import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { describeIssues, formatProblems } from '@tthc/core';
import { brokerList, SASL_MECHANISMS, type KafkaSecurity, type KafkaTls, type SaslMechanism } from '@tthc/kafka';
import { UsageError } from './usage-error';

/** The environment variable a SASL password may come from: never a flag, which `ps` would show to every user of the machine. */
export const KAFKA_PASSWORD_ENV = 'KAFKA_SASL_PASSWORD';

/** Where a Kafka client connects and how it proves itself: the brokers, TLS and SASL. */
export interface KafkaClientSettings {
  readonly brokers: readonly string[];
  readonly security: KafkaSecurity;
}

/** The Kafka options every command that talks to Kafka takes, each also from the environment. */
export function addKafkaOptions(command: Command): Command {
  return command
    .addOption(new Option('--brokers <list>', 'Kafka brokers host:port[,…]').env('KAFKA_BROKERS'))
    .addOption(
      new Option('--kafka-config <file>', 'JSON file of Kafka connection settings: brokers, tls {ca, cert, key}, sasl {mechanism, username, passwordFile}').env(
        'KAFKA_CONFIG',
      ),
    )
    .addOption(new Option('--kafka-tls', 'connect with TLS (trusting the system CAs unless --kafka-ca is given)').env('KAFKA_TLS'))
    .addOption(new Option('--kafka-ca <file>', "PEM file of the CA that signed the brokers' certificates (implies --kafka-tls)").env('KAFKA_TLS_CA'))
    .addOption(new Option('--kafka-sasl <mechanism>', 'SASL mechanism').choices([...SASL_MECHANISMS]).env('KAFKA_SASL_MECHANISM'))
    .addOption(new Option('--kafka-user <name>', 'SASL user').env('KAFKA_SASL_USERNAME'))
    .addOption(
      new Option('--kafka-password-file <file>', `file holding the SASL password (or set ${KAFKA_PASSWORD_ENV}; never a flag)`).env('KAFKA_SASL_PASSWORD_FILE'),
    );
}

/** The options `addKafkaOptions` adds, as the commands' zod schemas take them. */
export const kafkaOptionFields = {
  brokers: brokerList.optional(),
  kafkaConfig: z.string().min(1).optional(),
  // From the environment commander passes the variable's text; from the flag, `true`.
  kafkaTls: z
    .union([z.boolean(), z.enum(['true', '1', 'false', '0', ''])])
    .optional()
    .transform((v) => v === true || v === 'true' || v === '1'),
  kafkaCa: z.string().min(1).optional(),
  kafkaSasl: z.enum(SASL_MECHANISMS).optional(),
  kafkaUser: z.string().min(1).optional(),
  kafkaPasswordFile: z.string().min(1).optional(),
};

type KafkaOptionValues = z.output<z.ZodObject<typeof kafkaOptionFields>>;

/** A `--kafka-config` file. Paths in it are read relative to the file. */
export const kafkaConfigFile = z.strictObject({
  brokers: z.preprocess((value) => (Array.isArray(value) ? value.join(',') : value), brokerList).optional(),
  tls: z
    .union([z.boolean(), z.strictObject({ ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional() })])
    .optional(),
  sasl: z
    .strictObject({
      mechanism: z.enum(SASL_MECHANISMS, { message: `must be one of ${SASL_MECHANISMS.join(', ')}` }),
      username: z.string().min(1, { message: 'must not be empty' }),
      password: z.string().min(1).optional(),
      passwordFile: z.string().min(1).optional(),
    })
    .optional(),
});

/** A file's text for a setting, or a usage error naming the setting and the file. */
function readSetting(what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${what}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readConfigFile(path: string): z.output<typeof kafkaConfigFile> {
  let json: unknown;
  try {
    json = JSON.parse(readSetting('--kafka-config', path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--kafka-config ${path}: not JSON: ${(error as Error).message}`);
  }
  const result = kafkaConfigFile.safeParse(json);
  if (!result.success) throw new UsageError(`--kafka-config ${path}: ${formatProblems(describeIssues(result.error.issues))}`);
  return result.data;
}

/**
 * The brokers and security of a command, from its flags, then the environment (commander reads both),
 * then a `--kafka-config` file. A SASL password comes from KAFKA_SASL_PASSWORD, a password file, or
 * the config file, never from a flag. Throws `UsageError` naming the option that is missing or wrong.
 */
export function kafkaClientOf(options: KafkaOptionValues, env: NodeJS.ProcessEnv = process.env): KafkaClientSettings {
  const file = options.kafkaConfig === undefined ? undefined : readConfigFile(options.kafkaConfig);
  const fromFile = (path: string): string => (options.kafkaConfig === undefined ? path : resolve(dirname(options.kafkaConfig), path));
  const brokers = options.brokers ?? file?.brokers;
  if (brokers === undefined) throw new UsageError('--brokers: give Kafka brokers with --brokers, KAFKA_BROKERS or brokers in --kafka-config');

  let tls: boolean | KafkaTls | undefined;
  if (options.kafkaCa !== undefined) tls = { ca: readSetting('--kafka-ca', options.kafkaCa) };
  else if (typeof file?.tls === 'object') {
    const { ca, cert, key } = file.tls;
    tls = {
      ca: ca === undefined ? undefined : readSetting('--kafka-config tls.ca', fromFile(ca)),
      cert: cert === undefined ? undefined : readSetting('--kafka-config tls.cert', fromFile(cert)),
      key: key === undefined ? undefined : readSetting('--kafka-config tls.key', fromFile(key)),
    };
  } else tls = options.kafkaTls || file?.tls === true ? true : undefined;
  if (typeof tls === 'object' && (tls.cert === undefined) !== (tls.key === undefined))
    throw new UsageError('--kafka-config tls: give both cert and key for a client certificate, or neither');

  const mechanism: SaslMechanism | undefined = options.kafkaSasl ?? file?.sasl?.mechanism;
  const username = options.kafkaUser ?? file?.sasl?.username;
  const filePassword =
    file?.sasl?.password ??
    (file?.sasl?.passwordFile === undefined ? undefined : readSetting('--kafka-config sasl.passwordFile', fromFile(file.sasl.passwordFile)));
  const password =
    env[KAFKA_PASSWORD_ENV] ??
    (options.kafkaPasswordFile === undefined ? undefined : readSetting('--kafka-password-file', options.kafkaPasswordFile)) ??
    filePassword;
  if (mechanism === undefined && username === undefined) return { brokers, security: { tls } };
  if (mechanism === undefined) throw new UsageError(`--kafka-sasl: give the SASL mechanism (${SASL_MECHANISMS.join(', ')}) for user ${username}`);
  if (username === undefined) throw new UsageError(`--kafka-user: give the SASL user for ${mechanism}`);
  // A password file written by an editor ends with a newline that is not part of the password.
  const secret = password?.replace(/\r?\n$/, '');
  if (secret === undefined || secret.length === 0)
    throw new UsageError(
      `--kafka-password-file: give the password of ${username} in ${KAFKA_PASSWORD_ENV}, a password file or the config file's sasl.passwordFile`,
    );
  return { brokers, security: { tls, sasl: { mechanism, username, password: secret } } };
}
