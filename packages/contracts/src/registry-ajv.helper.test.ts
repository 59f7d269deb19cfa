// Shared by the registry tests (named *.test.ts so that the build leaves it out, not *.unit.test.ts so that jest does not run it).
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REGISTRY_EVENT_SCHEMA_PATH, REGISTRY_FILE_SCHEMA_PATH, renderContracts } from './index';

const files = renderContracts();

/** A generated contract file, parsed. */
export const readContract = (path: string): unknown => {
  const content = files.get(path);
  if (content === undefined) throw new Error(`${path} is not generated`);
  return JSON.parse(content);
};

/** ajv, a validator that is not zod, strict, with the draft 2020-12 vocabulary and formats, holding the registry's published schemas. */
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addSchema(readContract(REGISTRY_FILE_SCHEMA_PATH) as object);
ajv.addSchema(readContract(REGISTRY_EVENT_SCHEMA_PATH) as object);

/** What ajv finds wrong with a value by the schema of that id, as `path message` lines. */
export const schemaErrors = (id: string, value: unknown): string[] => {
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`no schema ${id}`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};
