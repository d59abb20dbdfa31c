import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/text/template.js';

/** The one-regular-expression rendering the compiled templates must match. */
const byReplace = (template: string, values: Record<string, string | number | null | undefined>) =>
  template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? whole : String(value);
  });

describe('renderTemplate', () => {
  const values = { agentId: 'A7', seconds: 61, match: '{agentId}', empty: null, zero: 0 };
  it.each([
    'plain text',
    '',
    '{agentId} replied after {seconds} s',
    '{agentId}{seconds}',
    '{{agentId}}',
    '{unknown} and {empty} stay, {zero} is filled',
    'said "{match}" (not re-rendered)',
    '{ agentId } {agent_id} {} {a',
    '{agentId',
  ])('%j renders as one replace would', (template) => {
    expect(renderTemplate(template, values)).toBe(byReplace(template, values));
    // Twice: the second time from the compiled form.
    expect(renderTemplate(template, values)).toBe(byReplace(template, values));
  });
});
