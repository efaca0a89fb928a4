// Small TypeBox shapes that keep the JSON Schema exactly as Ajv, fast-json-stringify and the
// OpenAPI document read it best, with the TypeScript type each one stands for.
import { Type, type Static, type TSchema, type TSchemaOptions } from 'typebox';

/**
 * An object used as a map: `additionalProperties: <value>`. TypeBox's Record would write
 * `patternProperties`, which OpenAPI 3.0 cannot say.
 */
export function mapOf<V extends TSchema>(value: V, options: TSchemaOptions = {}) {
  return Type.Unsafe<Record<string, Static<V>>>({ type: 'object', additionalProperties: value, ...options });
}

/** Strings to strings: env, annotations, labels, build args. */
export const stringMap = (options: TSchemaOptions = {}) => mapOf(Type.String(), options);

/**
 * One of a list of strings, as `{ type: 'string', enum }`: Ajv then says "must be equal to one of
 * the allowed values" (a union of literals would be an anyOf with one error per branch).
 */
export function stringEnum<const V extends string[]>(values: readonly [...V], options: TSchemaOptions = {}) {
  return Type.Enum(values, { type: 'string', ...options });
}

/**
 * `schema` or null, as a type list (`type: ['string', 'null']`): with anyOf, Ajv's type
 * coercion turns null into "" before the null branch is tried.
 */
export function orNull<S extends TSchema & { type: string }>(schema: S) {
  return Type.Unsafe<Static<S> | null>({ ...schema, type: [schema.type, 'null'] });
}

/**
 * An object Slipway passes through without knowing its shape (a Kubernetes object or pod spec):
 * every property is kept, in requests and in answers.
 */
export const opaqueObject = (options: TSchemaOptions = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options });

/** Objects refuse properties they do not declare (the house rule; say why where one does not). */
export const closed = { additionalProperties: false } as const;
