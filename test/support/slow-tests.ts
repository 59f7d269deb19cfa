// Tiers that talk to real servers: a broker's group join or a database's creation takes seconds.
jest.setTimeout(180_000);
