import { asId, asText, type ShapeProblem, unwrapList } from './tolerant.ts';

/** A document (file) type of the customer's Entrata. */
export interface EntrataFileType {
  id: string;
  name: string;
  /** Entrata's own code for its built-in types; ABSENT on the types a customer defined. */
  systemCode?: string;
}

export interface EntrataLeasePickList {
  fileTypes: EntrataFileType[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * leases/getLeasePickList r1 as it is on the wire: `result.leaseFileTypes.leaseFileType[]`, every item wrapped
 * as `{"@attributes":{"id":..,"systemCode":..,"name":..}}` (XML heritage), `systemCode` absent on
 * customer-defined types. An unwrapped item is accepted too. The other lists of the result are not read.
 */
export function parseLeasePickListResult(
  result: unknown,
): EntrataLeasePickList | { problems: ShapeProblem[] } {
  if (result === null || result === '' || (Array.isArray(result) && result.length === 0))
    return { fileTypes: [] };
  if (!isObject(result)) return { problems: [{ path: '/', message: 'result must be an object' }] };
  const problems: ShapeProblem[] = [];
  const fileTypes: EntrataFileType[] = [];
  unwrapList(result.leaseFileTypes, 'leaseFileType').forEach((item, i) => {
    const at = `/leaseFileTypes/leaseFileType/${i}`;
    const attributes = isObject(item) && isObject(item['@attributes']) ? item['@attributes'] : item;
    if (!isObject(attributes)) {
      problems.push({ path: at, message: 'must be an object' });
      return;
    }
    const id = asId(attributes.id);
    const name = asText(attributes.name);
    if (!id || !name) {
      const field = id ? 'name' : 'id';
      problems.push({ path: `${at}/@attributes/${field}`, message: `${field} is required` });
      return;
    }
    const systemCode = asText(attributes.systemCode);
    fileTypes.push({ id, name, ...(systemCode ? { systemCode } : {}) });
  });
  return problems.length > 0 ? { problems } : { fileTypes };
}
