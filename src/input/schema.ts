import { z } from 'zod';
import { ROLES, type Role } from '../model/message.js';
import { once } from '../model/once.js';

/**
 * Input's own part of the rule-file schema: how to read exports the built-in field names do not cover
 * (see mapping.ts). The same keys, at the top level, make a `--map` file. Built on first use: a check with a
 * built-in pack as shipped takes its top level as the build validated it (see topValidatedAtBuild).
 */
export const inputSectionSchema = once(() => {
  const roleEnum = z.enum(ROLES as [Role, ...Role[]]);
  const valueList = z.array(z.string().min(1)).min(1);
  return z
    .strictObject({
      columns: z
        .strictObject({
          conversationId: z.string().min(1).optional().describe('Column (CSV) or key path (JSON) of the conversation id.'),
          timestamp: z.string().min(1).optional().describe('Column or key path of the time a message was sent.'),
          role: z.string().min(1).optional().describe('Column or key path saying who wrote the message (see roles).'),
          agentId: z.string().min(1).optional().describe("Column or key path of the agent's id (工号)."),
          agentName: z.string().min(1).optional().describe("Column or key path of the agent's display name."),
          text: z.string().min(1).optional().describe('Column or key path of the message text.'),
          date: z.string().min(1).optional().describe('Column or key path of the date, for exports whose timestamp column holds only a time of day.'),
        })
        .optional()
        .describe(
          'Which column holds each field; mapped fields take precedence over the built-in names, unmapped ones are still found by them. In JSON a dotted path reads nested keys (sender.id); messages[].sender.id marks messages as the message list of a conversation object, and paths without [] are then read from the conversation.',
        ),
      roles: z
        .strictObject({
          agent: valueList.optional().describe('Values of the role column that mean an agent (坐席, 人工).'),
          customer: valueList.optional().describe('Values that mean the customer (访客).'),
          bot: valueList.optional().describe('Values that mean a bot (智能助手).'),
          system: valueList.optional().describe('Values that mean a system message.'),
        })
        .optional()
        .describe('Role values, compared ignoring case, before the built-in role names.'),
      roleByKey: z
        .strictObject({
          agent: valueList.optional().describe('Keys whose presence means an agent wrote the message (their value is the agent id).'),
          customer: valueList.optional().describe('Keys whose presence means the customer wrote it.'),
          bot: valueList.optional().describe('Keys whose presence means a bot wrote it.'),
          system: valueList.optional().describe('Keys whose presence means a system message.'),
        })
        .optional()
        .describe(
          'For exports that say who wrote a message by which key holds the name ({"client": "ann"} or {"agent": "AcmeHelp"}): the role of the first listed key the message has, when it has no role column.',
        ),
      timeFormat: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Pattern of the timestamp column, tried before the built-in forms: YYYY MM M DD D HH H hh h mm ss SSS, A (AM/PM, 上午/下午), Z (offset), X/x (epoch s/ms), MMM (Nov), [literal]; e.g. "DD.MM.YYYY HH:mm", "MM/DD/YYYY h:mm A", "YYYY年M月D日 ah:mm", or "HH:mm:ss" for a time of day.',
        ),
      dateFormat: z.string().min(1).optional().describe('Pattern of the date column (columns.date), when it is not YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日.'),
      date: z
        .string()
        .min(1)
        .optional()
        .describe('Date (YYYY-MM-DD) of an export whose timestamps are times of day only; each conversation rolls over midnight when its times go back by more than 6 hours.'),
      agentIdFrom: z
        .strictObject({
          pattern: z.string().min(1).describe('Regular expression with a named group (?<agentId>…) that reads the signature in a message.'),
          appliesTo: roleEnum.default('agent').describe('Whose messages carry signatures.'),
          prefixAccount: z
            .boolean()
            .default(false)
            .describe('Agent ids become <account>/<signature> (sprintcare/KC), so agents of different brands who sign alike stay apart.'),
        })
        .optional()
        .describe(
          "Agent ids from signatures in the text (\"^JK\", \"-Becky\", \"云客服1024\"): the captured id replaces the account's id on that message, and on the account's unsigned messages in conversations where only that agent signed. Accounts that never sign keep their id, and the report lists them (summary.agentIdentity).",
        ),
      agents: z.array(z.string().min(1)).optional().describe('Display names of the agents, for exports that do not mark who is staff (WhatsApp); added to --agents.'),
    })
    .describe('How to read exports whose columns, role values or times the built-in names do not cover; a --map file with these keys overrides them.');
});
/** The `input` section as validated (the type is inferred from the schema, never written twice). */
export type InputSection = z.infer<ReturnType<typeof inputSectionSchema>>;

