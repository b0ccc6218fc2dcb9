import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.ts';

// `npm run test:compose` (run by .ci/run after `npm test`): builds the service
// images and runs docker-compose.yml under podman-compose. Its file is
// `*.test.ts`, not `*.spec.ts`, so `npm test` does not pick it up.
export default mergeConfig(projectConfig({ include: ['**/*.test.ts'], testTimeoutMs: 600_000 }), { root: dirname(fileURLToPath(import.meta.url)) });
