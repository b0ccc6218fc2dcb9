#!/usr/bin/env node
// Run in a Dockerfile's first stage, on a copy of the build context: deletes
// everything but package-lock.json and the package.json files, so the
// `npm ci` stage after it is cached until a manifest changes, not whenever a
// source file does.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (entry.name !== 'package.json' && !(dir === '.' && entry.name === 'package-lock.json')) {
      rmSync(path);
    }
  }
}

prune('.');
