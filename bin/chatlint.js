#!/usr/bin/env node
// The command line as bundled by `npm run build` (scripts/bundle.mjs): a few files load faster than the
// ~220 modules of dist/ one by one (dist/cli/run.js is the same code unbundled).
import { run } from '../dist/bundle/chatlint.js';
await run();
