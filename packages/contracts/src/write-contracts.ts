import { writeContracts } from './contract-files';
import { renderContracts } from './render';

// `pnpm schemas`: regenerates schemas/ and docs/events.md from the zod schemas.
const files = renderContracts();
const { written, removed } = writeContracts(files);
for (const path of written) process.stdout.write(`wrote ${path}\n`);
for (const path of removed) process.stdout.write(`removed ${path}\n`);
process.stdout.write(`${files.size} contract files, ${written.length} written, ${removed.length} removed\n`);
