// Jupyter messaging protocol 5.x, as far as Pairbook reads or writes it.
// https://jupyter-client.readthedocs.io/en/stable/messaging.html
import type { JsonObject, JsonValue } from '../protocol/python-json';

/** The version of the messaging protocol Pairbook speaks. */
export const PROTOCOL_VERSION = '5.3';

/** A socket of the messaging protocol (heartbeat carries no messages). */
export type Channel = 'shell' | 'iopub' | 'stdin' | 'control';

/** The header of a message; `msg_id` is what replies and outputs refer to as their parent. */
export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  /** ISO 8601 time the message was made. */
  date: string;
  version: string;
}

/** One message; `parent_header` is `{}` when the message answers nothing (e.g. the first status). */
export interface JupyterMessage<C = JsonObject> {
  header: MessageHeader;
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: C;
  /** Binary buffers after the JSON frames (widgets use them); empty for most messages. */
  buffers: Uint8Array[];
  channel: Channel;
}

/** Content of `execute_request`. */
export interface ExecuteRequestContent {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: JsonObject;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

/** Content of `execute_reply`; `status` 'error' carries ename/evalue/traceback. */
export interface ExecuteReplyContent {
  status: 'ok' | 'error' | 'aborted';
  /** null when the kernel aborted the request without running it. */
  execution_count: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  [key: string]: JsonValue | undefined;
}

/** Content of `input_request` (stdin channel): `password` means do not echo the answer. */
export interface InputRequestContent {
  prompt: string;
  password: boolean;
}

/** Content of `complete_reply`: `matches` replace the code from `cursor_start` to `cursor_end`. */
export interface CompleteReplyContent {
  status: 'ok' | 'error';
  matches: string[];
  /** In Unicode code points, as the messaging protocol (5.2+) counts. */
  cursor_start: number;
  cursor_end: number;
  metadata: JsonObject;
  [key: string]: JsonValue | undefined;
}

/** Content of `inspect_reply`: `data` is a mime bundle (text/plain at least, when found). */
export interface InspectReplyContent {
  status: 'ok' | 'error';
  found: boolean;
  data: JsonObject;
  metadata: JsonObject;
  [key: string]: JsonValue | undefined;
}

/** Execution state published on IOPub as `status`. */
export type ExecutionState = 'starting' | 'idle' | 'busy';

/** Content of IOPub `status`. */
export interface StatusContent {
  execution_state: ExecutionState;
}

/** Content of `kernel_info_reply` (only the fields Pairbook reads are typed). */
export interface KernelInfoReplyContent {
  status: 'ok' | 'error';
  protocol_version: string;
  implementation: string;
  language_info: { name: string; version?: string; file_extension?: string; mimetype?: string };
  banner: string;
  [key: string]: JsonValue;
}

/** The parent message id of `msg`, or null if it answers nothing. */
export function parentId(msg: JupyterMessage<unknown>): string | null {
  const id = (msg.parent_header as Partial<MessageHeader>).msg_id;
  return typeof id === 'string' && id !== '' ? id : null;
}
