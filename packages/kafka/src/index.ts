export * from './topics';
export * from './brokers';
export * from './create-kafka';
export * from './registry-topic';
export * from './reachable';
export * from './security';
