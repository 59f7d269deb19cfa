export * from './config';
export * from './envelope';
export * from './publisher';
export * from './registry-publisher';
// What a vendor catches and configures, from the Kafka package the SDK bundles.
export { KafkaAuthenticationError, KafkaTlsError, KafkaUnavailableError, type KafkaSasl, type KafkaTls, type SaslMechanism } from '@tthc/kafka';
// CloudEvents' Kafka content modes, for the `contentMode` option.
export { CONTENT_MODES, type ContentMode } from '@tthc/core';
