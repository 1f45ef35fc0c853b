import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export const COMPONENT_SCHEMAS = '#/components/schemas/';

/** OpenAPI 3.1 speaks draft 2020-12; AsyncAPI's default schema format is draft 07. */
export type SchemaDialect = 'draft-2020-12' | 'draft-7';

/** A reference to the zod schema registered under `id` (with `.meta({ id })`). */
export const ref = (id: string): JsonSchema => ({ $ref: `${COMPONENT_SCHEMAS}${id}` });

/**
 * Every zod schema with an id, converted in one pass so that a schema nested in another becomes a
 * reference to its own component (never a `$defs` pointer that only resolves inside the schema it
 * was cut from). `io: 'input'`: a request is described as a client may send it, and a plain
 * `z.object` stays open to members added later.
 */
function allComponentSchemas(target: SchemaDialect): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target,
    io: 'input',
    uri: (id) => `${COMPONENT_SCHEMAS}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

/**
 * The components a document needs: those it references, and those they reference, and so on. The
 * registry is process-wide (every service's schemas once all are imported), so a document keeps
 * only its own. A reference to a schema nobody registered throws: the document would not resolve.
 */
export function componentSchemasFor(
  roots: unknown[],
  target: SchemaDialect = 'draft-2020-12',
): Record<string, JsonSchema> {
  const all = allComponentSchemas(target);
  const kept: Record<string, JsonSchema> = {};
  const pending = roots.flatMap(referencedIds);
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (id in kept) continue;
    const schema = all[id];
    if (!schema) throw new Error(`No zod schema is registered with id ${id}`);
    kept[id] = schema;
    pending.push(...referencedIds(schema));
  }
  return Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
}

/** The component ids `value` references, at any depth (only the first path segment names one). */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' && child.startsWith(COMPONENT_SCHEMAS)
      ? [child.slice(COMPONENT_SCHEMAS.length).split('/')[0]!]
      : referencedIds(child),
  );
}

/**
 * The query parameters of a strict object schema registered under `id`: each property's schema as
 * the one-pass conversion wrote it, so nested ids are component references here too.
 */
export function queryParametersOf(id: string): JsonSchema[] {
  const schema = allComponentSchemas('draft-2020-12')[id];
  if (!schema) throw new Error(`No zod schema is registered with id ${id}`);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}
