/** The helpdesk product export formats, for `--input-format <name>` and content sniffing. */
import { aliyunCcc } from './aliyun-ccc.js';
import { amazonConnect } from './amazon-connect.js';
import { genesys } from './genesys.js';
import { telegram } from './telegram.js';
import { intercom } from './intercom.js';
import { livechat } from './livechat.js';
import { salesforceTranscript } from './salesforce-transcript.js';
import { slack } from './slack.js';
import { tencentCcc } from './tencent-ccc.js';
import { textTranscript } from './text-transcript.js';
import { twitterReplies } from './twitter-replies.js';
import type { ProductFormat } from './types.js';
import { whatsapp } from './whatsapp.js';
import { zendeskChat } from './zendesk-chat.js';

export type { ReaderContext, ProductFormat, SniffSample } from './types.js';

/**
 * Most specific sniffers first: an exact CSV header, then text transcripts with a distinctive header,
 * then JSON shapes keyed on product-specific fields. Each sniffer is meant to be exclusive anyway
 * (tests/formats check that every fixture is claimed by its own format only).
 */
export const PRODUCT_FORMATS: ProductFormat[] = [
  twitterReplies,
  salesforceTranscript,
  whatsapp,
  slack,
  zendeskChat,
  intercom,
  livechat,
  aliyunCcc,
  tencentCcc,
  amazonConnect,
  genesys,
  telegram,
  // Last: the least specific text shape (a dated header, then timed lines).
  textTranscript,
];

/** The format named `name` (case-insensitive), or undefined. */
export function findProductFormat(name: string): ProductFormat | undefined {
  const wanted = name.trim().toLowerCase();
  return PRODUCT_FORMATS.find((format) => format.name === wanted);
}
