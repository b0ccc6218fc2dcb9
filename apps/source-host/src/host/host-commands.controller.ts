import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { HostCommandEvents, HostCommandV1 } from '@migsim/protocol';
import { DeliveryErrorFilter } from '@migsim/transport/nest';
import {
  SourceHostService,
  type DestinationAnswerBody,
  type MigrationBody,
  type MigrationFaultBody,
  type MigrationLinkBody,
  type MigrationStartBody,
  type VmCreateBody,
  type VmProbeBody,
} from './source-host.service';

/**
 * `host.<host>.commands` of every host this process serves, one handler per
 * command kind (BullmqTransport dispatches by kind). A handler that throws is
 * retried, then dead-lettered with its reason; a kind with no handler here is
 * dead-lettered at once.
 */
@Controller()
@UseFilters(new DeliveryErrorFilter())
export class HostCommandsController {
  constructor(@Inject(SourceHostService) private readonly host: SourceHostService) {}

  @EventPattern<HostCommandEvents>('vm.create')
  createVm(@Payload() command: HostCommandV1): void {
    this.host.createVm(command.run, command.host, command.body as unknown as VmCreateBody);
  }

  @EventPattern<HostCommandEvents>('migration.start')
  startMigration(@Payload() command: HostCommandV1): void {
    this.host.startMigration(command.run, command.host, command.body as unknown as MigrationStartBody);
  }

  @EventPattern<HostCommandEvents>('migration.fault')
  faultMigration(@Payload() command: HostCommandV1): void {
    this.host.faultMigration(command.run, command.body as unknown as MigrationFaultBody);
  }

  @EventPattern<HostCommandEvents>('migration.cancel')
  cancelMigration(@Payload() command: HostCommandV1): void {
    this.host.cancelMigration(command.run, command.body as unknown as MigrationBody);
  }

  @EventPattern<HostCommandEvents>('vm.probe')
  probeVm(@Payload() command: HostCommandV1): void {
    this.host.probeVm(command.run, command.body as unknown as VmProbeBody);
  }

  @EventPattern<HostCommandEvents>('migration.link')
  relinkMigration(@Payload() command: HostCommandV1): void {
    this.host.relinkMigration(command.run, command.body as unknown as MigrationLinkBody);
  }

  @EventPattern<HostCommandEvents>('migration.destination-answer')
  destinationAnswer(@Payload() command: HostCommandV1): void {
    this.host.destinationAnswer(command.run, command.body as unknown as DestinationAnswerBody);
  }

  @EventPattern<HostCommandEvents>('variant.finish')
  finishVariant(@Payload() command: HostCommandV1): void {
    this.host.finishVariant(command.run, command.host, command.body as unknown as { variant: string });
  }

  /** A simulated crash of this host as a destination: a source host holds no half-received VM, so there is nothing to drop. */
  @EventPattern<HostCommandEvents>('migration.drop')
  drop(@Payload() _command: HostCommandV1): void {}
}
