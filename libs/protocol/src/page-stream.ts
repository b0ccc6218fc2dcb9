import { checks, defineCodec, type Envelope, type JsonValue } from '@migsim/transport';

/** Queue `migration.pages.<destination>`: source host -> destination host (ordered, paced). */
export const PAGE_STREAM_KINDS = ['prepare', 'batch', 'resume', 'discard'] as const;
export type PageStreamKind = (typeof PAGE_STREAM_KINDS)[number];

export interface PageStreamV1 extends Envelope<'migsim.page-stream', 1> {
  readonly run: string;
  /** `<variant>/<migration id>`: unique within the run. */
  readonly migration: string;
  readonly attempt: number;
  readonly seq: number;
  readonly kind: PageStreamKind;
  readonly body: JsonValue;
}

export const pageStreamCodecV1 = defineCodec<PageStreamV1>('migsim.page-stream', 1, {
  run: checks.nonEmptyString,
  migration: checks.nonEmptyString,
  attempt: checks.integer(0),
  seq: checks.integer(0),
  kind: checks.oneOf(...PAGE_STREAM_KINDS),
  body: checks.json,
});
