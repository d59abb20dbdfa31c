import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleFileJsonSchema } from '../../src/config/json-schema.js';
import { rulesReference } from '../../src/config/reference.js';
import { RULE_KINDS } from '../../src/rules/registry.js';
import { ROOT } from '../helpers/cli.js';

describe('generated files are up to date (run `npm run docs` after changing a rule kind)', () => {
  it('schema/chatlint.schema.json', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'schema/chatlint.schema.json'), 'utf8'))).toEqual(ruleFileJsonSchema());
  });
  it('docs/rules.md', () => {
    expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(rulesReference());
  });
  it('documents every kind and every field of every kind', () => {
    const reference = rulesReference();
    for (const kind of RULE_KINDS) expect(reference).toContain(`## \`${kind.kind}\``);
    const schema = ruleFileJsonSchema() as { properties: { rules: { items: { anyOf: Array<{ title: string; properties: Record<string, { description?: string }> }> } } } };
    for (const entry of schema.properties.rules.items.anyOf) {
      for (const [name, field] of Object.entries(entry.properties)) {
        if (name === 'kind') continue;
        expect(field.description, `${entry.title}.${name} needs a description (.describe in its zod schema)`).toBeTruthy();
      }
    }
  });
});
