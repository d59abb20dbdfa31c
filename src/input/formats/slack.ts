/**
 * Slack workspace export: `<export>/<channel>/<YYYY-MM-DD>.json` files, each a JSON array of messages
 * (`ts`, `user`, `text`, `subtype`, `thread_ts`, `bot_id` …), with `users.json` at the export root.
 *
 * - users.json is looked up beside the day file, then one folder up (the real export layout); it gives
 *   names (`real_name`, `profile.display_name`, `name`), `is_bot`, guest flags and the team.
 * - Records: messages without a subtype and those with subtype `bot_message`, `thread_broadcast`,
 *   `file_share`, `me_message`. Joins, leaves, topic/purpose changes, pins, edits-as-events
 *   (`message_changed`, `message_deleted`) … are events, not records.
 * - Roles: bots (`bot_message`, a `bot_id`, or `is_bot` / `is_app_user` in users.json) → bot; a bot is never an agent. If ctx.agents is given, users
 *   it names (by id, handle, real name or display name) are agents and everyone else is a customer.
 *   If ctx.agents is empty, full members of the exporting workspace are agents, and guests
 *   (`is_restricted` / `is_ultra_restricted`), users of another team (Slack Connect) and users missing
 *   from users.json are customers — a support channel's staff are members, its customers are not.
 *   agentId = the Slack user id; agentName = the user's name.
 * - Conversation: the channel (folder name; for files named `<channel>_<date>.json`, the prefix), and
 *   `<channel>/<thread_ts>` for threaded messages (the parent included).
 * - Text: `<@U…>` → `@Name`, `<#C…|name>` → `#name`, `<url|label>` → label, `<url>` → url,
 *   `<!here>` → `@here`; `&lt; &gt; &amp;` decoded. Time: `ts` (epoch seconds with a sequence suffix).
 * - meta: channel, and thread (thread_ts) for threaded messages.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReadEvent, Role } from '../../model/message.js';
import type { ReaderContext, ProductFormat, SniffSample } from './types.js';
import { decodeEntities, isObject, nonEmpty, objects, openJsonExport, show, type JsonObject } from './shared.js';

const MESSAGE_SUBTYPES = new Set(['bot_message', 'thread_broadcast', 'file_share', 'me_message']);
const TS = /^(\d{9,11})(?:\.(\d{1,9}))?$/;

function sniff(sample: SniffSample): boolean {
  const json = sample.json;
  if (!Array.isArray(json) || json.length === 0) return false;
  const head = json.slice(0, 50);
  return (
    head.every((m) => isObject(m) && m['type'] === 'message' && typeof m['ts'] === 'string') &&
    head.some((m) => isObject(m) && typeof m['ts'] === 'string' && TS.test(m['ts']))
  );
}

interface SlackUser {
  id: string;
  names: string[];
  display: string;
  isBot: boolean;
  isGuest: boolean;
  team: string | undefined;
}

interface Directory {
  users: Map<string, SlackUser>;
  /** The team most users belong to: the exporting workspace. */
  homeTeam: string | undefined;
}

const directories = new Map<string, Directory | undefined>();

function loadUsers(path: string): Directory | undefined {
  if (directories.has(path)) return directories.get(path);
  let directory: Directory | undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const users = new Map<string, SlackUser>();
    const teams = new Map<string, number>();
    for (const u of objects(parsed)) {
      const id = nonEmpty(u['id']);
      if (!id) continue;
      const profile = isObject(u['profile']) ? u['profile'] : {};
      const realName = nonEmpty(u['real_name']) ?? nonEmpty(profile['real_name']);
      const displayName = nonEmpty(profile['display_name']);
      const handle = nonEmpty(u['name']);
      const team = nonEmpty(u['team_id']) ?? nonEmpty(profile['team']);
      if (team) teams.set(team, (teams.get(team) ?? 0) + 1);
      users.set(id, {
        id,
        names: [id, handle, realName, displayName].filter((n): n is string => n !== undefined),
        display: realName ?? displayName ?? handle ?? id,
        isBot: u['is_bot'] === true || u['is_app_user'] === true || id === 'USLACKBOT',
        isGuest: u['is_restricted'] === true || u['is_ultra_restricted'] === true,
        team,
      });
    }
    const homeTeam = [...teams.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    directory = { users, homeTeam };
  } catch {
    directory = undefined;
  }
  if (directories.size > 100) directories.clear();
  directories.set(path, directory);
  return directory;
}

function directoryFor(file: string): Directory | undefined {
  const here = dirname(file);
  return loadUsers(join(here, 'users.json')) ?? loadUsers(join(dirname(here), 'users.json'));
}

