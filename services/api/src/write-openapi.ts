import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from './openapi';

// `pnpm schemas`: writes schemas/openapi.json from the routes' zod schemas.
void openApiText().then((text) => {
  const path = join(__dirname, '..', '..', '..', 'schemas', 'openapi.json');
  writeFileSync(path, text);
  process.stdout.write(`wrote schemas/openapi.json\n`);
});
