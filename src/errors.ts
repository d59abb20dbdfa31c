/**
 * Every error chatlint expects to meet (bad options, rule files, maps, time zones, unreadable files)
 * in one place. Each carries the exit code the CLI ends with and the lines it prints, so the CLI
 * handles them all alike instead of listing classes one by one. Anything else is an internal error.
 */

/** ESLint's convention: 0 clean, 1 findings at the failing severity, 2 usage, configuration or unreadable input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export class ChatlintError extends Error {
  /** The exit code a run that stops on this error ends with. */
  readonly exitCode: number = EXIT_USAGE;
  /** What to print, one line (with the `chatlint: ` prefix) per entry. */
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
    this.name = new.target.name;
  }
}

/** A command line that cannot run: a bad option value, a path that matches nothing, an -o that would overwrite input. */
export class UsageError extends ChatlintError {}

/** A rule file or option that cannot be used; every problem is printed. */
export class ConfigError extends ChatlintError {}

/** A name that is not an IANA time zone. */
export class TimeZoneError extends ChatlintError {}

/** A file that cannot be read at all (as opposed to a record that cannot be used); readers turn it into a file error. */
export class InputError extends ChatlintError {}

/** A problem in an `input` section (or `--map` file): the key path under `input` and what is wrong. */
export interface InputProblem {
  path: Array<string | number>;
  message: string;
}

/** An `input` section that cannot be compiled. Printed as one message (its lines are not prefixed one by one). */
export class MappingError extends ChatlintError {
  constructor(readonly inputProblems: InputProblem[]) {
    super([inputProblems.map((p) => `input.${p.path.join('.')}: ${p.message}`).join('\n')]);
  }
}

/** A rule example line that is not `who: text`; `chatlint rules test` reports it as a failed example. */
export class ExampleSyntaxError extends ChatlintError {}
