// Registers the contract's search attributes on a server that lacks them. The dev server's --search-attribute
// flag only applies when it creates the namespace, so a .data/ database from an older version would miss new ones.
import { type Connection } from '@temporalio/client';
import { type SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';

/** What `defineSearchAttributeKey` returns (the type itself is not exported by @temporalio/common's root). */
export interface SearchAttributeDefinition {
  name: string;
  type: SearchAttributeType;
}

export class SearchAttributesError extends Error {
  override readonly name = 'SearchAttributesError';
}

/** Adds whichever of `keys` the namespace lacks; returns their names. Refused (e.g. Temporal Cloud): a clear error. */
export async function ensureSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  keys: readonly SearchAttributeDefinition[],
): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = keys.filter((key) => customAttributes?.[key.name] === undefined);
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
      ),
    });
  } catch (error) {
    const names = missing.map((key) => `${key.name}=${key.type}`).join(', ');
    throw new SearchAttributesError(
      `Namespace ${namespace} lacks the search attributes ${names} and they could not be added ` +
        `(${error instanceof Error ? error.message : String(error)}); add them with ` +
        '`temporal operator search-attribute create` (or in the Temporal Cloud UI)',
    );
  }
  return missing.map((key) => key.name);
}
