import { createPublisher, InvalidEventError, type PublisherOptions } from '@tthc/publisher';

/** A one-stop-shop system reports a dossier's life as it happens; returns the ids of the events sent. */
export async function reportDossier(options: Pick<PublisherOptions, 'brokers' | 'topic' | 'logger'>): Promise<string[]> {
  const publisher = await createPublisher({
    ...options, // brokers: ['host:port', …] or 'host:port,host:port'; topic: tthc.dossier-events.v1 by default
    source: 'urn:tthc:lamdong-motcua', // this system's URN, checked once here
  });
  const code = 'H36.01-240315-0001'; // the dossier code: the message key and the CloudEvents subject
  try {
    const received = await publisher.received(code, {
      procedureCode: '1.002835',
      receivingAgencyCode: '000.00.01.H36',
      processingAgencyCode: '000.00.01.H36',
      channel: 'online',
      onlineServiceLevel: 'full-process',
      receivedAt: '2024-03-15T09:12:00+07:00', // also the event's `time`, unless options.time is given
      dueDate: '2024-03-22',
    });
    const paid = await publisher.paidOnline(code, {
      transactionId: 'PAY-0001',
      amountVnd: 50_000,
      platform: 'payment-platform-dvcqg',
      paidAt: '2024-03-15T09:20:00+07:00',
    });
    const processed = await publisher.processed(code, { outcome: 'approved', finishedAt: '2024-03-21T16:00:00+07:00' });
    const returned = await publisher.resultReturned(code, { returnedAt: '2024-03-22T08:30:00+07:00', channel: 'online' });
    return [received.id, paid.id, processed.id, returned.id]; // UUIDv7: they sort in the order sent
  } catch (error) {
    // Checked before sending: nothing was sent. `problems` name each field and rule, e.g.
    // data.processingAgencyCode: must be an agency code such as 000.00.00.H36
    if (error instanceof InvalidEventError) console.error(error.problems);
    throw error;
  } finally {
    await publisher.disconnect();
  }
}
