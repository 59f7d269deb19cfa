import { z } from 'zod';

/** `host:port[,host:port…]`, as in KAFKA_BROKERS. */
export const brokerList = z
  .string()
  .trim()
  .min(1, { message: 'must name at least one broker host:port' })
  .transform((value) => value.split(',').map((b) => b.trim()))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, { message: 'each broker must be host:port' })).min(1));
