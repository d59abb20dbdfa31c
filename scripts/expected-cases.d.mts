export interface ExpectedCase {
  /** Path of the `.expected` file, relative to the repository root. */
  file: string;
  /** Its first line: `$ chatlint check …`. */
  command: string;
  /** The arguments after `chatlint`. */
  args: string[];
  /** What the command must print on stdout. */
  output: string;
}
export function expectedFiles(root: string): string[];
export function readCase(root: string, file: string): ExpectedCase;
export function caseText(command: string, output: string): string;
