import { readFileSync } from 'node:fs';

/** The package's own package.json, two levels above both src/model and dist/model. */
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** Name and version written into every report and printed by --version: one source, package.json. */
export const TOOL = { name: manifest.name, version: manifest.version };