function channelOf(file: string): string {
  const base = basename(file).replace(/\.json$/i, '');
  if (/^\d{4}-\d{2}-\d{2}$/.test(base)) return basename(dirname(file)) || base;
  const prefixed = /^(.+?)[_ ](\d{4}-\d{2}-\d{2})$/.exec(base);
  return prefixed?.[1] ?? base;
}

function slackText(text: string, directory: Directory | undefined): string {
  const replaced = text.replace(/<([^<>]+)>/g, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) {
      const user = directory?.users.get(target.slice(1));
      return `@${label ?? user?.display ?? target.slice(1)}`;
    }
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      const keyword = target.slice(1).split('^', 1)[0] ?? '';
      return label ?? (['here', 'channel', 'everyone'].includes(keyword) ? `@${keyword}` : `<${keyword}>`);
    }
    return label ?? target;
  });
  return decodeEntities(replaced);
}

function tsToMs(ts: string): number | null {
  const m = TS.exec(ts);
  if (!m) return null;
  const fraction = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  return Number(m[1]) * 1000 + Number(fraction);
}

function* read(text: string, json: unknown, ctx: ReaderContext): Iterable<ReadEvent> {
  const opened = openJsonExport(
    text,
    json,
    ctx.file,
    (document: unknown) => (Array.isArray(document) ? document : undefined),
    'not a Slack export day file: expected a JSON array of messages',
  );
  if (!opened.ok) {
    yield opened.skip;
    return;
  }
  const { found: messages, counter } = opened;
  const directory = directoryFor(ctx.file);
  const channel = channelOf(ctx.file);
  const agentNames = new Set(ctx.agents.map((a) => a.trim().toLowerCase()));

  for (const item of messages) {
    if (!isObject(item)) {
      yield counter.skip(`not a Slack message: ${show(item)}`);
      continue;
    }
    const m: JsonObject = item;
    const subtype = nonEmpty(m['subtype']);
    if (m['type'] !== undefined && m['type'] !== 'message') continue;
    if (subtype !== undefined && !MESSAGE_SUBTYPES.has(subtype)) continue;
    const ts = nonEmpty(m['ts']);
    const time = ts !== undefined ? tsToMs(ts) : null;
    if (time === null) {
      yield counter.skip(`channel ${channel}: unusable ts ${show(m['ts'])}`);
      continue;
    }
    const threadTs = nonEmpty(m['thread_ts']);
    const conversationId = threadTs ? `${channel}/${threadTs}` : channel;
    const userId = nonEmpty(m['user']);
    const user = userId !== undefined ? directory?.users.get(userId) : undefined;
    const botName = nonEmpty(m['username']) ?? (isObject(m['bot_profile']) ? nonEmpty(m['bot_profile']['name']) : undefined);

    let role: Role;
    if (subtype === 'bot_message' || nonEmpty(m['bot_id']) !== undefined || user?.isBot === true) role = 'bot';
    else if (!userId) {
      yield counter.skip(`channel ${channel}, ts ${ts}: message without a user`);
      continue;
    } else if (agentNames.size > 0) role = (user?.names ?? [userId]).some((n) => agentNames.has(n.toLowerCase())) ? 'agent' : 'customer';
    else if (!user || user.isGuest || (directory?.homeTeam !== undefined && user.team !== undefined && user.team !== directory.homeTeam)) role = 'customer';
    else role = 'agent';

    const name = user?.display ?? botName;
    const id = userId ?? nonEmpty(m['bot_id']) ?? botName;
    const who = role === 'customer' ? {} : { ...(id ? { agentId: id } : {}), ...(name ? { agentName: name } : {}) };
    const meta: Record<string, string> = { channel, ...(threadTs ? { thread: threadTs } : {}) };
    yield counter.message({ conversationId, timestamp: time, role, ...who, text: slackText(typeof m['text'] === 'string' ? m['text'] : '', directory), meta });
  }
}

/** The workspace-level files of a Slack export: metadata, not messages. */
export const SLACK_METADATA_FILES = ['users.json', 'channels.json', 'groups.json', 'dms.json', 'mpims.json', 'integration_logs.json', 'canvases.json', 'org_users.json'];

/**
 * True for a Slack export's metadata file (users.json, channels.json …): a caller that walks an export
 * folder can leave these out instead of reading them as chat records.
 */
export function isSlackMetadataFile(fileName: string, json: unknown): boolean {
  if (!SLACK_METADATA_FILES.includes(basename(fileName).toLowerCase()) || !Array.isArray(json)) return false;
  return json.every((item) => isObject(item) && typeof item['id'] === 'string' && !('ts' in item));
}

export const slack: ProductFormat = {
  name: 'slack',
  reads: 'json',
  description: 'Slack export day files (<channel>/<date>.json) with users.json; a conversation per channel and per thread',
  sniff,
  read,
};
