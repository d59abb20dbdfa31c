import { compileRuleText } from '../../src/config/compile.js';
import { ConfigError } from '../../src/errors.js';

/** The problems a rule file's text is refused with (file, line, key path, message), or [] when it loads. */
export function ruleFileProblems(text: string, label = 'team.yaml'): string[] {
  try {
    compileRuleText(text, label);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
