import { createPublisher } from '@tthc/publisher';

async function main() {
  const publisher = await createPublisher({ brokers: process.env.KAFKA_BROKERS ?? 'localhost:9092', source: 'urn:tthc:lamdong-motcua' });
  try {
    const event = await publisher.received('H36.01-240315-0001', {
      procedureCode: '1.002835',
      receivingAgencyCode: '000.00.01.H36',
      processingAgencyCode: '000.00.01.H36',
      channel: 'online',
      onlineServiceLevel: 'full-process',
      receivedAt: '2024-03-15T09:12:00+07:00',
      dueDate: '2024-03-22',
    });
    console.log('sent', event.type, event.id);
  } finally {
    await publisher.disconnect();
  }
}

void main();
