import { checks, defineCodec, type Envelope, type JsonValue } from '@migsim/transport';

/** Queue `host.<host>.commands`: controller (or destination host) -> host. */
export const HOST_COMMAND_KINDS = [
  'vm.create',
  'migration.start',
  'migration.fault',
  'migration.cancel',
  'migration.destination-answer',
  'migration.drop',
  /** The controller re-rated the migration's flow (shared NICs, link faults): pace the page stream at the new rate. */
  'migration.link',
  'variant.finish',
  /** A dirty-rate probe of one VM (QEMU `calc-dirty-rate`), sent to the host holding its model. */
  'vm.probe',
] as const;
export type HostCommandKind = (typeof HOST_COMMAND_KINDS)[number];

export interface HostCommandV1 extends Envelope<'migsim.host-command', 1> {
  readonly run: string;
  /** The simulated host the command is for. */
  readonly host: string;
  readonly kind: HostCommandKind;
  readonly body: JsonValue;
}

export const hostCommandCodecV1 = defineCodec<HostCommandV1>('migsim.host-command', 1, {
  run: checks.nonEmptyString,
  host: checks.nonEmptyString,
  kind: checks.oneOf(...HOST_COMMAND_KINDS),
  body: checks.json,
});
