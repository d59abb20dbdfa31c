import { z } from 'zod';
import { RULE_KINDS } from '../rules/registry.js';
import { ruleFileSchema } from './schema.js';

export type JsonSchema = Record<string, unknown>;

const toJson = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** One kind's rule schema as JSON Schema (input side: fields with defaults are optional). */
export function kindJsonSchema(kind: (typeof RULE_KINDS)[number]): JsonSchema {
  return { title: kind.kind, description: kind.summary, ...toJson(kind.schema) };
}

/**
 * The JSON Schema for rule files, generated from the same zod schemas the loader validates with, so
 * editors complete and check YAML exactly as chatlint will. An entry without `kind` overrides a rule of
 * the extended pack by id.
 */
export function ruleFileJsonSchema(): JsonSchema {
  const top = toJson(ruleFileSchema());
  const properties = { ...(top.properties as Record<string, JsonSchema>) };
  const override: JsonSchema = {
    title: 'override',
    description: 'Overrides a rule of the extended pack by id: its fields, plus append (lists to add to).',
    type: 'object',
    required: ['id'],
    not: { required: ['kind'] },
    properties: {
      id: { type: 'string', description: 'Id of the rule in the extended pack.' },
      append: { type: 'object', additionalProperties: { type: 'array' }, description: 'Items to add to list fields such as phrases or patterns.' },
    },
  };
  properties.rules = { ...properties.rules, type: 'array', items: { anyOf: [...RULE_KINDS.map(kindJsonSchema), override] } };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/chatlint/chatlint/schema/chatlint.schema.json',
    title: 'chatlint rule file',
    ...top,
    properties,
  };
}
