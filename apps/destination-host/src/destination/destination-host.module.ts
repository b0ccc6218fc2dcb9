import { Module, type DynamicModule } from '@nestjs/common';
import { DESTINATION_HOST_CONFIG, type DestinationHostConfig } from '../config/destination-host-config';
import { DestinationHostService } from './destination-host.service';

@Module({})
export class DestinationHostModule {
  static forRoot(config: DestinationHostConfig): DynamicModule {
    return { module: DestinationHostModule, providers: [{ provide: DESTINATION_HOST_CONFIG, useValue: config }, DestinationHostService] };
  }
}
