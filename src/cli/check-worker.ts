import { parentPort, workerData } from 'node:worker_threads';
import { serveChecks } from '../engine/workers.js';
import type { CheckWorkerData } from './check.js';
import { selectedConversations, settingsFrom } from './check-settings.js';
import { processIo } from './io.js';
import { formatTimeline } from '../report/transcripts.js';
import { adoptPacks } from '../config/parse.js';

/** One worker thread of `chatlint check --jobs N`: the same settings as the main thread, then the engine's worker loop. */
const { options, memoryBudgetBytes, labels, timelines, packs } = workerData as CheckWorkerData;
adoptPacks(packs);
const io = processIo();
const settings = await settingsFrom(options, io);
if (parentPort) {
  serveChecks(parentPort, {
    ruleset: settings.ruleset,
    readOptions: labels ? { ...settings.readOptions, labels: new Map(labels) } : settings.readOptions,
    forced: options.inputFormat,
    options: { waivers: settings.waivers, memoryBudgetBytes, redact: Boolean(options.redact), conversations: selectedConversations(options.conversation), shard: settings.shard },
    describe: timelines && ((transcript) => formatTimeline(transcript, timelines.timezone)),
  });
}
