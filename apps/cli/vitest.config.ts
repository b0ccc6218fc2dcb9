import { projectConfig } from '../../vitest.shared.ts';

export default projectConfig({ testTimeoutMs: 120_000 });
