#!/usr/bin/env bash
# npm test: typecheck, lint, Vitest (unit + integration on an embedded
# PostgreSQL), then Playwright in Chromium against a production build.
# Every stage runs; the exit code is non-zero if any failed.
set -u
cd "$(dirname "$0")/.."
mkdir -p reports
status=0
run() { echo "== $*"; "$@" || status=1; }

run npm run --silent db:generate
run npx tsc --noEmit
run npx eslint . --max-warnings=0
run npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
run npx next build
run npx playwright test
node scripts/test-summary.mjs reports/vitest.json reports/playwright.json || status=1
exit $status
