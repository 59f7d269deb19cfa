import {
  appendsByDossier,
  DuplicateEventIdConflictError,
  formatProblems,
  parseDossierEvent,
  type AnyVersionDossierEvent,
  type EventStore,
} from '@tthc/core';

export interface IncomingMessage {
  /** The original bytes, kept verbatim for a dead letter. */
  readonly value: Buffer | string | null;
  /** Where it came from, for logs: `topic/partition@offset` or `file:line`. */
  readonly origin: string;
}

export type RejectionReason = 'invalid-json' | 'invalid-event' | 'empty-message' | 'duplicate-id-conflict';

export interface Rejection {
  readonly message: IncomingMessage;
  readonly reason: RejectionReason;
  readonly detail: string;
}

/** consumed = appended + duplicates + rejected.length, always. */
export interface BatchResult {
  readonly consumed: number;
  readonly appended: number;
  readonly duplicates: number;
  readonly rejected: readonly Rejection[];
}

/**
 * Validates a batch and appends every valid event in one store transaction. A reused event id with
 * different content rejects that message only; the rest of the batch is appended.
 */
export async function ingestBatch(store: EventStore, messages: readonly IncomingMessage[]): Promise<BatchResult> {
  const rejected: Rejection[] = [];
  let valid: { event: AnyVersionDossierEvent; message: IncomingMessage }[] = [];
  for (const message of messages) {
    if (message.value === null || message.value.length === 0) {
      rejected.push({ message, reason: 'empty-message', detail: '(message): must not be empty' });
      continue;
    }
    const parsed = parseDossierEvent(message.value);
    if (parsed.ok) valid.push({ event: parsed.event, message });
    else rejected.push({ message, reason: parsed.reason, detail: formatProblems(parsed.problems) });
  }
  for (;;) {
    try {
      const outcome = await store.appendToStreams(appendsByDossier(valid.map((v) => v.event)));
      return { consumed: messages.length, appended: outcome.appended, duplicates: outcome.duplicates, rejected };
    } catch (error) {
      if (!(error instanceof DuplicateEventIdConflictError)) throw error;
      // The later copy of a reused id is the one refused; the first stands.
      const culprit = valid.findLast((v) => v.event.id === error.eventId);
      if (!culprit) throw error;
      rejected.push({ message: culprit.message, reason: 'duplicate-id-conflict', detail: error.message });
      valid = valid.filter((v) => v !== culprit);
    }
  }
}
