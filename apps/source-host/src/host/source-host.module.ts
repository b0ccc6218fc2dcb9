import { Module, type DynamicModule } from '@nestjs/common';
import { SOURCE_HOST_CONFIG, type SourceHostConfig } from '../config/source-host-config';
import { SourceHostService } from './source-host.service';

@Module({})
export class SourceHostModule {
  static forRoot(config: SourceHostConfig): DynamicModule {
    return { module: SourceHostModule, providers: [{ provide: SOURCE_HOST_CONFIG, useValue: config }, SourceHostService] };
  }
}
