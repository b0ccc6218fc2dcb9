import { projectConfig } from '../vitest.shared.ts';

export default projectConfig({ include: ['**/*.spec.ts'], testTimeoutMs: 120_000 });
