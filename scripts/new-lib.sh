#!/usr/bin/env bash
# Scaffold a library under libs/<name>: scripts/new-lib.sh <name> <type:pure|type:io> [description]
set -euo pipefail
name=$1; type=$2; desc=${3:-"migsim $1"}
dir=libs/$name
mkdir -p "$dir/src"
cat > "$dir/package.json" <<JSON
{
  "name": "@migsim/$name",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "type": "module",
  "exports": {
    ".": { "development": "./src/index.ts", "default": "./dist/index.js" },
    "./testing": { "development": "./src/testing.ts", "default": "./dist/testing.js" }
  },
  "scripts": {
    "test": "vitest run",
    "typecheck": "tsc -p tsconfig.json",
    "lint": "eslint ."
  },
  "nx": { "tags": ["$type", "layer:$name"] }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "include": ["src/**/*.ts", "bench/**/*.ts", "*.ts"]
}
JSON
cat > "$dir/vitest.config.ts" <<TS
import { projectConfig } from '../../vitest.shared.ts';

export default projectConfig();
TS
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
[ -f "$dir/src/testing.ts" ] || echo "export {};" > "$dir/src/testing.ts"
